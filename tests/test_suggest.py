"""The one did-you-mean: the closest known names in one phrasing, and the first unknown key of a mapping
(what every configuration and rule loader names in its error)."""

from auditor.suggest import did_you_mean, first_unknown


def test_the_closest_names_are_suggested_in_one_phrasing():
    assert did_you_mean("aprover", ["approver", "approved", "reason"]) == "（是否想写: approver, approved？）"
    assert did_you_mean("zzz", ["approver", "reason"]) == ""


def test_the_first_unknown_key_in_sorted_order_or_none():
    assert first_unknown({"b": 1, "zz": 2, "aa": 3}, {"b"}) == "aa"
    assert first_unknown({"b": 1}, ("b", "c")) is None
    assert first_unknown({2026: 1, "by": 2}, {"by"}) == "2026"  # a YAML key that is no string is named as text
