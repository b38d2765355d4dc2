"""The per-finding builder as it was before findings were built in bulk, kept as the reference the
bulk builder must equal byte for byte (tests/results/test_findings_bulk.py). Not used by the tool."""

from __future__ import annotations

import numpy as np

from auditor.evaluate.context import Facts, RunContext
from auditor.findings import Finding, fingerprint
from auditor.privacy import mask_field
from auditor.results.finding_text import _deadline_values, _evidence_value, _plain, _template_fields, correction_due
from auditor.rules.conditions import UNIT_EN, UNIT_ZH
from auditor.rules.model import Rule
from auditor.rules.template import render


def build_findings_per_finding(rules: list[Rule], hits: dict[str, np.ndarray], facts: Facts, ctx: RunContext) -> list[Finding]:
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
                departments=_departments(rule, frame, pos), correction_due=due, basis=rule.basis, evidence=evidence,
            ))
    out.sort(key=Finding.sort_key)
    return out


def _departments(rule: Rule, frame, pos: int) -> tuple[str, ...]:
    """The rule's departments, with each `departments_if` one (before 承办中队) where its fact is true."""
    extra = tuple(d for d, f in rule.departments_if if _plain(frame[f].iloc[pos]) is True)
    if rule.departments[-1:] == ("承办中队",):
        return rule.departments[:-1] + extra + rule.departments[-1:]
    return rule.departments + extra
