"""Notices: what the audit could not judge (missing holiday calendars) or should be checked before acting
on (findings resting on a column empty in every row)."""

from __future__ import annotations

import numpy as np

from auditor.evaluate.context import Facts
from auditor.findings import Notice
from auditor.rules.conditions import AllOf, AnyOf, Absent, Deadline, Not, fields_of
from auditor.rules.model import Rule


def calendar_notices(rules: list[Rule], applicable: dict[str, np.ndarray], facts: Facts) -> list[Notice]:
    """A deadline that could not be computed because a year's holidays are missing is said out loud."""
    per_year: dict[int, list[str]] = {}
    for rule in rules:
        mask = applicable.get(rule.id)
        if mask is None:
            continue
        for spec in rule.deadlines:
            res = facts.deadlines[spec.key]
            sel = mask & (res.status == "unknown")
            if not sel.any():
                continue
            frame = facts.frames[rule.scope]
            for pos in np.flatnonzero(sel):
                per_year.setdefault(int(res.unknown_years[pos]), []).append(
                    f"{frame['case_id'].iat[pos]} {rule.id}/{spec.name}")
    notices = []
    for year in sorted(per_year):
        items = sorted(set(per_year[year]))
        notices.append(Notice(
            code="calendar_missing",
            message={"zh": f"缺少 {year} 年的节假日安排（工作日历），{len(items)} 个期限无法计算，相关规则未判定；"
                           f"请用 --calendar 加载 {year} 年的日历文件后重新审计。",
                     "en": f"The {year} holiday calendar is missing: {len(items)} deadlines could not be computed "
                           f"and were not judged; load a calendar file for {year} with --calendar and re-run."},
            count=len(items), detail=tuple(items[:200])))
    return notices


MIN_ROWS_FOR_EMPTY_CHECK = 20  # a handful of cases can leave a column empty by chance


def absence_fields(node) -> list[str]:
    """Fields whose *absence* can make a condition true: under `absent`, under `not`, or the end of an
    open deadline (an absent end date is measured against the as-of date)."""
    out: list[str] = []
    if isinstance(node, Absent):
        out.append(node.field)
    elif isinstance(node, Not):
        out.extend(fields_of(node.child))
    elif isinstance(node, (AllOf, AnyOf)):
        for child in node.children:
            out.extend(absence_fields(child))
    elif isinstance(node, Deadline) and node.spec.to_field and node.spec.open == "as_of":
        out.append(node.spec.to_field)
    return list(dict.fromkeys(out))


def empty_field_notices(rules: list[Rule], hits: dict[str, np.ndarray], facts: Facts) -> list[Notice]:
    """A field empty in every row usually means the export left the column out, not that every case
    broke the rule: findings that rest on such an absence are flagged for checking, not hidden."""
    out = []
    empty_cache: dict[tuple[str, str], bool] = {}
    for rule in rules:
        positions = hits.get(rule.id)
        frame = facts.frames[rule.scope]
        if positions is None or not len(positions) or len(frame) < MIN_ROWS_FOR_EMPTY_CHECK:
            continue
        empty = []
        for name in absence_fields(AllOf((rule.applies, rule.violation))):
            key = (rule.scope, name)
            if key not in empty_cache:
                column = frame[name]
                if column.dtype == object:
                    empty_cache[key] = not any(v not in (None, "", ()) and v == v for v in column.tolist())
                else:
                    empty_cache[key] = bool(column.isna().all())
            if empty_cache[key]:
                empty.append(name)
        if empty:
            labels = "、".join(facts.fields[rule.scope][n].zh for n in empty)
            out.append(Notice(
                code="field_empty",
                message={"zh": f"规则 {rule.id}「{rule.title['zh']}」的 {len(positions)} 个问题依据「{labels}」为空而判定，"
                               f"但该字段在全部 {len(frame)} 行中均为空，可能是导出未包含该字段：请先核实导出，避免误报。",
                         "en": f"Rule {rule.id} ({rule.title['en']}): {len(positions)} findings rest on "
                               f"{', '.join(empty)} being empty, but it is empty in all {len(frame)} rows — the "
                               f"export may have left the column out; check the export before acting on them."},
                count=int(len(positions)), detail=tuple(empty)))
    return out
