"""Parsing a rule's YAML condition (and its deadlines) into the condition tree of conditions.py.

Every mistake is a RuleError naming the file, the line and the rule, with a did-you-mean for unknown
fields, operators, parameters and definitions; literals are coerced to the field's kind here, once.
"""

from __future__ import annotations

import datetime as dt
import re

from auditor.errors import RuleError
from auditor.rules.conditions import (COMPARE_OPS, UNITS, Absent, AllOf, AnyOf, Compare, Contains, Deadline,
                                      DeadlineSpec, FieldRef, In, Literal, Matches, Not, ParamRef, ParamTest,
                                      Present, SumOf)
from auditor.rules.regex_safety import UnsafePattern, check_regex
from auditor.suggest import did_you_mean, first_unknown


class ParseContext:
    """What the parser needs to check names: the facts catalogue, parameters, shared definitions."""

    def __init__(self, *, file: str, rule_id: str | None, fields: dict, params: dict, definitions: dict,
                 deadlines: dict | None = None):
        self.file = file
        self.rule_id = rule_id
        self.fields = fields  # name -> model Field (kind, choices)
        self.params = params  # name -> Param
        self.definitions = definitions  # name -> (raw node, LineDict owner)
        self.deadlines = deadlines if deadlines is not None else {}
        self.used_params: list[str] = []
        self.used_fields: list[str] = []
        self._expanding: list[str] = []

    def error(self, message: str, node=None, key=None) -> RuleError:
        line = None
        if node is not None and hasattr(node, "line_of") and key is not None:
            line = node.line_of(key)
        elif node is not None:
            line = getattr(node, "line", None)
        return RuleError(message, file=self.file, line=line, rule_id=self.rule_id, key=key)

    def field(self, name, node, key) -> str:
        if not isinstance(name, str) or name not in self.fields:
            hint = did_you_mean(str(name), self.fields)
            raise self.error(f"未知字段 {name!r}{hint}", node, key)
        if name not in self.used_fields:
            self.used_fields.append(name)
        return name

    def param(self, name, node, key) -> ParamRef:
        if not isinstance(name, str) or name not in self.params:
            hint = did_you_mean(str(name), self.params)
            raise self.error(f"未知参数 {name!r}{hint}", node, key)
        if name not in self.used_params:
            self.used_params.append(name)
        return ParamRef(name)


_LEAF_KEYS = set(COMPARE_OPS) | {"in", "contains", "matches"}
_NODE_KEYS = {"all", "any", "not", "present", "absent", "deadline", "ref", "field", "param"}


