"""Finding text: turning the rows an evaluator matched into findings, with their messages in Chinese and
English, the evidence they rest on, and the date a correction is due.

Everything a finding says is built here, once, so no two evaluators can differ in wording, evidence or
order.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from auditor.enrich.deadlines import DeadlineResult
from auditor.evaluate.context import Facts, RunContext
from auditor.findings import Finding, fingerprint
from auditor.privacy import mask_field
from auditor.rules.conditions import UNIT_EN, UNIT_ZH
from auditor.rules.model import Rule
from auditor.rules.template import placeholders, render


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
            values = {name: _plain(columns[name][i]) for name in needed}
            if not ctx.show_personal_data:
                values = {name: mask_field(name, value, fields.get(name), party_type)
                          for name, value in values.items()}
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
