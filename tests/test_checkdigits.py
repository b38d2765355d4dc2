import random
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.idcodes import (
    CREDIT_ALPHABET, credit_code_check_char, credit_code_mask, id_card_check_char, id_card_mask,
    make_credit_code, make_id_card, org_code_check_char, valid_credit_code, valid_id_card, valid_org_code,
)

# The worked example of GB 11643-1999 and a published credit code (GB 32100-2015 style).
ID_EXAMPLE = "11010519491231002X"
CREDIT_EXAMPLE = "91350100M000100Y43"


def test_standard_examples_are_valid():
    assert valid_id_card(ID_EXAMPLE)
    assert id_card_check_char(ID_EXAMPLE[:17]) == "X"
    assert valid_credit_code(CREDIT_EXAMPLE)
    assert credit_code_check_char(CREDIT_EXAMPLE[:17]) == "3"
    # its organisation code M000100Y4 carries its own GB 11714 check digit
    assert valid_org_code(CREDIT_EXAMPLE[8:17])
    assert org_code_check_char("M000100Y") == "4"


def test_hand_computed_id_check_digit():
    # 1×7+1×9+0×10+1×5+0×8+5×4+1×2+9×1+4×6+9×3+1×7+2×9+3×10+1×5+0×8+0×4+2×2 = 167; 167 mod 11 = 2 -> X
    assert sum(int(c) * w for c, w in zip(ID_EXAMPLE[:17], (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2))) == 167
    assert "10X98765432"[167 % 11] == "X"


@pytest.mark.parametrize("bad", [
    "110105194912310021",  # wrong check digit
    "11010519491331002X",  # month 13
    "11010519490229002X",  # 1949 is not a leap year: recomputed check would not save it
    "01010519491231002X",  # region cannot start with 0
    "11010519491231002",   # 17 characters
    "1101051949123100２X",  # full-width digit
    None, 110105194912310020,
])
def test_invalid_id_cards(bad):
    assert not valid_id_card(bad)
    assert not id_card_mask([bad])[0]


def test_impossible_birth_date_rejected_even_with_matching_check_digit():
    body = "11010519490229002"  # 1949-02-29 does not exist
    assert not valid_id_card(body + id_card_check_char(body))
    body = "11010520000229002"  # 2000-02-29 does
    assert valid_id_card(body + id_card_check_char(body))
    assert id_card_mask([body + id_card_check_char(body)])[0]


def test_lower_case_x_accepted():
    assert valid_id_card(ID_EXAMPLE.lower())
    assert id_card_mask([ID_EXAMPLE.lower()])[0]


@pytest.mark.parametrize("bad", [
    "91350100M000100Y44",  # wrong check character
    "91350100M000100Y4I",  # I is not in the alphabet
    "91350100M000100Y4",   # 17 characters
    "", None,
])
def test_invalid_credit_codes(bad):
    assert not valid_credit_code(bad)
    assert not credit_code_mask([bad])[0]


def test_every_wrong_check_character_is_rejected():
    body = CREDIT_EXAMPLE[:17]
    wrong = [c for c in CREDIT_ALPHABET if c != "3"]
    assert len(wrong) == 30
    assert not any(valid_credit_code(body + c) for c in wrong)
    assert not any(valid_id_card(ID_EXAMPLE[:17] + c) for c in "0123456789")


def test_generators_produce_valid_codes():
    rng = random.Random(5)
    for _ in range(500):
        pid = make_id_card(rng, "310106", date(rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28)))
        assert valid_id_card(pid), pid
        code = make_credit_code(rng, rng.choice(["91", "92", "52"]), "310106")
        assert valid_credit_code(code), code
        assert valid_org_code(code[8:17]), code


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="0123456789Xx", min_size=17, max_size=19),
                          st.text(max_size=20)), max_size=30))
def test_masks_agree_with_scalar_validators(values):
    assert id_card_mask(values).tolist() == [valid_id_card(v) for v in values]
    assert credit_code_mask(values).tolist() == [valid_credit_code(v) for v in values]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_masks_agree_on_generated_and_corrupted_codes(seed):
    rng = random.Random(seed)
    ids = [make_id_card(rng, "310101", date(1980, 5, 17)) for _ in range(5)]
    codes = [make_credit_code(rng, "91", "310000") for _ in range(5)]
    corrupted = [s[:17] + rng.choice("0123456789X") for s in ids]
    values = ids + codes + corrupted
    assert id_card_mask(values).tolist() == [valid_id_card(v) for v in values]
    assert credit_code_mask(values).tolist() == [valid_credit_code(v) for v in values]
    assert id_card_mask(ids).all() and credit_code_mask(codes).all()


def test_masks_on_empty_and_object_arrays():
    assert id_card_mask([]).shape == (0,)
    arr = np.array([ID_EXAMPLE, None, CREDIT_EXAMPLE], dtype=object)
    assert id_card_mask(arr).tolist() == [True, False, False]
    assert credit_code_mask(arr).tolist() == [False, False, True]
