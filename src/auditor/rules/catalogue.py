"""The rule catalogue in Markdown (`auditor rules docs`, committed as docs/rules.md)."""

from __future__ import annotations

import datetime as dt

from auditor.model.fact_fields import DERIVED_CASE_FIELDS, DERIVED_RECORDING_FIELDS, LAW_CASE_FIELDS
from auditor.findings import THEMES
from auditor.rules.conditions import (Absent, AllOf, AnyOf, Compare, Const, Contains, Deadline, FieldRef, In,
                                      Literal, Matches, Not, ParamRef, ParamTest, Present, SumOf, UNIT_ZH, walk)
from auditor.rules.loader import RulePack
from auditor.rules.model import Rule

_OP_ZH = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}


def describe(node, depth: int = 0) -> str:
    """A condition tree in plain Chinese, for legal officers reading the catalogue."""
    pad = "  " * depth
    if isinstance(node, AllOf):
        return f"{pad}- 同时满足：\n" + "\n".join(describe(c, depth + 1) for c in node.children)
    if isinstance(node, AnyOf):
        return f"{pad}- 满足其一：\n" + "\n".join(describe(c, depth + 1) for c in node.children)
    if isinstance(node, Not):
        return f"{pad}- 并非：\n" + describe(node.child, depth + 1)
    if isinstance(node, Present):
        return f"{pad}- `{node.field}` 有值"
    if isinstance(node, Absent):
        return f"{pad}- `{node.field}` 为空"
    if isinstance(node, Compare):
        return f"{pad}- `{node.field}` {_OP_ZH[node.op]} {_operand(node.value)}"
    if isinstance(node, In):
        return f"{pad}- `{node.field}` 属于 {_operand(node.values)}"
    if isinstance(node, Contains):
        return f"{pad}- `{node.field}` 包含 {_operand(node.value)}"
    if isinstance(node, Matches):
        return f"{pad}- `{node.field}` 匹配正则 `{node.pattern}`"
    if isinstance(node, ParamTest):
        return f"{pad}- 参数 `{node.param}` {node.op} {node.value}"
    if isinstance(node, Const):
        return f"{pad}- {'总是' if node.value else '从不'}"
    if isinstance(node, Deadline):
        s = node.spec
        to = f"`{s.to_field}`" if s.to_field else "审计基准日"
        extra = []
        if s.extension_field:
            extra.append(f"加 `{s.extension_field}`")
        if s.excluded_field:
            extra.append(f"加 `{s.excluded_field}`")
        if s.roll_over:
            extra.append("届满日遇休息日顺延")
        kind = "早于" if s.check == "early" else "晚于"
        return (f"{pad}- 期限「{s.label['zh']}」：自 `{s.from_field}` 起 {_limit(s.limit)}{UNIT_ZH[s.unit]}"
                f"{'（' + '，'.join(extra) + '）' if extra else ''}；{to} {kind}届满日"
                f"{'（未办理的按审计基准日计）' if s.open == 'as_of' and s.check == 'late' else ''}"
                f"{_versions(s, pad)}")
    return f"{pad}- {node!r}"


def _versions(spec, pad: str) -> str:
    """The law-version logic of a deadline: which text applies by which date."""
    v = spec.versions
    if v is None:
        return ""
    lines = [f"\n{pad}  - 法律版本：按 `{v.by}` 当日施行的文本确定"]
    for t in v.texts:
        period = f"{t.start or '…'} 至 {t.end or '今'}"
        if not t.applies:
            rule = "不适用（当时无此期限）"
        else:
            limit = _limit(t.limit).strip() if t.limit is not None else _limit(spec.limit).strip()
            rule = f"{limit} {UNIT_ZH[t.unit or spec.unit]}"
        lines.append(f"{pad}    - {period}：{rule}{'（' + t.text + '）' if t.text else ''}")
    if v.lighter_at:
        which = "届满日较早" if v.lighter == "earlier_due" else "届满日较晚"
        lines.append(f"{pad}    - 从旧兼从轻：`{v.lighter_at}` 当日施行的文本对当事人较轻（{which}）的，适用该文本")
    return "\n".join(lines)


def _operand(value) -> str:
    if isinstance(value, FieldRef):
        return f"`{value.name}`"
    if isinstance(value, ParamRef):
        return f"参数 `{value.name}`"
    if isinstance(value, Literal):
        v = value.value
        return "、".join(map(str, v)) if isinstance(v, tuple) else str(v)
    return str(value)


def _limit(limit) -> str:
    if isinstance(limit, ParamRef):
        return f"参数 `{limit.name}` "
    if isinstance(limit, SumOf):
        return " + ".join(_limit(p).strip() for p in limit.parts) + " "
    return f"{limit} "


