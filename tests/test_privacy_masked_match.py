"""A value published masked is compared by its visible characters, whatever masking the platform uses."""

from auditor.privacy import matches_masked


def test_first_four_and_last_four_kept():
    assert matches_masked("310104198001011282", "3101**********1282")
    assert not matches_masked("310104198001011282", "3102**********1282")
    assert not matches_masked("310104198001011282", "3101**********1283")


def test_last_four_only_and_names():
    assert matches_masked("11010519491231002x", "**************002X")
    assert matches_masked("王小明", "王**")
    assert matches_masked("王小明", "王*明")
    assert matches_masked("王小明", "王*")  # fewer mask characters than hidden ones: still consistent
    assert not matches_masked("王小明", "李**")
    assert not matches_masked("王小明", "王*华")


def test_a_mask_hides_at_least_one_character():
    assert not matches_masked("王明", "王*明")
    assert not matches_masked("1282", "12**1282")
