"""The vectorized evaluator: each condition node becomes pandas / numpy operations on whole columns.

No per-row Python in the hot path: list fields are exploded once per field and matched as long
columns; regexes run through pandas' string engine; deadlines are precomputed columns.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from auditor.evaluate.context import Facts, RunContext
from auditor.evaluate.facts import full_condition
from auditor.rules.conditions import (Absent, AllOf, AnyOf, Compare, Const, Contains, Deadline, FieldRef, In,
                                      Matches, Not, Present)
from auditor.rules.model import Rule
from auditor.rules.regex_safety import check_regex

_OPS = {
    "eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal,
}


class _Columns:
    """Per-frame caches: column values as numpy arrays with a presence mask, exploded list fields."""

    def __init__(self, frame: pd.DataFrame, fields: dict):
        self.frame = frame
        self.fields = fields
        self.n = len(frame)
        self._cache: dict = {}

    def kind(self, name: str) -> str:
        return self.fields[name].kind

    def values(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(values, present) with values comparable by numpy for the field's kind."""
        key = ("v", name)
        if key not in self._cache:
            s = self.frame[name]
            kind = self.kind(name)
            if kind in ("date", "datetime"):
                v = s.to_numpy(dtype="datetime64[ns]")
                present = ~np.isnat(v)
            elif kind in ("int", "decimal"):
                v = s.astype("float64").to_numpy()
                present = ~np.isnan(v)
            elif kind == "bool":
                present = s.notna().to_numpy(dtype=bool)
                v = s.fillna(False).to_numpy(dtype=bool)
            elif kind in ("list", "enum_list"):
                lengths = self.lengths(name)
                present = lengths > 0
                v = s.to_numpy(dtype=object)
            else:
                v = s.to_numpy(dtype=object)
                present = s.notna().to_numpy(dtype=bool) & (s.to_numpy(dtype=object) != "")
                v = np.where(present, v, "")
            self._cache[key] = (v, present)
        return self._cache[key]

    def lengths(self, name: str) -> np.ndarray:
        key = ("len", name)
        if key not in self._cache:
            ex = self.exploded(name)
            counts = np.bincount(ex[0], minlength=self.n) if len(ex[0]) else np.zeros(self.n, dtype=np.int64)
            self._cache[key] = counts
        return self._cache[key]

    def exploded(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(row positions, element values) of a list field, one entry per element."""
        key = ("ex", name)
        if key not in self._cache:
            s = self.frame[name].reset_index(drop=True)
            ex = s.explode()
            keep = ex.notna().to_numpy(dtype=bool)
            pos = ex.index.to_numpy()[keep].astype(np.int64)
            vals = ex.to_numpy(dtype=object)[keep]
            self._cache[key] = (pos, vals)
        return self._cache[key]


def _literal(value, kind: str):
    if kind in ("date", "datetime"):
        return np.datetime64(value if isinstance(value, dt.date) else str(value), "ns")
    if kind in ("int", "decimal"):
        return float(value)
    return value


def _mask(node, cols: _Columns, facts: Facts) -> np.ndarray:
    n = cols.n
    if isinstance(node, Const):
        return np.full(n, bool(node.value))
    if isinstance(node, AllOf):
        out = np.ones(n, dtype=bool)
        for child in node.children:
            out &= _mask(child, cols, facts)
        return out
    if isinstance(node, AnyOf):
        out = np.zeros(n, dtype=bool)
        for child in node.children:
            out |= _mask(child, cols, facts)
        return out
    if isinstance(node, Not):
        return ~_mask(node.child, cols, facts)
    if isinstance(node, Present):
        return cols.values(node.field)[1].copy()
    if isinstance(node, Absent):
        return ~cols.values(node.field)[1]
    if isinstance(node, Compare):
        kind = cols.kind(node.field)
        left, lp = cols.values(node.field)
        if isinstance(node.value, FieldRef):
            right, rp = cols.values(node.value.name)
            ok = lp & rp
        else:
            right, ok = _literal(node.value.value, kind), lp
        if kind in ("str", "enum", "bool") and node.op not in ("eq", "ne"):
            result = _OPS[node.op](left.astype(str), np.asarray(right).astype(str))
        else:
            with np.errstate(invalid="ignore"):
                result = _OPS[node.op](left, right)
        return np.asarray(result, dtype=bool) & ok
    if isinstance(node, In):
        values = list(node.values.value)
        kind = cols.kind(node.field)
        if kind in ("list", "enum_list"):
            pos, vals = cols.exploded(node.field)
            hit = pd.Series(vals, dtype=object).isin(values).to_numpy(dtype=bool)
            out = np.zeros(n, dtype=bool)
            out[pos[hit]] = True
            return out
        v, present = cols.values(node.field)
        lits = [_literal(x, kind) for x in values]
        return np.isin(v, np.asarray(lits, dtype=v.dtype if kind not in ("str", "enum") else object)) & present
    if isinstance(node, Contains):
        pos, vals = cols.exploded(node.field)
        if isinstance(node.value, FieldRef):
            other, op = cols.values(node.value.name)
            hit = (vals == other[pos]) & op[pos]
        else:
            hit = vals == node.value.value
        out = np.zeros(n, dtype=bool)
        out[pos[np.asarray(hit, dtype=bool)]] = True
        return out
    if isinstance(node, Matches):
        check_regex(node.pattern)  # also for trees built in code: never run a pattern that can hang
        v, present = cols.values(node.field)
        s = pd.Series(v, dtype=object)
        return s.str.contains(node.pattern, regex=True, na=False).to_numpy(dtype=bool) & present
    if isinstance(node, Deadline):
        return facts.deadlines[node.spec.key].hit.copy()
    raise TypeError(f"vectorized evaluator has no translation for {type(node).__name__}")


class VectorizedEvaluator:
    name = "vectorized"

    def masks(self, nodes: dict[str, tuple[str, object]], facts: Facts) -> dict[str, np.ndarray]:
        """key → boolean mask, for (scope, condition) pairs."""
        cols = {scope: _Columns(frame, facts.fields[scope]) for scope, frame in facts.frames.items()}
        return {key: _mask(node, cols[scope], facts) for key, (scope, node) in nodes.items()}

    def hits(self, rules: list[Rule], facts: Facts, ctx: RunContext) -> dict[str, np.ndarray]:
        masks = self.masks({r.id: (r.scope, full_condition(r, ctx.as_of)) for r in rules}, facts)
        return {rule_id: np.flatnonzero(mask) for rule_id, mask in masks.items()}
