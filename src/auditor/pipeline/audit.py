"""Judging a prepared run with one evaluator and assembling the audit result (findings, warnings,
notices, deadlines, metadata)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from auditor.scoring import model_from_params
from auditor import __version__
from auditor.evaluate import registry
from auditor.evaluate.context import PreparedRun
from auditor.evaluate.prepare import prepare
from auditor.findings import AuditResult, Finding
from auditor.results.deadline_table import deadline_table
from auditor.results.finding_text import build_findings
from auditor.results.notices import calendar_notices, empty_field_notices
from auditor.progress import progress
from auditor.results.warnings import early_warnings


def judge(run: PreparedRun, evaluator) -> dict:
    """rule id → positions where the rule fires, by `evaluator` (a registered name or an evaluator)."""
    return {rule_id: o.violated for rule_id, o in judge_outcomes(run, evaluator).items()}


def judge_outcomes(run: PreparedRun, evaluator) -> dict:
    """rule id → the rule's `Outcome` on every row (违规 / 合规 / 不适用 / 无法判定) by `evaluator`."""
    evaluator = registry.create(evaluator) if isinstance(evaluator, str) else evaluator
    if not hasattr(evaluator, "outcomes"):  # an engine that only reports hits: nothing is 无法判定 by it
        from auditor.evaluate.outcome import Outcome

        hits = evaluator.hits(run.rules, run.facts, run.ctx)
        none = np.zeros(0, dtype=np.int64)
        return {r.id: Outcome(np.asarray(hits.get(r.id, none), dtype=np.int64), none, none,
                              len(run.facts.frames[r.scope]), complete=False) for r in run.rules}
    return evaluator.outcomes(run.rules, run.facts, run.ctx)


def audit_result(run: PreparedRun, hits: dict, engine: str, outcomes: dict | None = None,
                 undetermined_as_findings: bool = False) -> AuditResult:
    """The audit result of `run` from the `hits` the engine named `engine` found; with its `outcomes`
    the 无法判定 items too (listed apart, or also as findings with `undetermined_as_findings`)."""
    from auditor.coverage import measure_coverage
    from auditor.evaluate.outcome import build_undetermined, rules_without_tables

    rules, facts, ctx = run.rules, run.facts, run.ctx
    findings = build_findings(rules, hits, facts, ctx)
    undetermined = build_undetermined(rules, outcomes, facts, run.as_of) if outcomes else []
    if outcomes and undetermined_as_findings:
        findings = sorted(findings + undetermined_findings(rules, outcomes, facts, ctx), key=Finding.sort_key)
    result = AuditResult(
        as_of=run.as_of, findings=findings, undetermined=undetermined,
        coverage=measure_coverage(run.tables, facts.supplied if facts.supplied is not None else {}),
        warnings=early_warnings(rules, run.applicable, facts, ctx),
        notices=calendar_notices(rules, run.applicable, facts) + empty_field_notices(rules, hits, facts),
        rules=list(run.pack.rules if not run.rule_ids else rules),
        cases=run.tables["cases"], deadlines=deadline_table(rules, run.applicable, facts),
        engine_label={lang: registry.label(engine, lang) for lang in ("zh", "en")},
        param_descriptions={name: p.description for name, p in run.pack.params.items() if p.description},
    )
    result.coverage.rules_without = rules_without_tables(rules, facts.supplied or {})
    params = ctx.params
    result.metadata = {
        "tool_version": __version__, "rule_pack": run.pack.as_metadata(), "profile": run.profile.as_metadata(),
        "engine": engine, "as_of": run.as_of.isoformat(), "inputs": [], "mapping_profile": "default",
        "squad_filter": list(run.squads) or None, "rule_filter": list(run.rule_ids) or None,
        "show_personal_data": ctx.show_personal_data,
        "warning_days": ctx.warning_days,
        "score": model_from_params(params).as_metadata(),
        "calendar_years": [run.calendar.covered_years[0], run.calendar.covered_years[-1]],
        "undetermined_as_findings": undetermined_as_findings,
    }
    return result


def audit_prepared(run: PreparedRun, evaluator) -> AuditResult:
    """Judge `run` with `evaluator` (name or object) and assemble the result."""
    evaluator = registry.create(evaluator) if isinstance(evaluator, str) else evaluator
    outcomes = judge_outcomes(run, evaluator)
    return audit_result(run, {k: o.violated for k, o in outcomes.items()}, evaluator.name, outcomes)


@dataclass
class Audit:
    """One audit: the prepared run, the chosen engine's hits on it, and the result built from them."""

    run: PreparedRun
    hits: dict
    result: AuditResult
    outcomes: dict | None = None  # rule id → Outcome (the four verdicts) by the same engine


def audit_tables(tables: dict[str, pd.DataFrame], evaluator, undetermined_as_findings: bool = False,
                 **prepare_args) -> Audit:
    """Prepare `tables`, judge them with `evaluator` (name or object), build the result; the steps are shown."""
    evaluator = registry.create(evaluator) if isinstance(evaluator, str) else evaluator
    n = len(tables["cases"])
    # The steps below have no loop worth counting; a person still sees which one runs and for how long.
    with progress(3, f"审计 {n:,} 件案件：派生事实与适用范围", unit="steps") as bar:
        run = prepare(tables, **prepare_args)
        bar.stage(f"审计 {n:,} 件案件：评估 {len(run.rules)} 条规则")
        bar.advance()
        outcomes = judge_outcomes(run, evaluator)
        hits = {rule_id: o.violated for rule_id, o in outcomes.items()}
        bar.stage(f"审计 {n:,} 件案件：生成问题、预警与期限")
        bar.advance()
        result = audit_result(run, hits, evaluator.name, outcomes, undetermined_as_findings)
        bar.stage(f"审计 {n:,} 件案件")
        bar.advance()
    return Audit(run, hits, result, outcomes)


def undetermined_findings(rules, outcomes: dict, facts, ctx) -> list:
    """无法判定 items as findings, when the run asks for them (`--undetermined-as-findings`): the
    message is the rule's, prefixed so that nobody takes it for a verdict."""
    from dataclasses import replace

    hits = {rule_id: o.unknown for rule_id, o in outcomes.items() if len(o.unknown)}
    prefix = {"zh": "【数据缺失，待核实】", "en": "[undetermined: data missing, to be checked] "}
    return [replace(f, message={lang: prefix[lang] + text for lang, text in f.message.items()})
            for f in build_findings(rules, hits, facts, ctx)]
