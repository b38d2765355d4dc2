"""The engine-neutral condition tree and its one operator table.

A rule's YAML condition is parsed once (condition_parser.py) into these frozen nodes; parameters are bound per run
(`bind`), then each evaluator translates every node kind in `OPERATORS`. Semantics shared by all
evaluators:

* a leaf whose field (or compared field) is missing is False;
* `not` is plain boolean negation of its child (so `not: {field: x, gt: 1}` is True when x is missing);
* `in` on a list field is True when any element is in the set; `contains` asks whether a list field
  holds a value (a literal, or another field's value);
* `matches` is a Python regular expression searched in the text (re.search);
* `deadline` is True when the precomputed deadline (see enrich/deadlines.py) has the checked status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

from auditor.rules.versions import version_fields

# --------------------------------------------------------------------------------------------------
# Nodes


@dataclass(frozen=True)
class Literal:
    value: Any  # str, int, float, bool, datetime.date, or tuple of those


@dataclass(frozen=True)
class FieldRef:
    name: str


@dataclass(frozen=True)
class ParamRef:
    name: str


@dataclass(frozen=True)
class SumOf:
    """A limit made of several parts, e.g. 起诉期 6 months + 申请期 3 months."""

    parts: tuple


Operand = Union[Literal, FieldRef, ParamRef]


@dataclass(frozen=True)
class AllOf:
    children: tuple


@dataclass(frozen=True)
class AnyOf:
    children: tuple


@dataclass(frozen=True)
class Not:
    child: Any


@dataclass(frozen=True)
class Compare:
    field: str
    op: str  # eq ne lt le gt ge
    value: Operand


@dataclass(frozen=True)
class In:
    field: str
    values: Any  # Literal(tuple) or ParamRef


@dataclass(frozen=True)
class Contains:
    field: str  # a list field
    value: Operand


@dataclass(frozen=True)
class Present:
    field: str


@dataclass(frozen=True)
class Absent:
    field: str


@dataclass(frozen=True)
class Matches:
    field: str
    pattern: str


@dataclass(frozen=True)
class ParamTest:
    """A condition on a parameter alone (e.g. a stage is in the configured list); constant per run."""

    param: str
    op: str  # eq, contains, is
    value: Any


@dataclass(frozen=True)
class Const:
    value: bool


@dataclass(frozen=True)
class DeadlineSpec:
    key: str  # "<rule id>/<name>": the column prefix in the enriched facts
    name: str
    label: dict
    from_field: str
    to_field: str | None
    limit: Any  # int, ParamRef or SumOf before binding; int after
    unit: str  # working_days | calendar_days | months
    extension_field: str | None = None
    excluded_field: str | None = None
    roll_over: Any = False  # bool or ParamRef
    open: str = "as_of"  # what an absent end date means: "as_of" (still open) or "skip"
    check: str = "late"  # late | early
    warn: bool = False
    versions: Any = None  # rules/versions.py Versions: limit/unit/applicability by the law text in force


@dataclass(frozen=True)
class Deadline:
    spec: DeadlineSpec


ALWAYS_TRUE = Const(True)
COMPARE_OPS = ("eq", "ne", "lt", "le", "gt", "ge")

# The operator table: every evaluator must implement each node kind listed here (a meta-test checks).
OPERATORS: dict[str, type] = {
    "all": AllOf, "any": AnyOf, "not": Not,
    **{op: Compare for op in COMPARE_OPS},
    "in": In, "contains": Contains, "present": Present, "absent": Absent, "matches": Matches,
    "deadline": Deadline,
}
NODE_TYPES = (AllOf, AnyOf, Not, Compare, In, Contains, Present, Absent, Matches, Deadline, Const)
UNITS = ("working_days", "calendar_days", "months")
UNIT_ZH = {"working_days": "个工作日", "calendar_days": "日", "months": "个月"}
UNIT_EN = {"working_days": "working days", "calendar_days": "calendar days", "months": "months"}

# --------------------------------------------------------------------------------------------------
# Binding parameters (once per run) and walking


def bind(node, params: dict):
    """Replace parameter references by their values and fold constant sub-trees."""
    if isinstance(node, AllOf):
        kids = [bind(c, params) for c in node.children]
        if any(isinstance(k, Const) and not k.value for k in kids):
            return Const(False)
        kids = [k for k in kids if not isinstance(k, Const)]
        return Const(True) if not kids else (kids[0] if len(kids) == 1 else AllOf(tuple(kids)))
    if isinstance(node, AnyOf):
        kids = [bind(c, params) for c in node.children]
        if any(isinstance(k, Const) and k.value for k in kids):
            return Const(True)
        kids = [k for k in kids if not isinstance(k, Const)]
        return Const(False) if not kids else (kids[0] if len(kids) == 1 else AnyOf(tuple(kids)))
    if isinstance(node, Not):
        kid = bind(node.child, params)
        return Const(not kid.value) if isinstance(kid, Const) else Not(kid)
    if isinstance(node, Compare) and isinstance(node.value, ParamRef):
        return Compare(node.field, node.op, Literal(params[node.value.name]))
    if isinstance(node, Contains) and isinstance(node.value, ParamRef):
        return Contains(node.field, Literal(params[node.value.name]))
    if isinstance(node, In) and isinstance(node.values, ParamRef):
        return In(node.field, Literal(tuple(params[node.values.name])))
    if isinstance(node, ParamTest):
        value = params[node.param]
        if node.op == "contains":
            return Const(node.value in value)
        return Const(value == node.value)
    if isinstance(node, Deadline):
        return Deadline(bind_deadline(node.spec, params))
    return node


def bind_deadline(spec: DeadlineSpec, params: dict) -> DeadlineSpec:
    from dataclasses import replace

    roll = params[spec.roll_over.name] if isinstance(spec.roll_over, ParamRef) else spec.roll_over
    from auditor.rules.versions import bind_versions

    return replace(spec, limit=resolve_limit(spec.limit, params), roll_over=bool(roll),
                   versions=bind_versions(spec.versions, params, resolve_limit))


def resolve_limit(limit, params: dict) -> int:
    if isinstance(limit, ParamRef):
        return int(params[limit.name])
    if isinstance(limit, SumOf):
        return sum(resolve_limit(p, params) for p in limit.parts)
    return int(limit)


def walk(node):
    """Every node of a tree, depth first."""
    yield node
    if isinstance(node, (AllOf, AnyOf)):
        for child in node.children:
            yield from walk(child)
    elif isinstance(node, Not):
        yield from walk(node.child)


def deadlines_of(node) -> list[DeadlineSpec]:
    return [n.spec for n in walk(node) if isinstance(n, Deadline)]


def fields_of(node) -> list[str]:
    """Fields a tree reads, in order of appearance (the finding's evidence)."""
    out: list[str] = []

    def add(name):
        if name and name not in out:
            out.append(name)

    for n in walk(node):
        if isinstance(n, (Compare, In, Contains, Present, Absent, Matches)):
            add(n.field)
            if isinstance(getattr(n, "value", None), FieldRef):
                add(n.value.name)
        elif isinstance(n, Deadline):
            add(n.spec.from_field)
            add(n.spec.to_field)
            add(n.spec.extension_field)
            add(n.spec.excluded_field)
            for name in version_fields(n.spec.versions):
                add(name)
    return out
