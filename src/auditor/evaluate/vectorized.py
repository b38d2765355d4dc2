"""The vectorized evaluator: each condition node becomes pandas / numpy operations on whole columns.

No per-row Python in the hot path: list fields are exploded once per field and matched as long
columns; regexes run through pandas' string engine; deadlines are precomputed columns.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from auditor.evaluate.context import Facts, RunContext
from auditor.evaluate.facts import effective_condition, full_condition
from auditor.evaluate.outcome import Outcome, empty_overrides
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


class _Judge:
    """Kleene three-valued evaluation of condition trees on one scope's columns.

    Every node yields (t, f): rows where it is certainly true, certainly false; the rest are unknown.
    A leaf reading a value the export does not establish (`Unknowns`) is unknown, except that a list
    shown to hold an element holds it (lists are partial where unknown) and a comparison with a side
    known to be empty is false; `all`, `any` and `not` follow Kleene's strong logic, so an unknown
    child makes the result unknown only when it could change it.
    """

    def __init__(self, cols: _Columns, facts: Facts, scope: str, overrides: dict | None = None):
        self.cols, self.facts, self.scope = cols, facts, scope
        self.overrides = overrides or {}
        self.n = cols.n
        self._none = np.zeros(self.n, dtype=bool)

    def unknown(self, name: str) -> np.ndarray:
        unknowns = self.facts.unknowns
        if unknowns is None:
            return self._none
        mask = unknowns.of(self.scope, name, self.overrides.get(name))
        return self._none if mask is None else mask

    def known(self, raw: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
        u = self.unknown(name)
        return raw & ~u, ~raw & ~u

    def __call__(self, node) -> tuple[np.ndarray, np.ndarray]:
        n = self.n
        if isinstance(node, Const):
            full = np.full(n, bool(node.value))
            return full, ~full
        if isinstance(node, AllOf):
            t, f = np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
            for child in node.children:
                ct, cf = self(child)
                t &= ct
                f |= cf
            return t, f
        if isinstance(node, AnyOf):
            t, f = np.zeros(n, dtype=bool), np.ones(n, dtype=bool)
            for child in node.children:
                ct, cf = self(child)
                t |= ct
                f &= cf
            return t, f
        if isinstance(node, Not):
            t, f = self(node.child)
            return f, t
        if isinstance(node, (Present, Absent)):
            present = self.cols.values(node.field)[1]
            u = self.unknown(node.field)
            if self.cols.kind(node.field) in _LISTS:  # partial where unknown: what is shown is there
                t, f = present.copy(), ~present & ~u
            else:
                t, f = present & ~u, ~present & ~u
            if isinstance(node, Absent):
                return f, t
            return t, f
        if isinstance(node, Compare) and isinstance(node.value, FieldRef):
            raw = _raw(node, self.cols, self.facts)
            lp, rp = self.cols.values(node.field)[1], self.cols.values(node.value.name)[1]
            lu, ru = self.unknown(node.field), self.unknown(node.value.name)
            sure = ~lu & ~ru
            return raw & sure, (~raw & sure) | (~lp & ~lu) | (~rp & ~ru)
        if isinstance(node, Contains) and isinstance(node.value, FieldRef):
            raw = _raw(node, self.cols, self.facts)
            op = self.cols.values(node.value.name)[1]
            lu, ru = self.unknown(node.field), self.unknown(node.value.name)
            return raw & ~ru, (~raw & ~lu & ~ru) | (~op & ~ru)
        if isinstance(node, (In, Contains)) and self.cols.kind(node.field) in _LISTS:
            raw = _raw(node, self.cols, self.facts)
            return raw, ~raw & ~self.unknown(node.field)
        if isinstance(node, (Compare, In, Matches)):
            return self.known(_raw(node, self.cols, self.facts), node.field)
        if isinstance(node, Deadline):
            raw = self.facts.deadlines[node.spec.key].hit
            u = self.facts.deadline_unknown.get(node.spec.key)
            if u is None:
                return raw.copy(), ~raw
            return raw & ~u, ~raw & ~u
        raise TypeError(f"vectorized evaluator has no translation for {type(node).__name__}")


_LISTS = ("list", "enum_list")


def _raw(node, cols: _Columns, facts: Facts) -> np.ndarray:
    """A leaf on the values as they are (a missing value never satisfies it)."""
    n = cols.n
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
        if kind in _LISTS:
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
    raise TypeError(f"vectorized evaluator has no translation for {type(node).__name__}")


class VectorizedEvaluator:
    name = "vectorized"

    def judge(self, nodes: dict[str, tuple[str, object, dict]], facts: Facts) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """key → (certainly true, certainly false) masks, for (scope, condition, empty overrides) triples."""
        cols = {scope: _Columns(frame, facts.fields[scope]) for scope, frame in facts.frames.items()}
        return {key: _Judge(cols[scope], facts, scope, overrides)(node)
                for key, (scope, node, overrides) in nodes.items()}

    def masks(self, nodes: dict[str, tuple[str, object]], facts: Facts) -> dict[str, np.ndarray]:
        """key → rows where the condition is certainly true, for (scope, condition) pairs."""
        judged = self.judge({key: (scope, node, None) for key, (scope, node) in nodes.items()}, facts)
        return {key: t for key, (t, _f) in judged.items()}

    def outcomes(self, rules: list[Rule], facts: Facts, ctx: RunContext,
                 every_outcome: bool = True) -> dict[str, Outcome]:
        """rule id → its four-way verdict on every row of its scope (evaluate/outcome.py `Outcome`);
        always every outcome (`every_outcome` is for the Rete evaluator, where it costs)."""
        nodes = {}
        for r in rules:
            overrides = empty_overrides(r)
            nodes[(r.id, "full")] = (r.scope, full_condition(r, ctx.as_of), overrides)
            nodes[(r.id, "scope")] = (r.scope, AllOf((effective_condition(r, ctx.as_of), r.applies)), overrides)
        judged = self.judge(nodes, facts)
        return {r.id: Outcome.from_masks(judged[(r.id, "full")], judged[(r.id, "scope")][1]) for r in rules}

    def hits(self, rules: list[Rule], facts: Facts, ctx: RunContext) -> dict[str, np.ndarray]:
        return {rule_id: o.violated for rule_id, o in self.outcomes(rules, facts, ctx).items()}