def law_versions(rule: Rule) -> str:
    """Which text of the law the rule applies, in one line: its effective dates, the deadlines whose
    limit depends on the date, or the current texts for every case."""
    parts = []
    eff = rule.effective
    if eff is not None:
        span = f"{eff.start or '…'} 至 {eff.end or '今'}"
        fields = "、".join(f"`{f}`" for f in eff.fields)
        parts.append(f"适用于 {fields}（依次取第一个有值的日期；均无则按审计基准日）在 {span} 的案件")
    versioned = [s for s in rule.deadlines if s.versions is not None]
    for s in versioned:
        parts.append(f"期限「{s.label['zh']}」按 `{s.versions.by}` 当日施行的文本确定（见违规判定）")
    for node in _dated_branches(rule):
        parts.append(f"条件中 `{node.field}` {_OPS.get(node.op, node.op)} {node.value.value} 的分支适用该日前后的文本（见违规判定）")
    if not parts:
        parts.append("不区分版本：全部案件按所引的现行文本判断")
    return "；".join(parts)


_OPS = {"lt": "<", "le": "≤", "gt": ">", "ge": "≥", "eq": "=", "ne": "≠"}


def _dated_branches(rule: Rule) -> list:
    """Comparisons of a date field with a literal date: a rule whose text changed on that day."""
    seen, out = set(), []
    for tree in (rule.applies, rule.violation):
        for node in walk(tree):
            if (isinstance(node, Compare) and isinstance(node.value, Literal)
                    and isinstance(node.value.value, dt.date) and (node.field, node.op, node.value.value) not in seen):
                seen.add((node.field, node.op, node.value.value))
                out.append(node)
    return out


def rule_markdown(rule: Rule, pack: RulePack) -> str:
    lines = [f"### {rule.id} {rule.title['zh']}", "", f"*{rule.title['en']}* — 主题 {rule.theme}，严重程度 "
             f"**{rule.severity}**，范围 {'每条记录' if rule.scope == 'recording' else '每个案件'}", ""]
    lines.append("**法律依据**")
    lines.append("")
    for b in rule.basis:
        origin = f"；出处：{b.source}（未与法规原文核对）" if b.source else "；已与法规原文核对"
        lines.append(f"- {b.law} {b.article}（可信度 {b.confidence}{origin}）：「{b.quote}」")
    lines += ["", "**适用条件**", "", describe(rule.applies), "", "**违规判定**", "", describe(rule.violation), ""]
    if rule.params:
        lines.append("**参数**：" + "，".join(
            f"`{p}` = {pack.params[p].default}（{pack.params[p].confidence}）" for p in rule.params))
        lines.append("")
    lines += [f"**法律版本**：{law_versions(rule)}", ""]
    extra = "".join(f"；{d}（仅 `{f}` 为是的案件）" for d, f in rule.departments_if)
    lines += [f"**问题描述**：{rule.message['zh']}", "", f"**整改措施**：{rule.correction['zh']}", "",
              f"**责任部门**：{'、'.join(rule.departments)}{extra}", ""]
    if rule.empty:
        lines.append("**空值的含义（本规则另行规定）**：" + "；".join(
            f"`{name}` 为空表示{'未发生' if means == 'not_done' else '未记载'}（{reason}）"
            for name, (means, reason) in rule.empty.items()))
        lines.append("")
    count = {kind: sum(1 for e in rule.examples if e.kind == kind) for kind in ("fire", "pass", "unknown")}
    lines += [f"**示例**：应触发 {count['fire']} 例，不应触发 {count['pass']} 例"
              + (f"，无法判定 {count['unknown']} 例" if count["unknown"] else "") + "（`auditor rules test`）", ""]
    return "\n".join(lines)


def render_catalogue(pack: RulePack) -> str:
    out = [f"# 规则目录 — {pack.name} {pack.version}", "",
           "由 `auditor rules docs` 生成，请勿手工编辑（测试会检查是否过期）。", "",
           f"共 {len(pack.rules)} 条规则。严重程度：严重 = 违反法律、法规原文（[P]）且影响决定合法性或当事人权利；"
           "一般 = 违反二级来源（[S]）或不影响结果的程序瑕疵；提示 = 依据未经确认的参数或数据质量，需人工核实。", ""]
    out.append("| 编号 | 规则 | 主题 | 严重程度 |")
    out.append("| --- | --- | --- | --- |")
    for theme in THEMES:
        for r in pack.rules:
            if r.theme == theme:
                out.append(f"| [{r.id}](#{r.id.lower()}-{r.title['zh']}) | {r.title['zh']} | {r.theme} | {r.severity} |")
    out.append("")
    for theme in THEMES:
        rules = [r for r in pack.rules if r.theme == theme]
        if not rules:
            continue
        out += [f"## {theme}", ""]
        out += [rule_markdown(r, pack) for r in rules]
    out += ["## 参数", "", "| 参数 | 默认值 | 单位 | 可信度 | 依据 | 说明 |", "| --- | --- | --- | --- | --- | --- |"]
    for name, p in sorted(pack.params.items()):
        default = "、".join(map(str, p.default)) if isinstance(p.default, list) else p.default
        out.append(f"| `{name}` | {default} | {p.unit} | {p.confidence} | {p.basis} | {p.description.get('zh', '')} |")
    out += ["", "## 派生字段", "", "| 字段 | 中文 | 类型 |", "| --- | --- | --- |"]
    for f in (*DERIVED_CASE_FIELDS, *LAW_CASE_FIELDS, *DERIVED_RECORDING_FIELDS):
        out.append(f"| `{f.name}` | {f.zh} | {f.kind} |")
    return "\n".join(out) + "\n"