def parse_condition(raw, ctx: ParseContext, owner=None, owner_key=None):
    """Parse one YAML condition node into the tree. `owner[owner_key]` is `raw` (for line numbers)."""
    if not isinstance(raw, dict) or not raw:
        raise ctx.error("条件必须是非空映射（all / any / not / field / present / absent / deadline / ref）",
                        owner, owner_key)
    keys = set(raw)
    if "all" in keys or "any" in keys:
        kind = "all" if "all" in keys else "any"
        _only(raw, {kind}, ctx)
        items = raw[kind]
        if not isinstance(items, list) or not items:
            raise ctx.error(f"{kind} 需要一个非空列表", raw, kind)
        children = tuple(parse_condition(item, ctx, items, i) for i, item in enumerate(items))
        return AllOf(children) if kind == "all" else AnyOf(children)
    if "not" in keys:
        _only(raw, {"not"}, ctx)
        return Not(parse_condition(raw["not"], ctx, raw, "not"))
    if "present" in keys or "absent" in keys:
        kind = "present" if "present" in keys else "absent"
        _only(raw, {kind}, ctx)
        name = ctx.field(raw[kind], raw, kind)
        return Present(name) if kind == "present" else Absent(name)
    if "ref" in keys:
        _only(raw, {"ref"}, ctx)
        name = raw["ref"]
        if name not in ctx.definitions:
            raise ctx.error(f"未定义的条件 {name!r}{did_you_mean(str(name), ctx.definitions)}", raw, "ref")
        if name in ctx._expanding:
            raise ctx.error(f"条件定义循环引用: {' → '.join(ctx._expanding + [name])}", raw, "ref")
        ctx._expanding.append(name)
        try:
            body, body_owner, body_key = ctx.definitions[name]
            return parse_condition(body, ctx, body_owner, body_key)
        finally:
            ctx._expanding.pop()
    if "deadline" in keys:
        _only(raw, {"deadline"}, ctx)
        return Deadline(parse_deadline(raw["deadline"], ctx, raw, "deadline"))
    if "param" in keys:
        ops = keys - {"param"}
        if len(ops) != 1 or not ops <= {"eq", "contains", "is"}:
            raise ctx.error("参数条件写作 {param: 名称, eq|contains|is: 值}", raw, "param")
        op = ops.pop()
        ctx.param(raw["param"], raw, "param")
        return ParamTest(raw["param"], op, raw[op])
    if "field" in keys:
        ops = keys - {"field"}
        if len(ops) != 1:
            extra = sorted(map(str, ops - _LEAF_KEYS))
            if extra:
                bad = extra[0]
                raise ctx.error(f"未知运算符 {bad!r}{did_you_mean(bad, _LEAF_KEYS)}", raw, bad)
            raise ctx.error("一个 field 条件只能有一个运算符（eq/ne/lt/le/gt/ge/in/contains/matches）", raw, "field")
        op = ops.pop()
        if op not in _LEAF_KEYS:
            raise ctx.error(f"未知运算符 {op!r}{did_you_mean(str(op), _LEAF_KEYS)}", raw, op)
        name = ctx.field(raw["field"], raw, "field")
        fdef = ctx.fields[name]
        value = raw[op]
        if op in COMPARE_OPS:
            return Compare(name, op, _operand(value, fdef, ctx, raw, op))
        if op == "in":
            if isinstance(value, dict):
                if set(value) != {"param"}:
                    raise ctx.error("in 的值应为列表或 {param: 名称}", raw, op)
                return In(name, ctx.param(value["param"], raw, op))
            if not isinstance(value, list) or not value:
                raise ctx.error("in 的值应为非空列表", raw, op)
            return In(name, Literal(tuple(_coerce(v, fdef, ctx, raw, op) for v in value)))
        if op == "contains":
            if fdef.kind not in ("list", "enum_list"):
                raise ctx.error(f"contains 只用于列表字段，{name} 不是列表", raw, op)
            return Contains(name, _operand(value, fdef, ctx, raw, op, element=True))
        if op == "matches":
            if not isinstance(value, str):
                raise ctx.error("matches 的值应为正则表达式字符串", raw, op)
            try:
                re.compile(value)
                check_regex(value)  # both evaluators: a pattern that can backtrack for ever is refused
            except re.error as exc:
                raise ctx.error(f"正则表达式无效: {exc}", raw, op) from None
            except UnsafePattern as exc:
                raise ctx.error(str(exc), raw, op) from None
            return Matches(name, value)
    bad = sorted(map(str, keys - _NODE_KEYS)) or sorted(map(str, keys))
    raise ctx.error(f"未知的条件键 {bad[0]!r}{did_you_mean(bad[0], _NODE_KEYS | _LEAF_KEYS)}", raw, bad[0])


def _only(raw: dict, allowed: set, ctx: ParseContext):
    extra = set(raw) - allowed
    if extra:
        key = sorted(map(str, extra))[0]
        raise ctx.error(f"多余的键 {key!r}（{'/'.join(sorted(allowed))} 条件不能再带其他键）", raw, key)


def _operand(value, fdef, ctx: ParseContext, owner, key, element: bool = False):
    if isinstance(value, dict):
        if set(value) == {"field"}:
            other = ctx.field(value["field"], value, "field")
            okind = ctx.fields[other].kind
            if not element and _family(okind) != _family(fdef.kind):
                raise ctx.error(f"不能比较 {fdef.name}（{fdef.kind}）与 {other}（{okind}）", owner, key)
            return FieldRef(other)
        if set(value) == {"param"}:
            return ctx.param(value["param"], value, "param")
        raise ctx.error("比较值应为字面值、{field: 字段} 或 {param: 参数}", owner, key)
    return Literal(_coerce(value, fdef, ctx, owner, key, element=element))


def _family(kind: str) -> str:
    return {"date": "date", "datetime": "date", "int": "num", "decimal": "num", "bool": "bool"}.get(kind, "str")


def _coerce(value, fdef, ctx: ParseContext, owner, key, element: bool = False):
    fam = "str" if element else _family(fdef.kind)
    if fam == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        raise ctx.error(f"{fdef.name} 是日期字段，比较值应写作 YYYY-MM-DD", owner, key)
    if fam == "num":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ctx.error(f"{fdef.name} 是数值字段，比较值应为数字", owner, key)
        return value
    if fam == "bool":
        if not isinstance(value, bool):
            raise ctx.error(f"{fdef.name} 是是/否字段，比较值应为 true 或 false", owner, key)
        return value
    if not isinstance(value, str):
        raise ctx.error(f"{fdef.name} 是文本字段，比较值应为字符串", owner, key)
    if fdef.choices and value not in fdef.choices:
        raise ctx.error(f"{value!r} 不在 {fdef.name} 的可选值中{did_you_mean(value, fdef.choices)}；"
                        f"可选: {'、'.join(fdef.choices)}", owner, key)
    return value


