"""The deadline table as it was built before the bulk builder: one frame per (rule, deadline), concatenated
and sorted. Kept for tests/results/test_deadline_table_bulk.py, which proves the bulk table equal to it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.evaluate.context import Facts
from auditor.rules.model import Rule


CATEGORICAL = ("rule_id", "name", "label_zh", "label_en", "status")  # never missing


def deadline_table_reference(rules: list[Rule], applicable: dict[str, np.ndarray], facts: Facts) -> pd.DataFrame:
    """Every computed deadline of every case where its rule applies (for case pages and `explain`)."""
    cols = ["case_id", "rule_id", "name", "label_zh", "label_en", "start_field", "start", "due", "end_field", "end",
            "unit", "limit", "status"]
    chunks = []
    case_ids = facts.frames["case"]["case_id"].to_numpy(dtype=object)
    for rule in rules:
        mask = applicable.get(rule.id)
        if mask is None or rule.scope != "case":
            continue
        for spec in rule.deadlines:
            res = facts.deadlines[spec.key]
            sel = np.flatnonzero(mask & (res.status != "na"))
            if not len(sel):
                continue
            chunks.append(pd.DataFrame({
                "case_id": case_ids[sel], "rule_id": rule.id, "name": spec.name, "label_zh": spec.label["zh"],
                "label_en": spec.label["en"], "start_field": spec.from_field,
                "start": res.start[sel].astype("datetime64[ns]"), "due": res.due[sel].astype("datetime64[ns]"),
                "end_field": spec.to_field, "end": res.end[sel].astype("datetime64[ns]"),
                "unit": res.units[sel] if res.units is not None else spec.unit,
                "limit": res.limits[sel] if res.limits is not None else int(spec.limit), "status": res.status[sel],
            }))
    if not chunks:
        table = pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c in ("start", "due", "end") else object)
                              for c in cols})
    else:
        table = pd.concat(chunks, ignore_index=True)[cols]
    table = table.sort_values(["case_id", "rule_id", "name"], kind="stable").reset_index(drop=True)
    # A handful of distinct texts repeated on millions of rows (10 per case at a million cases):
    # categorical, one byte a row instead of a pointer; every value reads back as the same str.
    for col in CATEGORICAL:
        table[col] = table[col].astype("category")
    return table
