"""The deadline table: every computed deadline of every case where its rule applies (case pages, `explain`).

Built in bulk: the rows of every (rule, deadline) are gathered as numpy arrays, put in order once
(case, rule, deadline name; stable, as `sort_values(kind="stable")` orders them) and the frame is made
from them in one step; the repeated texts become categorical without an intermediate text column.
At a million cases the table has about ten million rows; building one frame per (rule, deadline) and
sorting their concatenation held several copies of it at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.evaluate.context import Facts
from auditor.rules.model import Rule


CATEGORICAL = ("rule_id", "name", "label_zh", "label_en", "status")  # never missing
COLUMNS = ["case_id", "rule_id", "name", "label_zh", "label_en", "start_field", "start", "due", "end_field", "end",
           "unit", "limit", "status"]
_DATES = ("start", "due", "end")


def deadline_table(rules: list[Rule], applicable: dict[str, np.ndarray], facts: Facts) -> pd.DataFrame:
    """Every computed deadline of every case where its rule applies (for case pages and `explain`)."""
    case_ids = facts.frames["case"]["case_id"].to_numpy(dtype=object)
    parts: dict[str, list] = {c: [] for c in ("pos", "chunk", "start", "due", "end", "unit", "limit", "status")}
    chunks = []  # per (rule, deadline): rule_id, name, label_zh, label_en, start_field, end_field
    for rule in rules:
        mask = applicable.get(rule.id)
        if mask is None or rule.scope != "case":
            continue
        for spec in rule.deadlines:
            res = facts.deadlines[spec.key]
            sel = np.flatnonzero(mask & (res.status != "na"))
            if not len(sel):
                continue
            n = len(sel)
            parts["pos"].append(sel)
            parts["chunk"].append(np.full(n, len(chunks), dtype=np.int32))
            for col, values in (("start", res.start), ("due", res.due), ("end", res.end)):
                parts[col].append(values[sel].astype("datetime64[ns]"))
            parts["unit"].append(res.units[sel] if res.units is not None else _repeat(spec.unit, n))
            parts["limit"].append(res.limits[sel] if res.limits is not None else _repeat(int(spec.limit), n))
            parts["status"].append(np.asarray(res.status[sel], dtype=object))
            chunks.append((rule.id, spec.name, spec.label["zh"], spec.label["en"], spec.from_field, spec.to_field))
    if not chunks:
        table = pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c in _DATES else object) for c in COLUMNS})
        for col in CATEGORICAL:
            table[col] = table[col].astype("category")
        return table
    pos = np.concatenate(parts["pos"])
    chunk = np.concatenate(parts["chunk"])
    # the stable order of sort_values(["case_id", "rule_id", "name"], kind="stable"), from ranks
    case_rank = pd.factorize(case_ids, sort=True)[0][pos]
    order = np.lexsort((_ranks([c[1] for c in chunks])[chunk], _ranks([c[0] for c in chunks])[chunk], case_rank))
    pos, chunk = pos[order], chunk[order]
    columns = {"case_id": case_ids[pos]}
    for i, col in enumerate(("rule_id", "name", "label_zh", "label_en", "start_field", "end_field")):
        values = [c[i] for c in chunks]
        if col in CATEGORICAL:
            columns[col] = _categorical(values, chunk)
        else:
            columns[col] = np.array(values, dtype=object)[chunk]
    for col in ("start", "due", "end", "unit", "limit"):
        columns[col] = np.concatenate(parts[col])[order]
    status, codes = np.unique(np.concatenate(parts["status"])[order], return_inverse=True)
    columns["status"] = _categorical(list(status), codes)
    return pd.DataFrame(columns)[COLUMNS]


def _categorical(values: list[str], codes: np.ndarray) -> pd.Categorical:
    """values[codes] as the categorical `astype("category")` makes of that text column (sorted categories,
    typed as this pandas types a column of text)."""
    categories = pd.Series(sorted(set(values))).astype("category").cat.categories
    return pd.Categorical.from_codes(categories.get_indexer(values)[codes], dtype=pd.CategoricalDtype(categories))


def _repeat(value, n: int) -> np.ndarray:
    """`value` on n rows, typed as a DataFrame column made from the scalar would be."""
    return np.full(n, value, dtype=np.int64 if isinstance(value, int) else object)


def _ranks(values: list[str]) -> np.ndarray:
    order = {v: i for i, v in enumerate(sorted(set(values)))}
    return np.array([order[v] for v in values], dtype=np.int32)