_DEADLINE_KEYS = {"name", "label", "from", "to", "limit", "unit", "extension", "excluded", "roll_over", "open",
                  "check", "warn", "versions"}


def parse_deadline(raw, ctx: ParseContext, owner, owner_key) -> DeadlineSpec:
    if not isinstance(raw, dict):
        raise ctx.error("deadline 应为映射", owner, owner_key)
    key = first_unknown(raw, _DEADLINE_KEYS)
    if key is not None:
        raise ctx.error(f"deadline 中的未知键 {key!r}{did_you_mean(key, _DEADLINE_KEYS)}", raw, key)
    for required in ("name", "from", "limit", "unit"):
        if required not in raw:
            raise ctx.error(f"deadline 缺少 {required}", raw, None)
    name = raw["name"]
    if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ctx.error("deadline 的 name 须为小写英文标识（如 service）", raw, "name")
    unit = raw["unit"]
    if unit not in UNITS:
        raise ctx.error(f"未知单位 {unit!r}{did_you_mean(str(unit), UNITS)}；可选: {', '.join(UNITS)}", raw, "unit")
    from_field = ctx.field(raw["from"], raw, "from")
    to_field = ctx.field(raw["to"], raw, "to") if raw.get("to") is not None else None
    for key in ("from", "to"):
        fname = raw.get(key)
        if fname is not None and ctx.fields[fname].kind not in ("date", "datetime"):
            raise ctx.error(f"{key} 须为日期字段，{fname} 不是", raw, key)
    ext = ctx.field(raw["extension"], raw, "extension") if raw.get("extension") else None
    exc = ctx.field(raw["excluded"], raw, "excluded") if raw.get("excluded") else None
    for key, fname in (("extension", ext), ("excluded", exc)):
        if fname and ctx.fields[fname].kind != "int":
            raise ctx.error(f"{key} 须为整数（天数）字段，{fname} 不是", raw, key)
    label = raw.get("label") or {}
    if not isinstance(label, dict) or set(label) - {"zh", "en"}:
        raise ctx.error("label 应为 {zh: ..., en: ...}", raw, "label")
    check = raw.get("check", "late")
    if check not in ("late", "early"):
        raise ctx.error("check 只能是 late（超过期限）或 early（早于最短期间）", raw, "check")
    open_ = raw.get("open", "as_of")
    if open_ not in ("as_of", "skip"):
        raise ctx.error("open 只能是 as_of（未完成时按审计基准日计算）或 skip", raw, "open")
    roll = raw.get("roll_over", False)
    if isinstance(roll, dict):
        if set(roll) != {"param"}:
            raise ctx.error("roll_over 应为 true/false 或 {param: 名称}", raw, "roll_over")
        roll = ctx.param(roll["param"], roll, "param")
    elif not isinstance(roll, bool):
        raise ctx.error("roll_over 应为 true/false 或 {param: 名称}", raw, "roll_over")
    warn = raw.get("warn", False)
    if not isinstance(warn, bool):
        raise ctx.error("warn 应为 true 或 false", raw, "warn")
    key = f"{ctx.rule_id}/{name}"
    if key in ctx.deadlines and ctx.deadlines[key] != raw:
        raise ctx.error(f"同一规则中 deadline 名称 {name!r} 重复且定义不同", raw, "name")
    ctx.deadlines[key] = raw
    return DeadlineSpec(
        key=key, name=name, label={"zh": label.get("zh", name), "en": label.get("en", name)},
        from_field=from_field, to_field=to_field, limit=_parse_limit(raw["limit"], ctx, raw, "limit"),
        unit=unit, extension_field=ext, excluded_field=exc, roll_over=roll, open=open_, check=check,
        warn=warn, versions=_versions(raw, ctx),
    )


def _versions(raw, ctx):
    if raw.get("versions") is None:
        return None
    from auditor.rules.versions import parse_versions

    return parse_versions(raw["versions"], ctx, raw, "versions", UNITS, _parse_limit)


def _parse_limit(value, ctx, owner, key):
    if isinstance(value, bool):
        raise ctx.error("limit 应为整数、{param: 名称} 或 {sum: [...]}", owner, key)
    if isinstance(value, int):
        if value < 0:
            raise ctx.error("limit 不能为负数", owner, key)
        return value
    if isinstance(value, dict) and set(value) == {"param"}:
        return ctx.param(value["param"], value, "param")
    if isinstance(value, dict) and set(value) == {"sum"} and isinstance(value["sum"], list) and value["sum"]:
        return SumOf(tuple(_parse_limit(v, ctx, value["sum"], i) for i, v in enumerate(value["sum"])))
    raise ctx.error("limit 应为整数、{param: 名称} 或 {sum: [...]}", owner, key)
