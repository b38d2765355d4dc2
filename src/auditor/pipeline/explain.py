"""Explaining one case: its timeline, its computed deadlines and every rule's verdict with evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from auditor.errors import UsageError
from auditor.evaluate import registry
from auditor.evaluate.context import PreparedRun
from auditor.model.fields import CASE_FIELDS
from auditor.privacy import mask_field
from auditor.results.deadline_table import deadline_table
from auditor.results.finding_text import build_findings
from auditor.suggest import did_you_mean


@dataclass
class RuleVerdict:
    rule_id: str
    title: dict
    severity: str
    verdict: str  # "fires", "passes", "not_applicable", "unknown" (无法判定: the export does not say)
    message: dict | None = None
    evidence: tuple = ()
    finding: Any = None  # the Finding when the rule fires
    rule: Any = None


@dataclass
class CaseExplanation:
    case: dict  # field -> value (masked unless asked), only fields with a value
    timeline: list  # (date, field, 中文 label), sorted
    deadlines: pd.DataFrame
    verdicts: list[RuleVerdict]
    recordings: pd.DataFrame
    profile: str


def case_tables(tables: dict[str, pd.DataFrame], case_id: str) -> dict[str, pd.DataFrame]:
    """The rows of one case: the case, its recordings and its disclosures."""
    cases = tables["cases"]
    match = cases[cases["case_id"] == case_id]
    if match.empty:
        raise UsageError(f"导出中没有案件 {case_id}{did_you_mean(case_id, cases['case_id'].dropna().tolist()[:5000])}")
    one = {"cases": match.reset_index(drop=True)}
    for table in ("recordings", "disclosures"):
        frame = tables.get(table)
        if frame is None:
            continue
        key = "case_id" if table == "recordings" else "decision_no"
        value = case_id if table == "recordings" else match["decision_no"].iat[0]
        one[table] = frame[frame[key] == value].reset_index(drop=True)
    return one


def explain_prepared(run: PreparedRun, evaluator) -> CaseExplanation:
    """Explain the one case `run` was prepared for, with the verdicts of `evaluator` (name or object)."""
    from auditor.evaluate.outcome import build_undetermined
    from auditor.pipeline.audit import judge_outcomes

    evaluator = registry.create(evaluator) if isinstance(evaluator, str) else evaluator
    outcomes = judge_outcomes(run, evaluator)
    hits = {rule_id: outcome.violated for rule_id, outcome in outcomes.items()}
    findings = {f.rule_id: f for f in build_findings(run.rules, hits, run.facts, run.ctx)}
    undetermined = {u.rule_id: u for u in build_undetermined(run.rules, outcomes, run.facts, run.as_of)}
    verdicts = []
    for rule in run.rules:
        if rule.id in findings:
            f = findings[rule.id]
            verdicts.append(RuleVerdict(rule.id, rule.title, rule.severity, "fires", f.message, f.evidence, f, rule))
        elif rule.id in undetermined:  # the verdict rests on data the export does not give
            missing = undetermined[rule.id].missing_labels
            message = {"zh": f"数据缺失，待核实：{missing['zh']}", "en": f"Data missing, to be checked: {missing['en']}"}
            verdicts.append(RuleVerdict(rule.id, rule.title, rule.severity, "unknown", message, rule=rule))
        elif run.applicable[rule.id].any():
            verdicts.append(RuleVerdict(rule.id, rule.title, rule.severity, "passes", rule=rule))
        else:
            verdicts.append(RuleVerdict(rule.id, rule.title, rule.severity, "not_applicable", rule=rule))
    row = run.tables["cases"].iloc[0]
    case = {}
    for f in CASE_FIELDS:
        value = row[f.name]
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT or value is pd.NA \
                or (isinstance(value, tuple) and not value):
            continue
        case[f.name] = value if run.ctx.show_personal_data else mask_field(f.name, value, f, row["party_type"])
    timeline = sorted((v.date() if hasattr(v, "date") else v, f.name, f.zh) for f in CASE_FIELDS
                      if f.kind == "date" and f.name in case for v in [case[f.name]])
    return CaseExplanation(case=case, timeline=timeline,
                           deadlines=deadline_table(run.rules, run.applicable, run.facts), verdicts=verdicts,
                           recordings=run.tables.get("recordings", pd.DataFrame()), profile=run.profile.name)
