"""Finding text: turning the rows an evaluator matched into findings, with their messages in Chinese and
English, the evidence they rest on, and the date a correction is due.

Everything a finding says is built here, once, so no two evaluators can differ in wording, evidence or
order.
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd

from auditor.enrich.deadlines import DeadlineResult
from auditor.evaluate.context import Facts, RunContext
from auditor.findings import Finding, fingerprint
from auditor.privacy import mask_field
from auditor.rules.conditions import UNIT_EN, UNIT_ZH
from auditor.rules.model import Rule
from auditor.rules.template import compile_template, filled, placeholders


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
    """The findings of every rule's hits, sorted. Built a rule at a time and column-wise: each template
    is cut once (`compile_template`), each placeholder's column formatted once per distinct value, and
    messages joined from those columns; the result equals the per-finding builder's byte for byte
    (tests/_findings_reference.py, tests/results/test_findings_bulk.py)."""
    out: list[Finding] = []
    params = {f"param.{k}": v for k, v in ctx.params.items() if not isinstance(v, tuple)}
    for rule in rules:
        positions = hits.get(rule.id)
        if positions is None or len(positions) == 0:
            continue
        out.extend(_rule_findings(rule, [int(p) for p in positions], facts, ctx, params))
    out.sort(key=Finding.sort_key)
    return out


def _rule_findings(rule: Rule, positions: list[int], facts: Facts, ctx: RunContext, params: dict) -> list[Finding]:
    frame = facts.frames[rule.scope]
    fields = facts.fields[rule.scope]
    due = correction_due(rule, ctx)
    n = len(positions)
    needed = [name for name in dict.fromkeys(
        ["case_id", "squad", "party_type", *([rule.subject] if rule.subject else []), *rule.evidence_fields,
         *_template_fields(rule), *(f for _, f in rule.departments_if)]) if name in frame.columns]
    # Only the columns needed, taken at the hit positions (the facts frame has a hundred columns).
    values = {name: [_plain(v) for v in frame[name].take(positions).tolist()] for name in needed}
    if not ctx.show_personal_data:
        party = values.get("party_type", [None] * n)
        for name in needed:
            fdef = fields.get(name)
            if fdef is not None and getattr(fdef, "personal", False):
                values[name] = [mask_field(name, v, fdef, pt) for v, pt in zip(values[name], party)]
    deadlines = [facts.deadlines[s.key] for s in rule.deadlines]
    constants = {**params, "as_of": ctx.as_of, "correction_due": due}
    texts = {}
    for lang, units in (("zh", UNIT_ZH), ("en", UNIT_EN)):
        dl_columns = _deadline_columns(rule, deadlines, positions, units, lang, ctx.as_of)
        texts[lang] = {kind: _render_column(getattr(rule, kind)[lang], dl_columns, constants, values, n, lang)
                       for kind in ("message", "correction")}
    evidence_columns = [[(name, _evidence_value(v)) for v in values[name]] if name in values
                        else [(name, None)] * n for name in rule.evidence_fields]
    for res in deadlines:
        name = res.spec.name
        dues = [_evidence_value(None if np.isnat(x) else x.astype(dt.date)) for x in res.due[positions]]
        evidence_columns += [[(f"{name}.due", d) for d in dues],
                             [(f"{name}.elapsed", int(x)) for x in res.elapsed[positions]],
                             [(f"{name}.over", int(x)) for x in res.over[positions]]]
    evidence = list(zip(*evidence_columns)) if evidence_columns else [()] * n
    subjects = ([str(v or f"#{pos + 1}") for v, pos in zip(values[rule.subject], positions)]
                if rule.subject and rule.subject in values else
                [f"#{pos + 1}" for pos in positions] if rule.subject else [""] * n)
    case_ids = [str(v) for v in values["case_id"]] if "case_id" in values else ["None"] * n
    squads = [str(v or "") for v in values["squad"]] if "squad" in values else [""] * n
    departments = _departments(rule, values, n)
    return [Finding(
        fingerprint=fingerprint(rule.id, case_id, subject), rule_id=rule.id, case_id=case_id, squad=squad,
        theme=rule.theme, severity=rule.severity, subject=subject, title=dict(rule.title),
        message={"zh": zh_msg, "en": en_msg}, correction={"zh": zh_cor, "en": en_cor},
        departments=depts, correction_due=due, basis=rule.basis, evidence=ev,
    ) for case_id, squad, subject, zh_msg, en_msg, zh_cor, en_cor, ev, depts in zip(
        case_ids, squads, subjects, texts["zh"]["message"], texts["en"]["message"], texts["zh"]["correction"],
        texts["en"]["correction"], evidence, departments)]


def _departments(rule: Rule, values: dict, n: int) -> list[tuple[str, ...]]:
    """The rule's departments per finding, with each `departments_if` department added (before the
    squad, which stays last) only where its fact is true: 拆违专班 for illegal-building causes only."""
    if not rule.departments_if:
        return [rule.departments] * n
    out = []
    for i in range(n):
        extra = tuple(d for d, f in rule.departments_if if values.get(f, [None] * n)[i] is True)
        head, tail = (rule.departments[:-1], rule.departments[-1:]) if rule.departments[-1:] == ("承办中队",) \
            else (rule.departments, ())
        out.append(head + extra + tail)
    return out


def _deadline_columns(rule: Rule, deadlines: list[DeadlineResult], positions: list[int], units: dict, lang: str,
                      as_of: dt.date) -> dict[str, list]:
    """`dl.<name>.<attr>` -> its value per finding in `lang`, for the attributes the templates name."""
    wanted = {name for part in (rule.message, rule.correction) for name in placeholders(part[lang])
              if name.startswith("dl.")}
    out: dict[str, list] = {}
    for res in deadlines:  # a later deadline of the same name wins, as it always has
        prefix = f"dl.{res.spec.name}."
        attrs = [key[len(prefix):] for key in wanted if key.startswith(prefix)]
        if not attrs:
            continue
        per_pos = [_deadline_values(res, pos, units, as_of) for pos in positions]
        for attr in attrs:
            out[prefix + attr] = [(v[attr][lang] if isinstance(v[attr], dict) else v[attr]) if attr in v else None
                                  for v in per_pos]
    return out


def _render_column(template: str, dl_columns: dict, constants: dict, values: dict, n: int, lang: str) -> list[str]:
    """`template` rendered for each of the n findings (the lookup order of the per-finding builder:
    deadline figures, then as_of / correction_due / parameters, then the row's fields)."""
    parts: list = []
    for seg in compile_template(template):
        if isinstance(seg, str):
            parts.append(itertools.repeat(seg, n))
            continue
        name, fallback = seg
        if name in dl_columns:
            column = dl_columns[name]
        elif name in constants or name not in values:
            parts.append(itertools.repeat(filled(constants.get(name), fallback, lang), n))
            continue
        else:
            column = values[name]
        memo: dict = {}
        texts = []
        for v in column:
            try:
                key = (v.__class__, v)
                text = memo.get(key)
                if text is None:
                    text = memo[key] = filled(v, fallback, lang)
            except TypeError:  # an unhashable value: formatted each time
                text = filled(v, fallback, lang)
            texts.append(text)
        parts.append(texts)
    if not parts:
        return [""] * n
    return ["".join(row) for row in zip(*parts)]


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
    # A calendar-day correction deadline ending on a rest day moves to the next working day (民法典 203).
    due, unknown = ctx.calendar.roll_to_workday(start + np.timedelta64(amount, "D"))
    return None if unknown[0] else due[0].astype(dt.date)
