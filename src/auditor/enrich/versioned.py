"""A deadline judged by the text of the law in force on the deciding date (rules/versions.py).

Each text's deadline is computed over the whole table with the plain vectorized code, then every row
takes the result of its text: the one in force on the `by` date, or — with `lighter_at` (从旧兼从轻) —
the text in force on that later date when it is lighter for the party. A row whose text says the law
then had no such deadline, or whose deciding date is missing or outside every text, gets status `na`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd

from auditor.rules.conditions import DeadlineSpec
from auditor.rules.versions import Versions

NONE = -1


def text_index(versions: Versions, dates: np.ndarray) -> np.ndarray:
    """Per row, the index of the text in force on the date (NONE when missing or in no period)."""
    out = np.full(len(dates), NONE, dtype=np.int64)
    for i, text in enumerate(versions.texts):
        inside = ~np.isnat(dates)
        if text.start is not None:
            inside &= dates >= np.datetime64(text.start, "D")
        if text.end is not None:
            inside &= dates <= np.datetime64(text.end, "D")
        out[inside & (out == NONE)] = i
    return out


def compute_versioned(spec: DeadlineSpec, frame: pd.DataFrame, calendar, as_of: dt.date, warning_days: int,
                      compute):
    """`compute` is the plain deadline computation (enrich/deadlines.compute_deadline)."""
    versions: Versions = spec.versions
    n = len(frame)
    results = []
    for text in versions.texts:
        plain = replace(spec, versions=None, limit=spec.limit if text.limit is None else text.limit,
                        unit=text.unit or spec.unit)
        results.append(compute(plain, frame, calendar, as_of, warning_days) if text.applies else None)
    chosen = text_index(versions, _dates(frame, versions.by))
    if versions.lighter_at:
        later = text_index(versions, _dates(frame, versions.lighter_at))
        chosen = _lighter(chosen, later, results, versions.lighter)
    base = next((r for r in results if r is not None), None)
    if base is None:  # no text has the deadline at all
        base = compute(replace(spec, versions=None), frame, calendar, as_of, warning_days)
        base.status[:] = "na"
        base.limits = np.zeros(n, dtype=np.int64)
        base.units = np.full(n, spec.unit, dtype=object)
        return base
    merged = replace(base, spec=spec, start=base.start.copy(), due=base.due.copy(), end=base.end.copy(),
                     status=np.full(n, "na", dtype=object), elapsed=np.zeros(n, dtype=np.int64),
                     over=np.zeros(n, dtype=np.int64), unknown_years=np.zeros(n, dtype=np.int64))
    limits = np.full(n, int(spec.limit), dtype=np.int64)
    units = np.full(n, spec.unit, dtype=object)
    for i, (text, res) in enumerate(zip(versions.texts, results)):
        rows = chosen == i
        if res is None or not rows.any():
            continue
        for name in ("due", "status", "elapsed", "over", "unknown_years"):
            getattr(merged, name)[rows] = getattr(res, name)[rows]
        limits[rows] = int(res.spec.limit)
        units[rows] = res.spec.unit
    merged.limits = limits
    merged.units = units
    return merged


def _lighter(first: np.ndarray, second: np.ndarray, results, lighter: str) -> np.ndarray:
    """Per row, of the two texts the one lighter for the party: the earlier (or later) due date; a
    text without the deadline is lightest of all (nothing to hold against the party)."""
    out = first.copy()
    for a in range(len(results)):
        for b in range(len(results)):
            rows = (first == a) & (second == b) & (a != b)
            if not rows.any():
                continue
            ra, rb = results[a], results[b]
            if ra is None or rb is None:
                out[rows] = a if ra is None else b
                continue
            due_a, due_b = ra.due[rows], rb.due[rows]
            take_b = (due_b < due_a) if lighter == "earlier_due" else (due_b > due_a)
            take_b &= ~np.isnat(due_b) & ~np.isnat(due_a)
            out[rows] = np.where(take_b, b, a)
    return out


def _dates(frame: pd.DataFrame, name: str) -> np.ndarray:
    return frame[name].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
