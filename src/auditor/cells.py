"""Text made safe for spreadsheets and XML: formulas neutralised (and undone on the way back), control
characters XML cannot carry dropped, legal unique sheet names, and what counts as a missing value.
Reports and the history store's workbooks (monthly form, corrections, 双随机 lists) share these."""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

# A cell whose text starts with one of these is a formula to Excel/WPS/LibreOffice (CSV injection).
_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 forbids these control characters; a case text holding one would break xlsx/JUnit/HTML.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would read as a formula with a single quote; other values as is."""
    if isinstance(value, str) and value.startswith(_FORMULA_LEAD):
        return "'" + value
    return value


def unneutralise(value: Any) -> Any:
    """Undo `neutralise` on text read back from a report (e.g. a returned corrections workbook)."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def xml_safe(text: str) -> str:
    """Drop the control characters XML 1.0 cannot carry (they are never meaningful in case text)."""
    return _XML_BAD.sub("", text)


def is_missing(value: Any) -> bool:
    """None, NaN, NaT or pd.NA."""
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def sheet_names(squads: list[str], reserved: list[str]) -> dict[str, str]:
    """Squad -> a legal, unique sheet name (31 chars max, no []:*?/\\, case-insensitively unique)."""
    taken = {r.lower() for r in reserved}
    out: dict[str, str] = {}
    for squad in squads:
        base = _SHEET_BAD.sub("_", xml_safe(squad)).strip("'") or "_"  # control chars corrupt workbook.xml
        name = base[:31]
        n = 2
        while name.lower() in taken:
            suffix = f"~{n}"
            name = base[: 31 - len(suffix)] + suffix
            n += 1
        taken.add(name.lower())
        out[squad] = name
    return out
