"""What both evaluators share: the enriched facts, the full condition of a rule, and turning hits
(rule id → row positions) into findings, early warnings and notices.

An evaluator only decides *which rows match*; everything a finding says is built here, once, so the
vectorized and the Rete evaluators cannot differ in wording, evidence or order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from auditor.enrich.calendar import WorkCalendar
from auditor.enrich.deadlines import DeadlineResult, compute_deadline
from auditor.enrich.derive_law import add_law_facts
from auditor.enrich.unknowns import Unknowns, compute_unknowns, deadline_unknown
from auditor.enrich.derive import (case_fact_fields, derive_case_facts, derive_recording_facts,
                                   recording_fact_fields)
from auditor.findings import EarlyWarning, Finding, Notice, fingerprint
from auditor.model.frame import empty_frame
from auditor.privacy import mask_id, mask_name
from auditor.rules.conditions import (AllOf, AnyOf, Absent, Compare, Const, Deadline, Literal, Not, Present, UNIT_EN,
                                      UNIT_ZH)
from auditor.rules.model import Rule
from auditor.rules.template import placeholders, render

SCOPES = ("case", "recording")


@dataclass
class Facts:
    """The enriched tables the evaluators read, and every deadline computed on them."""

    frames: dict[str, pd.DataFrame]  # scope -> facts (RangeIndex 0..n-1)
    deadlines: dict[str, DeadlineResult] = field(default_factory=dict)  # spec.key -> result
    fields: dict[str, dict] = field(default_factory=dict)  # scope -> name -> Field
    unknowns: Unknowns | None = None  # which values the export does not establish (enrich/unknowns.py)
    deadline_unknown: dict[str, np.ndarray] = field(default_factory=dict)  # spec.key -> unknown rows
    supplied: dict | None = None  # table -> supplied columns (auditor.coverage)


@dataclass(frozen=True)
class RunContext:
    as_of: dt.date
    calendar: WorkCalendar
    params: dict
    warning_days: int = 7
    show_personal_data: bool = False


class Evaluator(Protocol):
    name: str

    def hits(self, rules: list[Rule], facts: Facts, ctx: RunContext) -> dict[str, np.ndarray]:
        """rule id → sorted positions (in the rule's scope frame) of the rows where the rule fires."""


def build_facts(tables: dict[str, pd.DataFrame], rules: list[Rule], ctx: RunContext,
                supplied: dict | None = None) -> Facts:
    """Enriched facts; `supplied` (table -> columns) says what the export had (default: every table
    given, with all its columns)."""
    from auditor.coverage import all_supplied

    supplied = all_supplied(tables) if supplied is None else supplied
    cases = tables["cases"].reset_index(drop=True)
    recordings = tables.get("recordings")
    recordings = empty_frame("recordings") if recordings is None else recordings.reset_index(drop=True)
    disclosures = tables.get("disclosures")
    disclosures = empty_frame("disclosures") if disclosures is None else disclosures
    case_facts = derive_case_facts(cases, recordings, disclosures, ctx.params)
    add_law_facts(case_facts, ctx.params, ctx.calendar)
    rec_facts = derive_recording_facts(recordings, cases)
    facts = Facts(frames={"case": case_facts, "recording": rec_facts},
                  fields={"case": case_fact_fields(), "recording": recording_fact_fields()})
    facts.supplied = supplied
    facts.unknowns = compute_unknowns(facts.frames, facts.fields, supplied, case_facts)
    for rule in rules:
        frame = facts.frames[rule.scope]
        for spec in rule.deadlines:
            result = compute_deadline(spec, frame, ctx.calendar, ctx.as_of, ctx.warning_days)
            facts.deadlines[spec.key] = result
            unknown = deadline_unknown(result, lambda name, s=rule.scope: facts.unknowns.of(s, name), ctx.as_of)
            if unknown.any():
                facts.deadline_unknown[spec.key] = unknown
    return facts


def effective_condition(rule: Rule, as_of: dt.date):
    """The rule's effective dates as a condition: by the first present date field, else the as-of date."""
    eff = rule.effective
    if eff is None:
        return Const(True)

    def within(name):
        parts = []
        if eff.start:
            parts.append(Compare(name, "ge", Literal(eff.start)))
        if eff.end:
            parts.append(Compare(name, "le", Literal(eff.end)))
        return parts

    branches = []
    for i, name in enumerate(eff.fields):
        earlier_absent = [Absent(f) for f in eff.fields[:i]]
        branches.append(AllOf(tuple(earlier_absent + [Present(name)] + within(name))))
    as_of_ok = (eff.start is None or as_of >= eff.start) and (eff.end is None or as_of <= eff.end)
    branches.append(AllOf(tuple([Absent(f) for f in eff.fields] + [Const(as_of_ok)])))
    return AnyOf(tuple(branches))


def full_condition(rule: Rule, as_of: dt.date):
    """effective ∧ applies ∧ violation, for a rule already bound to the run's parameters."""
    return AllOf((effective_condition(rule, as_of), rule.applies, rule.violation))


def _plain(value):
    """A cell as a plain Python value (None for every kind of missing)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _mask(name: str, value, fdef, party_type, show: bool):
    if show or fdef is None or not fdef.personal or value is None:
        return value
    if "name" in name:
        return mask_name(value)
    return mask_id(value, organisation=party_type not in ("自然人", None))


def _deadline_values(result: DeadlineResult, pos: int, units: dict, as_of: dt.date) -> dict:
    spec = result.spec

    def d(x):
        return None if np.isnat(x) else x.astype(dt.date)

    end = d(result.end[pos])
    actual = {"zh": end.isoformat(), "en": end.isoformat()} if end else {
        "zh": f"截至 {as_of.isoformat()} 尚未办理", "en": f"not done as of {as_of.isoformat()}"}
    return {
        "act_by": act_by(d(result.due[pos]), as_of),
        "due": d(result.due[pos]), "limit": result.limit_at(pos), "unit": units[result.unit_at(pos)],
        "start": d(result.start[pos]), "end": end, "elapsed": int(result.elapsed[pos]),
        "over": int(result.over[pos]), "label": spec.label, "actual": actual,
    }


def act_by(due: dt.date | None, as_of: dt.date) -> dict:
    """What a correction tells a squad about a deadline: act before it, or — when it has already
    passed at the as-of date — act now and say why it is late (never a bare past date)."""
    if due is None:
        return {"zh": "立即", "en": "at once"}
    if due >= as_of:
        return {"zh": f"于 {due.isoformat()} 前", "en": f"by {due.isoformat()}"}
    return {"zh": f"立即（期限已于 {due.isoformat()} 届满，须在案卷中写明逾期的正当理由）",
            "en": f"at once (the deadline passed on {due.isoformat()}; record the good cause for the delay)"}


def _template_fields(rule: Rule) -> list[str]:
    names = []
    for part in (rule.message, rule.correction):
        for text in part.values():
            for name in placeholders(text):
                if "." not in name and name not in names:
                    names.append(name)
    return names


def build_findings(rules: list[Rule], hits: dict[str, np.ndarray], facts: Facts, ctx: RunContext) -> list[Finding]:
    out: list[Finding] = []
    param_values = {f"param.{k}": v for k, v in ctx.params.items() if not isinstance(v, tuple)}
    for rule in rules:
        positions = hits.get(rule.id)
        if positions is None or len(positions) == 0:
            continue
        frame = facts.frames[rule.scope]
        fields = facts.fields[rule.scope]
        due = correction_due(rule, ctx)
        evidence_names = rule.evidence_fields
        needed = [n for n in dict.fromkeys(
            ["case_id", "squad", "party_type", *( [rule.subject] if rule.subject else []), *evidence_names,
             *_template_fields(rule)]) if n in frame.columns]
        rows = frame.iloc[positions][needed]
        columns = {name: rows[name].tolist() for name in needed}
        deadlines = [facts.deadlines[s.key] for s in rule.deadlines]
        for i, pos in enumerate(positions):
            pos = int(pos)
            party_type = columns["party_type"][i] if "party_type" in columns else None
            values = {name: _mask(name, _plain(columns[name][i]), fields.get(name), party_type,
                                  ctx.show_personal_data) for name in needed}
            values.update(param_values)
            values.update({"as_of": ctx.as_of, "correction_due": due})
            texts = {}
            for lang, units in (("zh", UNIT_ZH), ("en", UNIT_EN)):
                lv = dict(values)
                for res in deadlines:
                    for attr, v in _deadline_values(res, pos, units, ctx.as_of).items():
                        lv[f"dl.{res.spec.name}.{attr}"] = v[lang] if isinstance(v, dict) else v
                texts[lang] = lv
            evidence = tuple((name, _evidence_value(values.get(name))) for name in evidence_names)
            for res in deadlines:
                dv = _deadline_values(res, pos, UNIT_ZH, ctx.as_of)
                evidence += ((f"{res.spec.name}.due", _evidence_value(dv["due"])),
                             (f"{res.spec.name}.elapsed", dv["elapsed"]), (f"{res.spec.name}.over", dv["over"]))
            subject = "" if not rule.subject else str(values.get(rule.subject) or f"#{pos + 1}")
            case_id = str(values.get("case_id"))
            out.append(Finding(
                fingerprint=fingerprint(rule.id, case_id, subject), rule_id=rule.id, case_id=case_id,
                squad=str(values.get("squad") or ""), theme=rule.theme, severity=rule.severity, subject=subject,
                title=dict(rule.title),
                message={lang: render(rule.message[lang], texts[lang], lang) for lang in ("zh", "en")},
                correction={lang: render(rule.correction[lang], texts[lang], lang) for lang in ("zh", "en")},
                departments=rule.departments, correction_due=due, basis=rule.basis, evidence=evidence,
            ))
    out.sort(key=Finding.sort_key)
    return out


def _evidence_value(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, tuple):
        return "、".join(map(str, value))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def correction_due(rule: Rule, ctx: RunContext) -> dt.date | None:
    amount = rule.due.amount
    amount = int(ctx.params[amount.name]) if hasattr(amount, "name") else int(amount)
    start = np.array([np.datetime64(ctx.as_of, "D")])
    if rule.due.unit == "working_days":
        due, unknown = ctx.calendar.add_working_days(start, np.array([amount]))
        return None if unknown[0] else due[0].astype(dt.date)
    return ctx.as_of + dt.timedelta(days=amount)


def early_warnings(rules: list[Rule], applicable: dict[str, np.ndarray], facts: Facts,
                   ctx: RunContext) -> list[EarlyWarning]:
    """Open deadlines that fall due within the horizon, for cases where the rule applies."""
    out: list[EarlyWarning] = []
    as_of = np.datetime64(ctx.as_of, "D")
    for rule in rules:
        mask = applicable.get(rule.id)
        if mask is None:
            continue
        frame = facts.frames[rule.scope]
        for spec in rule.deadlines:
            if not spec.warn:
                continue
            res = facts.deadlines[spec.key]
            for pos in np.flatnonzero(mask & (res.status == "due_soon")):
                due = res.due[pos]
                out.append(EarlyWarning(
                    case_id=str(frame["case_id"].iat[pos]), squad=str(frame["squad"].iat[pos]), rule_id=rule.id,
                    deadline=spec.name, label=dict(spec.label), due=due.astype(dt.date),
                    days_left=int((due - as_of).astype(np.int64))))
    out.sort(key=EarlyWarning.sort_key)
    return out


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


def deadline_table(rules: list[Rule], applicable: dict[str, np.ndarray], facts: Facts) -> pd.DataFrame:
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
    return table.sort_values(["case_id", "rule_id", "name"], kind="stable").reset_index(drop=True)


MIN_ROWS_FOR_EMPTY_CHECK = 20  # a handful of cases can leave a column empty by chance


def absence_fields(node) -> list[str]:
    """Fields whose *absence* can make a condition true: under `absent`, under `not`, or the end of an
    open deadline (an absent end date is measured against the as-of date)."""
    out: list[str] = []
    if isinstance(node, Absent):
        out.append(node.field)
    elif isinstance(node, Not):
        from auditor.rules.conditions import fields_of

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
