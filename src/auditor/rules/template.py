"""Message and correction templates: `{name}` placeholders filled with evidence, nothing else.

Rule text is never evaluated: a placeholder is a dotted name looked up in a dict of values
(`decision_date`, `param.service_working_days`, `dl.service.due`, `as_of`, …). Unknown names are
rejected when the rule pack loads, so a typo never reaches a report.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}")
DEADLINE_ATTRS = ("due", "limit", "unit", "start", "end", "elapsed", "over", "label", "actual")


def placeholders(template: str) -> list[str]:
    return PLACEHOLDER.findall(template.replace("{{", "").replace("}}", ""))


def format_value(value, lang: str = "zh") -> str:
    """One value as a report shows it: dates ISO, whole amounts without decimals, lists joined."""
    if value is None or value is pd.NaT:
        return "（空）" if lang == "zh" else "(empty)"
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        if pd.isna(value):
            return "（空）" if lang == "zh" else "(empty)"
        if value.hour or value.minute or value.second:
            return value.strftime("%Y-%m-%d %H:%M")
        return value.strftime("%Y-%m-%d")
    if isinstance(value, np.datetime64):
        return format_value(pd.Timestamp(value), lang) if not np.isnat(value) else format_value(None, lang)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (bool, np.bool_)):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return format_value(None, lang)
        return str(int(value)) if float(value).is_integer() else f"{value:.2f}"
    if isinstance(value, (tuple, list)):
        return ("、" if lang == "zh" else ", ").join(format_value(v, lang) for v in value) or format_value(None, lang)
    if value is pd.NA:
        return format_value(None, lang)
    return str(value)


def render(template: str, values: dict, lang: str = "zh") -> str:
    def sub(match: re.Match) -> str:
        return format_value(values.get(match.group(1)), lang)

    parts = template.split("{{")
    out = []
    for part in parts:
        out.append("}".join(PLACEHOLDER.sub(sub, piece) for piece in part.split("}}")))
    return "{".join(out)
