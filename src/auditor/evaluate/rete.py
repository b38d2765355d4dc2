"""The Rete evaluator: every rule compiled to durable_rules' JSON ruleset form and judged case by case.

It is the independent second opinion on the vectorized evaluator: the same condition tree, the same
enriched facts, but a different engine deciding which rows match. One ruleset on a private host holds
one durable rule per pack rule (more when a condition is too big for one durable rule and is split
into its disjuncts). Each case is asserted as a FACT, together with its recordings, in its own session,
so every matching rule fires once per fact; the session is deleted afterwards, so memory does not grow
with the number of cases. The consequent records (rule id, row position).

Facts: the fields the rules read, with dates as days since 1970-01-01 and datetimes as seconds (a date
compared with a datetime gets a `<field>~s` seconds copy), missing values (None, NaT, NaN, "", empty
list) left out, each deadline's verdict as `~cd<n>` / `~rd<n>` = 1/0, and `~c` / `~r` saying which
scope (case, recording) a fact belongs to.

durable_rules has no general negation, so conditions are pushed into negation normal form with the
missing-value semantics of conditions.py: not(x > 1) becomes (x absent) ∨ (x ≤ 1); not(list holds v)
becomes (list absent) ∨ (every element ≠ v) via `$iall`. A negated regex cannot be inverted inside
durable (and its `none(...)` does not see the same fact), so durable first judges each such regex in
a probe ruleset and its verdict joins the fact as `~cm<n>` = 1/0 — durable still decides.

Traps of durable_rules 2.0.28 handled here (each found by experiment): the Host constructor starts
timer threads that dispatch actions concurrently (a private subclass without them is used); deleting
a session in which no action ever ran segfaults, and at most 1024 sessions may live at once (a rule
on the first fact of each session always fires, and every session is deleted); a `$nex` first in a
rule, or under a top-level `$or`, never returns (each rule is led by a positive equality or `$ex`); a
rule holds at most 31 `$and`/`$or`/reference entries (bigger conditions are split, or refused);
exceptions inside a consequent are swallowed by the host (the consequents here are called directly,
collect errors and raise after the run); a consequent taking two arguments is treated as
asynchronous (ours take one).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json

import durable_rules_engine as engine
import numpy as np
import pandas as pd
from durable.engine import Host

from auditor.errors import RuleError
from auditor.evaluate.base import Facts, RunContext, effective_condition, full_condition
from auditor.evaluate.outcome import Outcome, empty_overrides
from auditor.evaluate.rete_regex import Unsupported, check_pattern
from auditor.progress import progress
from auditor.rules.conditions import (
    Absent,
    AllOf,
    AnyOf,
    Compare,
    Const,
    Contains,
    Deadline,
    FieldRef,
    In,
    Matches,
    Not,
    Present,
)
from auditor.rules.model import Rule

POS = "~p"  # every fact carries its row position in its scope's frame
MARKS = {"case": "~c", "recording": "~r"}  # which scope a fact belongs to; every rule tests it
FIRST = "~s"  # on the first fact of each session: the SEEN rule fires once per session
_EPOCH = dt.date(1970, 1, 1)
_INVERSE = {"eq": "ne", "ne": "eq", "lt": "ge", "ge": "lt", "le": "gt", "gt": "le"}
_DURABLE_OP = {"ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}
_PYOP = {"eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "lt": lambda a, b: a < b,
         "le": lambda a, b: a <= b, "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b}
_TEMPORAL = ("date", "datetime")
_LISTS = ("list", "enum_list")
TRUE, FALSE = {"~true": 1}, {"~false": 1}  # markers folded away before emitting


class ReteError(RuntimeError):
    """A consequent raised inside durable_rules: a bug in the evaluator, never a user mistake."""


class _QuietHost(Host):
    """A durable Host without the background threads that dispatch actions on a timer."""

    def _run(self):
        pass


def private_host(rulesets: dict, attempts: int = 3) -> Host:
    """A fresh host of our own (never the module-level `durable.lang` one) with these rulesets.

    durable_rules 2.0.28 very rarely refuses a ruleset it accepted a moment before ("Could not create
    ruleset, error code: 102", seen twice in hundreds of runs, never reproducible): the same definition
    is tried again on a new host before giving up."""
    import durable_rules_engine

    for attempt in range(attempts):
        host = _QuietHost()
        # register_rulesets deletes each rule's "run" key: give it a copy so a retry has the original.
        copy = {name: {rule: dict(body) for rule, body in definition.items()}
                for name, definition in rulesets.items()}
        try:
            host.register_rulesets(copy)
            return host
        except durable_rules_engine.error:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


# --------------------------------------------------------------------------------------------------
# Which rules durable can judge like the vectorized evaluator


def check_rules(rules: list[Rule], params: dict) -> list[RuleError]:
    """Errors for rules the Rete evaluator cannot judge exactly like the vectorized one.

    `rules validate` reports them (with file, line and rule id) instead of letting the two evaluators
    silently differ: regexes outside durable's dialect or misjudged by it, comparisons on list
    fields, and conditions too large for durable's rule size limits.
    """
    from auditor.enrich.derive import case_fact_fields, recording_fact_fields

    catalogues = {"case": case_fact_fields(), "recording": recording_fact_fields()}
    errors = []
    for rule in rules:
        catalogue = catalogues[rule.scope]
        try:
            for node in _walk_all(rule):
                why = _unsupported(node, catalogue)
                if why:
                    raise RuleError(why)
            bound = rule.bind(params)
            # as large as a run can make it: every value possibly unknown, all three outcomes compiled
            compiler = _Compiler(_Scope(catalogue, unknown_of=lambda name, means: True))
            compiler.overrides = empty_overrides(rule)
            for expr in (compiler.expr(AllOf((bound.applies, bound.violation))),
                         compiler.expr(bound.applies, neg=True), compiler.expr(bound.violation, neg=True)):
                if expr is not FALSE:
                    _split(expr)
        except RuleError as exc:
            errors.append(RuleError(exc.message, file=rule.file, line=rule.line, rule_id=rule.id))
    return errors


def check_pack(pack, params: dict | None = None) -> list[RuleError]:
    """`check_rules` over a loaded pack, with its parameter defaults unless `params` are given."""
    values = params if params is not None else {k: p.default for k, p in pack.params.items()}
    return check_rules(pack.rules, values)


def _unsupported(node, catalogue) -> str | None:
    if isinstance(node, Matches):
        if catalogue[node.field].kind not in ("str", "enum"):
            return f"matches 只用于文本字段，{node.field} 是 {catalogue[node.field].kind}"
        try:
            check_pattern(node.pattern)
        except Unsupported as exc:
            return f"字段 {node.field} 的正则 {node.pattern!r}: {exc}"
    if isinstance(node, Compare) and catalogue[node.field].kind in _LISTS:
        return f"{node.field} 是列表字段，请用 contains 或 in 而不是 {node.op}"
    return None


# --------------------------------------------------------------------------------------------------
# Compiling conditions


class _Scope:
    """What one scope's ruleset needs from the facts: encoded fields, deadline and regex verdicts."""

    def __init__(self, catalogue: dict, tag: str = "c", unknown_of=None):
        self.catalogue = catalogue
        self.tag = tag  # "c" case, "r" recording: keeps verdict keys apart in the shared session
        self.keys: dict[tuple[str, str], str] = {}  # (field, unit) -> fact key; unit "" or "s"
        self.deadlines: dict[str, str] = {}  # spec.key -> fact key
        self.regexes: dict[tuple[str, str], tuple[str, str]] = {}  # (field, pattern) -> (fact key, durable)
        # (field, empty override) -> unknown mask, or None when every value is known; "all" (rules
        # validate): every field may be unknown, so the largest expressions are checked
        self.unknown_of = unknown_of or (lambda name, means: None)
        self.unknowns: dict[tuple[str, str | None], tuple[str, object]] = {}  # -> (fact key, mask)
        self.touched = False  # the last compiled condition read a value that may be unknown
        self.judged: set[str] = set()  # rules compiled with their "na" and "ok" parts

    def known(self, name: str, means: str | None = None) -> dict:
        """The fact's value of `name` is established: `{~cu<n>: 0}` (TRUE when every row's is)."""
        if (name, means) not in self.unknowns:
            mask = self.unknown_of(name, means)
            if mask is None:
                return TRUE
            self.unknowns[(name, means)] = (f"~{self.tag}u{len(self.unknowns)}", mask)
        self.touched = True
        return {self.unknowns[(name, means)][0]: 0}

    def key(self, name: str, unit: str = "") -> str:
        self.keys.setdefault((name, unit), name + ("~s" if unit else ""))
        return self.keys[(name, unit)]

    def kind(self, name: str) -> str:
        return self.catalogue[name].kind

    def regex(self, name: str, pattern: str) -> tuple[str, str]:
        if (name, pattern) not in self.regexes:
            try:
                durable_pattern = check_pattern(pattern)
            except Unsupported as exc:
                raise RuleError(f"Rete 评估器无法判定字段 {name} 的正则 {pattern!r}: {exc}") from None
            self.regexes[(name, pattern)] = (f"~{self.tag}m{len(self.regexes)}", durable_pattern)
        return self.regexes[(name, pattern)]


def _ex(key: str) -> dict:
    return {"$ex": {key: 1}}


def _nex(key: str) -> dict:
    return {"$nex": {key: 1}}  # safe only below the `$ex` anchor of the row position (see _anchor)


def _all(parts: list) -> dict:
    if any(p is FALSE for p in parts):
        return FALSE
    flat = []
    for p in parts:
        if p is not TRUE:
            flat.extend(p.get("$and", [p]))
    return TRUE if not flat else flat[0] if len(flat) == 1 else {"$and": flat}


def _any(parts: list) -> dict:
    if any(p is TRUE for p in parts):
        return TRUE
    flat = []
    for p in parts:
        if p is not FALSE:
            flat.extend(p.get("$or", [p]))
    return FALSE if not flat else flat[0] if len(flat) == 1 else {"$or": flat}


def _is_eq(expr: dict) -> bool:
    return len(expr) == 1 and not next(iter(expr)).startswith("$")


def _rank(expr: dict) -> int:
    """Cheap and selective tests first: durable stops a rule's alpha chain at the first failing node."""
    key = next(iter(expr))
    if _is_eq(expr):  # "~cu3 = 0" (a value is known) holds for most rows: no better a lead than the mark
        return 2 if key in MARKS.values() or key[2:3] == "u" else 0 if key.startswith("~") else 1
    return {"$ex": 4, "$nex": 5, "$and": 6, "$or": 7}.get(key, 3)


def _anchor(expr: dict) -> dict:
    """The rule's top-level conjunction, led by a positive equality where there is one.

    durable indexes equality nodes at the root by property and value, so a rule led by `~d3 = 1` is
    not even visited for most rows; without one, the row position's `$ex` leads (a `$nex` first, or
    under a top-level `$or`, hangs durable 2.0.28).
    """
    if expr is TRUE:
        return _ex(POS)
    kids = sorted(expr.get("$and", [expr]), key=_rank)
    if not _is_eq(kids[0]):
        kids.insert(0, _ex(POS))
    return kids[0] if len(kids) == 1 else {"$and": kids}


MAX_COST = 31  # durable keeps at most 31 entries per rule: 2 per $and/$or, 1 per $m reference


def _cost(expr) -> int:
    if isinstance(expr, list):
        return sum(_cost(e) for e in expr)
    if not isinstance(expr, dict):
        return 0
    total = 0
    for k, v in expr.items():
        if k in ("$and", "$or"):
            total += 2 + _cost(v)
        elif k == "$m":
            total += 1
        else:
            total += _cost(v)
    return total


MAX_PARTS = 64  # a condition needing more durable rules than this is refused, not split forever


def _split(expr: dict) -> list[dict]:
    """Anchored expressions, each within durable's size limit, whose disjunction is `expr` (DNF on demand)."""
    parts: list[dict] = []
    _split_into(expr, parts)
    return parts


def _split_into(expr: dict, parts: list) -> None:
    whole = _anchor(expr)
    if _cost(whole) <= MAX_COST:
        if len(parts) >= MAX_PARTS:
            raise RuleError(f"条件过于复杂：转换为 durable_rules 需要超过 {MAX_PARTS} 条规则，请拆分或简化该规则")
        parts.append(whole)
        return
    if "$or" in expr:
        for child in expr["$or"]:
            _split_into(child, parts)
        return
    kids = expr.get("$and", [])
    ors = [i for i, k in enumerate(kids) if "$or" in k]
    if not ors:
        raise RuleError(f"条件过于复杂，超出 durable_rules 单条规则的表达式上限（{MAX_COST} 项），请拆分该规则")
    i = max(ors, key=lambda j: _cost(kids[j]))
    rest = kids[:i] + kids[i + 1:]
    for alt in kids[i]["$or"]:
        _split_into(_all(rest + [alt]), parts)


def _cmp(key: str, op: str, right) -> dict:
    return {key: right} if op == "eq" else {_DURABLE_OP[op]: {key: right}}


def _scalar(value, kind: str):
    """A literal as the fact encodes values of `kind`."""
    if kind == "date":
        return (value - _EPOCH).days
    if kind == "datetime":
        return (value - _EPOCH).days * 86400
    if kind in ("int", "decimal"):
        return value
    return value


class _Compiler:
    """Kleene three-valued conditions as durable expressions: `expr(node)` holds on the facts where
    `node` is certainly true, `expr(node, neg=True)` where it is certainly false (the rest are
    unknown). Leaves add `known` tests on the values they read (see evaluate/vectorized.py `_Judge`
    for the same semantics); `all`, `any` and `not` then need no change: T(all) = all T, F(all) =
    any F, T(not c) = F(c)."""

    def __init__(self, scope: _Scope):
        self.scope = scope
        self.overrides: dict = {}  # the rule's own reading of empty cells (field -> means)

    def known(self, name: str) -> dict:
        return self.scope.known(name, self.overrides.get(name))

    def expr(self, node, neg: bool = False) -> dict:
        """The durable expression of `node` certainly true (certainly false when `neg`), in NNF."""
        s = self.scope
        if isinstance(node, Const):
            return TRUE if bool(node.value) != neg else FALSE
        if isinstance(node, Not):
            return self.expr(node.child, not neg)
        if isinstance(node, (AllOf, AnyOf)):
            parts = [self.expr(c, neg) for c in node.children]
            return (_all if isinstance(node, AllOf) != neg else _any)(parts)
        if isinstance(node, (Present, Absent)):
            key = s.key(node.field)
            if isinstance(node, Present) != neg:  # shown in a list (partial where unknown) is there
                return _ex(key) if s.kind(node.field) in _LISTS else _all([_ex(key), self.known(node.field)])
            return _all([_nex(key), self.known(node.field)])
        if isinstance(node, Compare):
            return self.compare(node, neg)
        if isinstance(node, In):
            raw = self.member(node.field, tuple(node.values.value), neg)
            if not neg and s.kind(node.field) in _LISTS:
                return raw
            return _all([raw, self.known(node.field)])
        if isinstance(node, Contains):
            return self.contains(node, neg)
        if isinstance(node, Matches):
            key = s.key(node.field)
            verdict, durable_pattern = s.regex(node.field, node.pattern)
            if not neg:  # a missing text never matches
                return _all([{"$mt": {key: durable_pattern}}, self.known(node.field)])
            return _all([{verdict: 0}, self.known(node.field)])  # durable's own verdict (probe ruleset)
        if isinstance(node, Deadline):
            key = s.deadlines.setdefault(node.spec.key, f"~{s.tag}d{len(s.deadlines)}")
            return {key: 0 if neg else 1}  # 2: the deadline's verdict is unknown
        raise TypeError(f"Rete evaluator has no translation for {type(node).__name__}")

    def compare(self, node: Compare, neg: bool) -> dict:
        s = self.scope
        kind = s.kind(node.field)
        op = _INVERSE[node.op] if neg else node.op
        if isinstance(node.value, FieldRef):
            okind = s.kind(node.value.name)
            left, right = self._temporal_pair(node.field, kind, node.value.name, okind)
            if kind == "bool" and node.op not in ("eq", "ne"):
                cond = _any([_all([{left: a}, {right: b}]) for a in (False, True) for b in (False, True)
                             if _PYOP[op](str(a), str(b))])
            else:
                cond = _cmp(left, op, {"$m": right})
            kl, kr = self.known(node.field), self.known(node.value.name)
            if neg:  # a side known to be empty makes the comparison false, whatever the other side
                return _any([_all([_any([_nex(left), _nex(right), cond]), kl, kr]),
                             _all([_nex(left), kl]), _all([_nex(right), kr])])
            return _all([cond, kl, kr])  # durable: a comparison with a missing side is false
        value = node.value.value
        key = s.key(node.field)
        if kind == "bool" and node.op not in ("eq", "ne"):
            # the vectorized evaluator orders booleans as the strings "False" < "True"
            ok = [b for b in (False, True) if _PYOP[op](str(b), str(value))]
            cond = _any([{key: b} for b in ok])
        else:
            cond = _cmp(key, op, _scalar(value, kind))
        return _all([_any([_nex(key), cond]) if neg else cond, self.known(node.field)])

    def _temporal_pair(self, a: str, akind: str, b: str, bkind: str) -> tuple[str, str]:
        s = self.scope
        if akind in _TEMPORAL and bkind in _TEMPORAL and akind != bkind:
            return s.key(a, "s" if akind == "date" else ""), s.key(b, "s" if bkind == "date" else "")
        return s.key(a), s.key(b)

    def member(self, name: str, values: tuple, neg: bool) -> dict:
        s = self.scope
        kind = s.kind(name)
        key = s.key(name)
        if kind in _LISTS:
            if not neg:
                return {"$iany": {key: _any([{"$i": v} for v in values])}}
            return _any([_nex(key), {"$iall": {key: _all([{"$neq": {"$i": v}} for v in values])}}])
        lits = [_scalar(v, kind) for v in values]
        if not neg:
            return _any([{key: v} for v in lits])
        return _any([_nex(key), _all([{"$neq": {key: v}} for v in lits])])

    def contains(self, node: Contains, neg: bool) -> dict:
        """A list shown to hold the value holds it; that it does not is certain only where the list is known."""
        key = self.scope.key(node.field)
        kl = self.known(node.field)
        if isinstance(node.value, FieldRef):
            other = self.scope.key(node.value.name)
            kr = self.known(node.value.name)
            if not neg:
                return _all([{"$iany": {key: {"$i": {"$m": other}}}}, kr])
            return _any([_all([_any([_nex(key), _nex(other), {"$iall": {key: {"$neq": {"$i": {"$m": other}}}}}]),
                               kl, kr]), _all([_nex(other), kr])])
        value = node.value.value
        if not neg:
            return {"$iany": {key: {"$i": value}}}
        return _all([_any([_nex(key), {"$iall": {key: {"$neq": {"$i": value}}}}]), kl])


# --------------------------------------------------------------------------------------------------
# Facts


def _encode_column(series: pd.Series, kind: str, unit: str) -> list:
    """A column as JSON-ready Python values, None for missing."""
    if kind in _TEMPORAL:
        arr = series.to_numpy(dtype="datetime64[ns]")
        nat = np.isnat(arr)
        if kind == "date":
            ints = arr.astype("datetime64[D]").astype(np.int64) * (86400 if unit == "s" else 1)
        else:
            ints = arr.astype("datetime64[s]").astype(np.int64)
        return _with_none(ints, nat)
    if kind == "int":
        return series.astype("Int64").to_numpy(dtype=object, na_value=None).tolist()
    if kind == "decimal":
        vals = series.astype("float64").to_numpy()
        return _with_none(vals, np.isnan(vals))
    if kind == "bool":
        return series.astype("boolean").to_numpy(dtype=object, na_value=None).tolist()
    if kind in _LISTS:  # tuples (hashable, so _fragments can encode each distinct list once)
        return [(tuple(v) if None not in v else tuple(x for x in v if x is not None) or None)
                if isinstance(v, (tuple, list)) and v else None for v in series.tolist()]
    return [v if isinstance(v, str) and v != "" else None for v in series.tolist()]


def _with_none(values: np.ndarray, missing: np.ndarray) -> list:
    out = values.astype(object)  # Python ints / floats, which json encodes
    out[missing] = None
    return out.tolist()


CHUNK = 20_000  # cases encoded at a time: the facts of a million cases never sit in memory at once


class _Table:
    """One scope's facts to encode: its frame, the fields the rules read, deadline and regex verdicts."""

    def __init__(self, scope: _Scope, frame: pd.DataFrame, facts: Facts, mark: str, verdicts: dict | None = None):
        self.scope, self.frame, self.mark = scope, frame, mark
        self.hits = {}  # deadline verdicts: 1 missed, 0 not missed, 2 unknown
        for spec_key, key in scope.deadlines.items():
            hit = facts.deadlines[spec_key].hit.astype(np.int64)
            unknown = facts.deadline_unknown.get(spec_key)
            self.hits[key] = hit if unknown is None else np.where(unknown, 2, hit)
        self.flags = {key: mask for key, mask in scope.unknowns.values()}  # 1 where a value is unknown
        self.verdicts = verdicts or {}

    def rows(self, index: np.ndarray) -> _Rows:
        sub = self.frame.iloc[index]
        cols = {key: _encode_column(sub[name], self.scope.kind(name), unit)
                for (name, unit), key in self.scope.keys.items()}
        for key, hit in self.hits.items():
            cols[key] = hit[index].tolist()
        for key, mask in self.flags.items():
            cols[key] = mask[index].astype(np.int64).tolist()
        for key, verdict in self.verdicts.items():
            cols[key] = verdict[index].tolist()
        return _Rows(cols, self.mark, index)


class _Rows:
    """Encoded facts of some rows of one scope, as JSON text: `fact(i)` is the i-th row's fact.

    Each cell is encoded once as a `"name":value` fragment (repeated values from a cache), so a fact is
    a join of its row's present fragments: cheaper than building a dict per row and encoding it.
    """

    def __init__(self, cols: dict[str, list], mark: str, positions: np.ndarray):
        columns = [_fragments(name, col) for name, col in cols.items()]
        self.bodies = [",".join(filter(None, row)) for row in zip(*columns)] if columns else [""] * len(positions)
        self.mark = mark
        self.positions = positions.tolist()

    def fact(self, i: int, sid: str, first: bool = False) -> str:
        head = f'{{"sid":"{sid}","{POS}":{self.positions[i]},"{self.mark}":1' + (f',"{FIRST}":1' if first else "")
        body = self.bodies[i]
        return head + ("," + body if body else "") + "}"


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _fragments(name: str, values: list) -> list:
    """`"name":value` JSON fragments of a column (None where missing), by the column's value type."""
    prefix = _ENCODE(name) + ":"
    sample = next((v for v in values if v is not None), None)
    if sample is None:
        return values
    if isinstance(sample, bool):
        yes, no = prefix + "true", prefix + "false"
        return [None if v is None else yes if v else no for v in values]
    if isinstance(sample, (int, float)):  # str() of a finite float is its JSON (repr) form
        return [None if v is None else prefix + str(v) for v in values]
    texts = {v: prefix + _ENCODE(list(v) if isinstance(v, tuple) else v) for v in set(values) if v is not None}
    return [texts.get(v) if v is not None else None for v in values]  # str or tuple: each distinct value once


def _owners(case_ids: list, rec_case_ids: list) -> np.ndarray:
    """For each recording, the position of the (first) case with its case id; -1 when there is none."""
    first = pd.Series(np.arange(len(case_ids)), index=pd.Index(case_ids, dtype=object))
    first = first[~first.index.duplicated()]
    where = first.index.get_indexer(pd.Index(rec_case_ids, dtype=object))
    return np.where(where >= 0, first.to_numpy()[np.maximum(where, 0)], -1)


def _sessions(cases: _Table | None, recs: _Table | None, case_ids: list, rec_case_ids: list):
    """(sid, facts): each case with its recordings; recordings of unknown cases grouped by case id."""
    n = len(case_ids)
    owner = _owners(case_ids, rec_case_ids) if recs is not None else np.empty(0, dtype=np.int64)
    order = np.argsort(owner, kind="stable")
    owned = owner[order]
    for a in range(0, n, CHUNK):
        b = min(a + CHUNK, n)
        lo, hi = np.searchsorted(owned, [a, b])
        crow = cases.rows(np.arange(a, b)) if cases is not None else None
        rrow = recs.rows(order[lo:hi]) if recs is not None and hi > lo else None
        rown = owned[lo:hi].tolist()
        j = 0
        for p in range(a, b):
            sid = f"c{p}"
            batch = [crow.fact(p - a, sid, first=True)] if crow is not None else []
            while j < len(rown) and rown[j] == p:
                batch.append(rrow.fact(j, sid, first=not batch))
                j += 1
            if batch:
                yield sid, batch
    orphans = order[: int(np.searchsorted(owned, 0))]
    if len(orphans):
        rrow = recs.rows(orphans)
        groups: dict = {}
        for j, rpos in enumerate(orphans.tolist()):
            groups.setdefault(rec_case_ids[rpos], []).append(j)
        for k, members in enumerate(groups.values()):
            yield f"o{k}", [rrow.fact(j, f"o{k}", first=(m == 0)) for m, j in enumerate(members)]


# --------------------------------------------------------------------------------------------------
# Running


class _Sink:
    """Where consequents record what fired; exceptions inside them are kept, not swallowed."""

    def __init__(self):
        self.fired: list[tuple[str, int]] = []
        self.errors: list[str] = []

    def consequent(self, tag: str):
        def run(c):  # one argument: durable treats two-argument actions as asynchronous
            try:
                self.fired.append((tag, int(c.m[POS])))
            except BaseException as exc:  # noqa: BLE001 - re-raised after the run, see check()
                self.errors.append(f"{tag}: {type(exc).__name__}: {exc}")
        return run

    def check(self):
        if self.errors:
            raise ReteError(f"durable_rules 规则动作出错 {len(self.errors)} 次: " + "; ".join(self.errors[:5]))


SEEN = "~seen"


def _ruleset(exprs: dict, sink: _Sink) -> dict:
    ruleset = {name: {"all": [{"m": expr}], "run": sink.consequent(tag)} for name, (tag, expr) in exprs.items()}
    # Every session must run at least one action before it is deleted: durable 2.0.28 frees an
    # uninitialised pointer (segfault) when deleting a session in which no action ever started.
    ruleset[SEEN] = {"all": [{"m": {FIRST: 1}}], "run": _seen}
    return ruleset


def _seen(c):
    pass


class _Fired:
    """What a consequent sees: `c.m`, the fact durable matched (as durable's own closure offers it)."""

    __slots__ = ("m",)

    def __init__(self, m):
        self.m = m


def _assert_sessions(host: Host, name: str, sessions, n: int, label: str, quiet: bool = False) -> None:
    """Assert each session's facts (JSON texts, the first marked FIRST), run the consequents of the rules they fired, delete the session.

    The Host's own dispatch (a Closure, a Promise, JSON round trips of the state and of every message)
    costs more than the Rete match itself, so the same engine calls are made here directly: assert,
    start the session's actions, call each rule's registered consequent, complete, delete.
    """
    ruleset = host.get_ruleset(name)
    handle = ruleset._handle
    actions = {rule: promise._func for rule, promise in ruleset._actions.items()}
    with progress(n, label, enabled=False if quiet else None) as bar:
        for sid, batch in sessions:
            code, state = engine.assert_facts(handle, "[" + ",".join(batch) + "]")
            if code not in (0, 1):  # 1: some fact matched nothing, which is fine
                raise ReteError(f"durable_rules 无法处理会话 {sid}（代码 {code}）")
            started = engine.start_action_for_state(handle, state)
            messages = started[1] if started else None
            while messages:
                rule = messages[2:messages.index('"', 2)]  # {"<rule>": {"m": {...}}}; our names need no escapes
                if rule != SEEN:
                    actions[rule](_Fired(json.loads(messages)[rule]["m"]))
                messages = engine.complete_and_start_action(handle, state)
            engine.delete_state(handle, sid)
            bar.advance()


class ReteEvaluator:
    name = "rete"

    def compile(self, rules: list[Rule], facts: Facts, ctx: RunContext,
                every_outcome: bool = False) -> dict[str, tuple[_Scope, dict]]:
        """scope -> (its fact plan, {durable rule name: ((rule id, kind), expression)}).

        kind "hit": effective ∧ applies ∧ violation certainly true (违规). For a rule that reads a value
        some row may not establish (or for every rule when `every_outcome`), also "na": effective ∧
        applies certainly false (不适用), and "ok": the violation certainly false; a row in none of
        them is 无法判定.
        """
        out = {}
        for scope_name in ("case", "recording"):
            unknowns = facts.unknowns

            def unknown_of(name, means, scope_name=scope_name):
                return unknowns.of(scope_name, name, means) if unknowns is not None else None

            scope = _Scope(facts.fields[scope_name], scope_name[0], unknown_of)
            compiler = _Compiler(scope)
            exprs = {}
            other = facts.fields["recording" if scope_name == "case" else "case"]
            for i, rule in enumerate(r for r in rules if r.scope == scope_name):
                for node in _walk_all(rule):
                    why = _unsupported(node, scope.catalogue)
                    if why:
                        raise RuleError(why, file=rule.file, line=rule.line, rule_id=rule.id)
                compiler.overrides = empty_overrides(rule)
                scope.touched = False
                full = full_condition(rule, ctx.as_of)
                parts = {"hit": compiler.expr(full),
                         "na": compiler.expr(AllOf((effective_condition(rule, ctx.as_of), rule.applies)), neg=True),
                         "ok": compiler.expr(rule.violation, neg=True)}
                # certainly-false parts test every value they read for being known (`touched`)
                uncertain = scope.touched or any(s.key in facts.deadline_unknown for s in rule.deadlines)
                if uncertain or every_outcome:
                    scope.judged.add(rule.id)
                else:
                    del parts["na"], parts["ok"]
                for kind, expr in parts.items():
                    if expr is FALSE:
                        continue
                    try:
                        pieces = _split(_all([expr, {MARKS[scope_name]: 1}]))
                    except RuleError as exc:
                        raise RuleError(exc.message, file=rule.file, line=rule.line, rule_id=rule.id) from None
                    for k, part in enumerate(pieces):  # a rule split in parts fires once per part at most
                        exprs[f"{scope.tag}{i}{kind}_{k}"] = (
                            (rule.id, kind), _unmarked(part, MARKS[scope_name], scope.tag, other))
            out[scope_name] = (scope, exprs)
        return out

    def hits(self, rules: list[Rule], facts: Facts, ctx: RunContext) -> dict[str, np.ndarray]:
        return {rule_id: o.violated for rule_id, o in self.outcomes(rules, facts, ctx).items()}

    def outcomes(self, rules: list[Rule], facts: Facts, ctx: RunContext,
                 every_outcome: bool = False) -> dict[str, Outcome]:
        """Each rule's verdict on every row (see `compile`). Without `every_outcome`, `not_applicable`
        is filled only for rules that can be undetermined."""
        found, judged = self._fired(rules, facts, ctx, every_outcome)
        out = {}
        for rule in rules:
            n = len(facts.frames[rule.scope])
            sets = found.get(rule.id, {})
            hit, na, ok = (np.array(sorted(sets.get(k, ())), dtype=np.int64) for k in ("hit", "na", "ok"))
            undecided = np.zeros(0, dtype=np.int64)
            if rule.id in judged:
                open_ = np.ones(n, dtype=bool)
                for decided in (hit, na, ok):
                    open_[decided] = False
                undecided = np.flatnonzero(open_)
            out[rule.id] = Outcome(hit, undecided, np.setdiff1d(na, hit), n)
        return out

    def _fired(self, rules: list[Rule], facts: Facts, ctx: RunContext, every_outcome: bool) -> dict:
        """One durable session per case holding the case and its recordings; every rule in one ruleset."""
        compiled = self.compile(rules, facts, ctx, every_outcome)
        judged = set().union(*(scope.judged for scope, _exprs in compiled.values()))
        tables: dict[str, _Table | None] = {"case": None, "recording": None}
        exprs: dict = {}
        for scope_name, (scope, scope_exprs) in compiled.items():
            frame = facts.frames[scope_name]
            if scope_exprs and len(frame):
                verdicts = self._regex_verdicts(scope, frame) if scope.regexes else {}
                tables[scope_name] = _Table(scope, frame, facts, MARKS[scope_name], verdicts)
                exprs.update(scope_exprs)
        found: dict[str, dict[str, set[int]]] = {r.id: {} for r in rules}
        if exprs:
            sink = _Sink()
            host = private_host({"auditor": _ruleset(exprs, sink)})
            case_ids = facts.frames["case"]["case_id"].tolist()
            rec_ids = facts.frames["recording"]["case_id"].tolist() if tables["recording"] is not None else []
            sessions = _sessions(tables["case"], tables["recording"], case_ids, rec_ids)
            _assert_sessions(host, "auditor", sessions, len(case_ids), "Rete")
            sink.check()
            for (rule_id, kind), pos in sink.fired:
                found[rule_id].setdefault(kind, set()).add(pos)
        return found, judged

    def _regex_verdicts(self, scope: _Scope, frame: pd.DataFrame) -> dict[str, np.ndarray]:
        """durable's own verdict on each regex that appears negated: 1 matched, 0 not (or no text)."""
        sink = _Sink()
        exprs = {key: (key, {"$mt": {scope.key(name): durable_pattern}})
                 for (name, _pattern), (key, durable_pattern) in scope.regexes.items()}
        host = private_host({"auditor_regex": _ruleset(exprs, sink)})
        text = _Scope(scope.catalogue, scope.tag)
        for name, _pattern in scope.regexes:
            text.key(name)
        table = _Table(text, frame, Facts(frames={}), "~t")
        n = len(frame)

        def sessions():
            for a in range(0, n, CHUNK):
                rows = table.rows(np.arange(a, min(a + CHUNK, n)))
                for i in range(len(rows.positions)):
                    yield f"t{a + i}", [rows.fact(i, f"t{a + i}", first=True)]

        _assert_sessions(host, "auditor_regex", sessions(), n, "Rete regex")
        sink.check()
        verdicts = {key: np.zeros(n, dtype=np.int64) for key, _ in scope.regexes.values()}
        for key, pos in sink.fired:
            verdicts[key][pos] = 1
        return verdicts


def _unmarked(part: dict, mark: str, tag: str, other: dict) -> dict:
    """Drop the scope marker when the leading equality already names a key the other scope never has."""
    kids = part.get("$and")
    if not kids or not _is_eq(kids[0]):
        return part
    lead = next(iter(kids[0]))
    if lead != mark and (lead.startswith("~" + tag) or (not lead.startswith("~") and lead not in other)):
        rest = [k for k in kids if k != {mark: 1}]
        return rest[0] if len(rest) == 1 else {"$and": rest}
    return part


def _walk_all(rule: Rule):
    from auditor.rules.conditions import walk

    return itertools.chain(walk(rule.applies), walk(rule.violation))


def ruleset_json(rules: list[Rule], facts: Facts, ctx: RunContext) -> str:
    """The compiled rulesets as JSON (for `explain`-style debugging and the tests)."""
    compiled = ReteEvaluator().compile(rules, facts, ctx)
    return json.dumps({scope: {name: {"rule": rid, "all": [{"m": expr}]} for name, (rid, expr) in exprs.items()}
                       for scope, (_s, exprs) in compiled.items()}, ensure_ascii=False, indent=1, sort_keys=True)
