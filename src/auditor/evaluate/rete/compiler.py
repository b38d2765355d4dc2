"""Compiling a condition tree to durable_rules expressions, in negation normal form.

durable_rules has no general negation, so conditions are pushed into negation normal form with the
missing-value semantics of conditions.py: not(x > 1) becomes (x absent) ∨ (x ≤ 1); not(list holds v)
becomes (list absent) ∨ (every element ≠ v) via `$iall`. A negated regex cannot be inverted inside
durable (and its `none(...)` does not see the same fact), so durable first judges each such regex in
a probe ruleset and its verdict joins the fact as `~cm<n>` = 1/0 — durable still decides.

durable limits handled here: a `$nex` first in a rule, or under a top-level `$or`, never returns (each
rule is led by a positive equality or `$ex`); a rule holds at most 31 `$and`/`$or`/reference entries
(bigger conditions are split into their disjuncts, or refused).
"""

from __future__ import annotations

import datetime as dt

from auditor.errors import RuleError
from auditor.evaluate.rete.host import MARKS, POS
from auditor.evaluate.rete.regex import Unsupported, check_pattern
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

EPOCH = dt.date(1970, 1, 1)
_INVERSE = {"eq": "ne", "ne": "eq", "lt": "ge", "ge": "lt", "le": "gt", "gt": "le"}
_DURABLE_OP = {"ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}
_PYOP = {"eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "lt": lambda a, b: a < b,
         "le": lambda a, b: a <= b, "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b}
TEMPORAL = ("date", "datetime")
LISTS = ("list", "enum_list")
TRUE, FALSE = {"~true": 1}, {"~false": 1}  # markers folded away before emitting


class Scope:
    """What one scope's ruleset needs from the facts: encoded fields, deadline and regex verdicts."""

    def __init__(self, catalogue: dict, tag: str = "c", unknown_of=None):
        self.catalogue = catalogue
        self.tag = tag  # "c" case, "r" recording: keeps verdict keys apart in the shared session
        self.keys: dict[tuple[str, str], str] = {}  # (field, unit) -> fact key; unit "" or "s"
        self.deadlines: dict[str, str] = {}  # spec.key -> fact key
        self.regexes: dict[tuple[str, str], tuple[str, str]] = {}  # (field, pattern) -> (fact key, durable)
        # (field, empty override) -> unknown mask, or None when every value is known; `rules validate`
        # passes one that calls every value possibly unknown, so the largest expressions are checked
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


def ex(key: str) -> dict:
    return {"$ex": {key: 1}}


def nex(key: str) -> dict:
    return {"$nex": {key: 1}}  # safe only below the `$ex` anchor of the row position (see anchor)


def all_of(parts: list) -> dict:
    if any(p is FALSE for p in parts):
        return FALSE
    flat = []
    for p in parts:
        if p is not TRUE:
            flat.extend(p.get("$and", [p]))
    return TRUE if not flat else flat[0] if len(flat) == 1 else {"$and": flat}


def any_of(parts: list) -> dict:
    if any(p is TRUE for p in parts):
        return TRUE
    flat = []
    for p in parts:
        if p is not FALSE:
            flat.extend(p.get("$or", [p]))
    return FALSE if not flat else flat[0] if len(flat) == 1 else {"$or": flat}


def is_eq(expr: dict) -> bool:
    return len(expr) == 1 and not next(iter(expr)).startswith("$")


def rank(expr: dict) -> int:
    """Cheap and selective tests first: durable stops a rule's alpha chain at the first failing node."""
    key = next(iter(expr))
    if is_eq(expr):  # "~cu3 = 0" (a value is known) holds for most rows: no better a lead than the mark
        return 2 if key in MARKS.values() or key[2:3] == "u" else 0 if key.startswith("~") else 1
    return {"$ex": 4, "$nex": 5, "$and": 6, "$or": 7}.get(key, 3)


def anchor(expr: dict) -> dict:
    """The rule's top-level conjunction, led by a positive equality where there is one.

    durable indexes equality nodes at the root by property and value, so a rule led by `~d3 = 1` is
    not even visited for most rows; without one, the row position's `$ex` leads (a `$nex` first, or
    under a top-level `$or`, hangs durable 2.0.28).
    """
    if expr is TRUE:
        return ex(POS)
    kids = sorted(expr.get("$and", [expr]), key=rank)
    if not is_eq(kids[0]):
        kids.insert(0, ex(POS))
    return kids[0] if len(kids) == 1 else {"$and": kids}


MAX_COST = 31  # durable keeps at most 31 entries per rule: 2 per $and/$or, 1 per $m reference


def cost(expr) -> int:
    if isinstance(expr, list):
        return sum(cost(e) for e in expr)
    if not isinstance(expr, dict):
        return 0
    total = 0
    for k, v in expr.items():
        if k in ("$and", "$or"):
            total += 2 + cost(v)
        elif k == "$m":
            total += 1
        else:
            total += cost(v)
    return total


MAX_PARTS = 64  # a condition needing more durable rules than this is refused, not split forever


def split(expr: dict) -> list[dict]:
    """Anchored expressions, each within durable's size limit, whose disjunction is `expr` (DNF on demand)."""
    parts: list[dict] = []
    split_into(expr, parts)
    return parts


def split_into(expr: dict, parts: list) -> None:
    whole = anchor(expr)
    if cost(whole) <= MAX_COST:
        if len(parts) >= MAX_PARTS:
            raise RuleError(f"条件过于复杂：转换为 durable_rules 需要超过 {MAX_PARTS} 条规则，请拆分或简化该规则")
        parts.append(whole)
        return
    if "$or" in expr:
        for child in expr["$or"]:
            split_into(child, parts)
        return
    kids = expr.get("$and", [])
    ors = [i for i, k in enumerate(kids) if "$or" in k]
    if not ors:
        raise RuleError(f"条件过于复杂，超出 durable_rules 单条规则的表达式上限（{MAX_COST} 项），请拆分该规则")
    i = max(ors, key=lambda j: cost(kids[j]))
    rest = kids[:i] + kids[i + 1:]
    for alt in kids[i]["$or"]:
        split_into(all_of(rest + [alt]), parts)


def cmp(key: str, op: str, right) -> dict:
    return {key: right} if op == "eq" else {_DURABLE_OP[op]: {key: right}}


def scalar(value, kind: str):
    """A literal as the fact encodes values of `kind`."""
    if kind == "date":
        return (value - EPOCH).days
    if kind == "datetime":
        return (value - EPOCH).days * 86400
    if kind in ("int", "decimal"):
        return value
    return value


class Compiler:
    """Kleene three-valued conditions as durable expressions: `expr(node)` holds on the facts where
    `node` is certainly true, `expr(node, neg=True)` where it is certainly false (the rest are
    unknown). Leaves add `known` tests on the values they read (see evaluate/vectorized.py `_Judge`
    for the same semantics); `all`, `any` and `not` then need no change: T(all) = all T, F(all) =
    any F, T(not c) = F(c)."""

    def __init__(self, scope: Scope):
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
            return (all_of if isinstance(node, AllOf) != neg else any_of)(parts)
        if isinstance(node, (Present, Absent)):
            key = s.key(node.field)
            if isinstance(node, Present) != neg:  # shown in a list (partial where unknown) is there
                return ex(key) if s.kind(node.field) in LISTS else all_of([ex(key), self.known(node.field)])
            return all_of([nex(key), self.known(node.field)])
        if isinstance(node, Compare):
            return self.compare(node, neg)
        if isinstance(node, In):
            raw = self.member(node.field, tuple(node.values.value), neg)
            if not neg and s.kind(node.field) in LISTS:
                return raw
            return all_of([raw, self.known(node.field)])
        if isinstance(node, Contains):
            return self.contains(node, neg)
        if isinstance(node, Matches):
            key = s.key(node.field)
            verdict, durable_pattern = s.regex(node.field, node.pattern)
            if not neg:  # a missing text never matches
                return all_of([{"$mt": {key: durable_pattern}}, self.known(node.field)])
            return all_of([{verdict: 0}, self.known(node.field)])  # durable's own verdict (probe ruleset)
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
                cond = any_of([all_of([{left: a}, {right: b}]) for a in (False, True) for b in (False, True)
                             if _PYOP[op](str(a), str(b))])
            else:
                cond = cmp(left, op, {"$m": right})
            kl, kr = self.known(node.field), self.known(node.value.name)
            if neg:  # a side known to be empty makes the comparison false, whatever the other side
                return any_of([all_of([any_of([nex(left), nex(right), cond]), kl, kr]),
                             all_of([nex(left), kl]), all_of([nex(right), kr])])
            # durable 2.0.28 holds `{"$gt": {a: {"$m": b}}}` true when b is missing: both must exist
            return all_of([cond, ex(left), ex(right), kl, kr])
        value = node.value.value
        key = s.key(node.field)
        if kind == "bool" and node.op not in ("eq", "ne"):
            # the vectorized evaluator orders booleans as the strings "False" < "True"
            ok = [b for b in (False, True) if _PYOP[op](str(b), str(value))]
            cond = any_of([{key: b} for b in ok])
        else:
            cond = cmp(key, op, scalar(value, kind))
        return all_of([any_of([nex(key), cond]) if neg else cond, self.known(node.field)])

    def _temporal_pair(self, a: str, akind: str, b: str, bkind: str) -> tuple[str, str]:
        s = self.scope
        if akind in TEMPORAL and bkind in TEMPORAL and akind != bkind:
            return s.key(a, "s" if akind == "date" else ""), s.key(b, "s" if bkind == "date" else "")
        return s.key(a), s.key(b)

    def member(self, name: str, values: tuple, neg: bool) -> dict:
        s = self.scope
        kind = s.kind(name)
        key = s.key(name)
        if kind in LISTS:
            if not neg:
                return {"$iany": {key: any_of([{"$i": v} for v in values])}}
            return any_of([nex(key), {"$iall": {key: all_of([{"$neq": {"$i": v}} for v in values])}}])
        lits = [scalar(v, kind) for v in values]
        if not neg:
            return any_of([{key: v} for v in lits])
        return any_of([nex(key), all_of([{"$neq": {key: v}} for v in lits])])

    def contains(self, node: Contains, neg: bool) -> dict:
        """A list shown to hold the value holds it; that it does not is certain only where the list is known."""
        key = self.scope.key(node.field)
        kl = self.known(node.field)
        if isinstance(node.value, FieldRef):
            other = self.scope.key(node.value.name)
            kr = self.known(node.value.name)
            if not neg:  # the referenced value must exist (see compare)
                return all_of([{"$iany": {key: {"$i": {"$m": other}}}}, ex(other), kr])
            return any_of([all_of([any_of([nex(key), nex(other), {"$iall": {key: {"$neq": {"$i": {"$m": other}}}}}]),
                               kl, kr]), all_of([nex(other), kr])])
        value = node.value.value
        if not neg:
            return {"$iany": {key: {"$i": value}}}
        return all_of([any_of([nex(key), {"$iall": {key: {"$neq": {"$i": value}}}}]), kl])


def unmarked(part: dict, mark: str, tag: str, other: dict) -> dict:
    """Drop the scope marker when the leading equality already names a key the other scope never has."""
    kids = part.get("$and")
    if not kids or not is_eq(kids[0]):
        return part
    lead = next(iter(kids[0]))
    if lead != mark and (lead.startswith("~" + tag) or (not lead.startswith("~") and lead not in other)):
        rest = [k for k in kids if k != {mark: 1}]
        return rest[0] if len(rest) == 1 else {"$and": rest}
    return part

