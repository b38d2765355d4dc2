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

from auditor.rules.placeholders import DEADLINE_ATTRS, PLACEHOLDER, placeholders  # noqa: F401  (re-exported)

MISSING = {"zh": "未记载", "en": "not recorded"}


def format_value(value, lang: str = "zh") -> str:
    """One value as a report shows it: dates ISO, whole amounts without decimals, lists joined."""
    if value is None or value is pd.NaT:
        return MISSING[lang]
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        if pd.isna(value):
            return MISSING[lang]
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
        value = values.get(match.group(1))
        if match.group(2) is not None and _missing(value):
            return match.group(2)
        return format_value(value, lang)

    parts = template.split("{{")
    out = []
    for part in parts:
        out.append("}".join(PLACEHOLDER.sub(sub, piece) for piece in part.split("}}")))
    return "{".join(out)


def compile_template(template: str) -> list[str | tuple[str, str | None]]:
    """`template` cut once into literal text and placeholders (name, fallback), in order, so that
    joining the literals with each placeholder's text gives exactly what `render` gives (the escaped
    braces {{ }} become literal { } as there). The findings builder renders a whole column this way."""
    segments: list[str | tuple[str, str | None]] = []
    for p, part in enumerate(template.split("{{")):
        if p:
            segments.append("{")
        for q, piece in enumerate(part.split("}}")):
            if q:
                segments.append("}")
            at = 0
            for m in PLACEHOLDER.finditer(piece):
                segments.append(piece[at:m.start()])
                segments.append((m.group(1), m.group(2)))
                at = m.end()
            segments.append(piece[at:])
    out: list[str | tuple[str, str | None]] = []
    for seg in segments:  # adjacent literals merged, empty ones dropped
        if isinstance(seg, str):
            if not seg:
                continue
            if out and isinstance(out[-1], str):
                out[-1] += seg
                continue
        out.append(seg)
    return out


def filled(value, fallback: str | None, lang: str) -> str:
    """A placeholder's text for `value`, as `render` writes it."""
    if fallback is not None and _missing(value):
        return fallback
    return format_value(value, lang)


def _missing(value) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, (tuple, list, str)) and len(value) == 0
