"""Check digits of the two party identifiers in a case file (主体认定).

* 18-digit citizen ID number, GB 11643-1999: 6-digit region code, 8-digit birth date (YYYYMMDD),
  3-digit sequence, check character. Weights are 2^(17-i) mod 11; the check is
  "10X98765432"[sum mod 11].
* Unified social credit code, GB 32100-2015: registration authority (1 char), organisation type
  (1 char), 6-digit region code, 9-character organisation code (GB 11714, its own check digit
  included), check character. Alphabet: the 31 characters 0-9 and A-Y without I, O, Z, S, V;
  weights 3^i mod 31; the check is the character of value (31 - sum mod 31) mod 31.

Scalar validators (`valid_id_card`, `valid_credit_code`) suit `Series.map`; the `*_mask` functions
check a whole column at once with numpy. Both accept lower-case letters (exports often lower-case
the trailing x) and reject anything that is not a string. Generators (`make_id_card`,
`make_credit_code`) are used by the sample generator and by tests.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date

import numpy as np

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_VALUE = {c: i for i, c in enumerate(CREDIT_ALPHABET)}

ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714-1997, the organisation code inside a credit code


# -- ID card -------------------------------------------------------------------------------------
def id_card_check_char(first17: str) -> str:
    """The check character for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise ValueError(f"需要 17 位数字: {first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS))
    return ID_CHECK_CHARS[total % 11]


def valid_id_card(value: object) -> bool:
    """True for an 18-character ID number with a real birth date and a correct check character."""
    if not isinstance(value, str) or len(value) != 18 or not value.isascii():
        return False
    s = value.upper()
    body = s[:17]
    if not body.isdigit() or s[0] == "0":
        return False
    try:
        date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return False
    return id_card_check_char(body) == s[17]


def make_id_card(rng: random.Random, region: str, birth: date, sequence: int | None = None) -> str:
    """A valid ID number for `region` (6 digits) and `birth`; sequence 0-999 drawn when not given."""
    seq = rng.randrange(1000) if sequence is None else sequence
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + id_card_check_char(body)


# -- unified social credit code ------------------------------------------------------------------
def credit_code_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a unified social credit code."""
    if len(first17) != 17:
        raise ValueError(f"需要 17 位字符: {first17!r}")
    try:
        total = sum(_CREDIT_VALUE[c] * w for c, w in zip(first17, CREDIT_WEIGHTS))
    except KeyError as exc:
        raise ValueError(f"统一社会信用代码不允许的字符: {exc.args[0]!r}") from None
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def valid_credit_code(value: object) -> bool:
    """True for an 18-character code over the GB 32100 alphabet whose check character is correct.

    Only the code's own check character is verified (what GB 32100 defines); the organisation-code
    check inside it is `valid_org_code(code[8:17])`, kept separate because older codes may fail it.
    """
    if not isinstance(value, str) or len(value) != 18 or not value.isascii():
        return False
    s = value.upper()
    if any(c not in _CREDIT_VALUE for c in s):
        return False
    return credit_code_check_char(s[:17]) == s[17]


def org_code_check_char(first8: str) -> str:
    """GB 11714 check character of an 8-character organisation code body (digits and A-Z)."""
    if len(first8) != 8 or not first8.isalnum() or not first8.isascii():
        raise ValueError(f"需要 8 位字母数字: {first8!r}")
    total = sum(int(c, 36) * w for c, w in zip(first8.upper(), ORG_WEIGHTS))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def valid_org_code(value: object) -> bool:
    """True for a 9-character organisation code (GB 11714) with a correct check character."""
    if not isinstance(value, str) or len(value) != 9 or not value[:8].isalnum() or not value.isascii():
        return False
    return org_code_check_char(value[:8]) == value[8].upper()


def make_credit_code(rng: random.Random, authority_type: str, region: str,
                     org_body: str | None = None) -> str:
    """A valid credit code: `authority_type` is the first two characters (e.g. "91" company,
    "92" individual business, "52" private non-enterprise unit, "11" government body), `region`
    six digits. The organisation-code body is drawn (new-style "MA" + 6 characters) when not given;
    its GB 11714 check character is computed, so both check digits hold."""
    if org_body is None:
        alphabet = CREDIT_ALPHABET
        org_body = "MA" + "".join(rng.choice(alphabet) for _ in range(6))
    org = org_body + org_code_check_char(org_body)
    body = f"{authority_type}{region}{org}"
    return body + credit_code_check_char(body)


# -- vectorized ----------------------------------------------------------------------------------
def _as_matrix(values: Iterable[object]) -> tuple[np.ndarray, np.ndarray]:
    """(n, 18) uint8 matrix of upper-cased ASCII codes, and a mask of rows that had that shape."""
    vals = list(values)
    ok = np.fromiter((isinstance(v, str) and len(v) == 18 and v.isascii() for v in vals),
                     dtype=bool, count=len(vals))
    filler = "0" * 18
    joined = "".join(v.upper() if good else filler for v, good in zip(vals, ok)).encode("ascii")
    mat = np.frombuffer(joined, dtype=np.uint8).reshape(len(vals), 18)
    return mat, ok


def id_card_mask(values: Iterable[object]) -> np.ndarray:
    """Vectorized `valid_id_card` over a sequence (e.g. a pandas column): a bool array."""
    mat, ok = _as_matrix(values)
    if mat.shape[0] == 0:
        return ok
    digits = mat[:, :17].astype(np.int64) - 48
    ok &= ((digits >= 0) & (digits <= 9)).all(axis=1) & (digits[:, 0] != 0)
    total = digits @ np.asarray(ID_WEIGHTS, dtype=np.int64)
    lut = np.frombuffer(ID_CHECK_CHARS.encode("ascii"), dtype=np.uint8)
    ok &= lut[total % 11] == mat[:, 17]
    year = digits[:, 6] * 1000 + digits[:, 7] * 100 + digits[:, 8] * 10 + digits[:, 9]
    month = digits[:, 10] * 10 + digits[:, 11]
    day = digits[:, 12] * 10 + digits[:, 13]
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    dim = np.asarray([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(month, 0, 12)]
    dim = dim + ((month == 2) & leap)
    ok &= (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= dim)
    return ok


def credit_code_mask(values: Iterable[object]) -> np.ndarray:
    """Vectorized `valid_credit_code` over a sequence: a bool array."""
    mat, ok = _as_matrix(values)
    if mat.shape[0] == 0:
        return ok
    lut = np.full(256, -1, dtype=np.int64)
    for i, c in enumerate(CREDIT_ALPHABET):
        lut[ord(c)] = i
    vals = lut[mat]
    ok &= (vals >= 0).all(axis=1)
    total = vals[:, :17] @ np.asarray(CREDIT_WEIGHTS, dtype=np.int64)
    ok &= (31 - total % 31) % 31 == vals[:, 17]
    return ok

