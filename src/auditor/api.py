"""The library API: the whole pipeline without click or output formats. A notebook calls this.

    from auditor.api import AuditConfig, run_audit
    result = run_audit(AuditConfig(exports=("fixtures/sample/xml",), as_of=date(2026, 11, 25)))
    result.findings[0].message["zh"]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from auditor import __version__
from auditor.enrich.calendar import WorkCalendar, load_calendar_file
from auditor.errors import UsageError
from auditor.evaluate.base import (RunContext, build_facts, build_findings, calendar_notices, deadline_table,
                                   early_warnings, effective_condition, empty_field_notices)
from auditor.evaluate.outcome import build_undetermined, undetermined_findings
from auditor.findings import AuditResult, Finding, Notice
from auditor.progress import progress
from auditor.rules.conditions import AllOf
from auditor.rules.loader import RulePack, load_rule_pack
from auditor.rules.params import Profile, load_profile

ENGINES = ("vectorized", "rete")


@dataclass(frozen=True)
class AuditConfig:
    exports: tuple = ()
    as_of: dt.date = dt.date(2026, 11, 25)
    rules: Path | None = None  # rule pack directory (default: the bundled pack)
    profile: Path | None = None  # district parameter profile (YAML)
    mapping: Path | None = None  # mapping profile for the exports (YAML)
    calendars: tuple = ()  # calendar files adding years
    squads: tuple = ()  # only these squads
    engine: str = "vectorized"
    show_personal_data: bool = False
    limits: Any = None
    rule_ids: tuple = ()  # only these rules (empty: all)
    undetermined_as_findings: bool = False  # 无法判定 items also listed (and counted) as findings
    all_known: bool = False  # audit everything the export knows instead of the files as they stood at as_of
    extra: dict = field(default_factory=dict)


def get_evaluator(name: str):
    if name == "vectorized":
        from auditor.evaluate.vectorized import VectorizedEvaluator

        return VectorizedEvaluator()
    if name == "rete":
        from auditor.evaluate.rete import ReteEvaluator

        return ReteEvaluator()
    raise UsageError(f"未知的评估引擎 {name!r}；可选: {', '.join(ENGINES)}")


def load_calendar(files=()) -> WorkCalendar:
    extra = {}
    for f in files:
        extra.update(load_calendar_file(f))
    return WorkCalendar(extra)


def load_pack_and_profile(rules: Path | None, profile: Path | None) -> tuple[RulePack, Profile]:
    pack = load_rule_pack(rules)
    return pack, load_profile(profile, pack.params, Path(pack.path))


def run_audit(config: AuditConfig) -> AuditResult:
    """Load the exports, audit every case, return the neutral result (no files written)."""
    from auditor.ingest import load_exports

    if not config.exports:
        raise UsageError("请至少指定一个导出文件或目录")
    pack, profile = load_pack_and_profile(config.rules, config.profile)
    calendar = load_calendar(config.calendars)
    load = load_exports([Path(p) for p in config.exports], profile=config.mapping, limits=config.limits)
    tables, snapshot = as_it_stood(load.tables, config)
    result = audit_tables(tables, as_of=config.as_of, pack=pack, profile=profile, calendar=calendar,
                          engine=config.engine, squads=config.squads, show_personal_data=config.show_personal_data,
                          rule_ids=config.rule_ids, supplied=load.supplied,
                          undetermined_as_findings=config.undetermined_as_findings)
    result.load = load
    if load.incomplete:  # first of the notices: the audit covers only part of an export
        result.notices.insert(0, partial_read_notice(load.incomplete))
    result.metadata["inputs"] = [
        {"path": str(f.path), "sha256": f.sha256, "table": f.table, "form": f.form, "rows": f.rows,
         **({"unread": {"line": f.unread.line, "offset": f.unread.offset, "bytes": f.unread.bytes,
                        "size": f.unread.size}} if f.unread else {})}
        for f in load.files
    ]
    result.metadata["mapping_profile"] = str(config.mapping) if config.mapping else "default"
    result.metadata["snapshot"] = snapshot.as_metadata()
    if snapshot.mode == "all_known" or snapshot.dates_cleared or snapshot.cases_out_of_scope:
        result.notices.append(Notice(code="snapshot", message={"zh": snapshot.message("zh"),
                                                               "en": snapshot.message("en")},
                                     count=snapshot.cases_out_of_scope))
    return result


def partial_read_notice(files) -> Notice:
    from auditor.ingest.partial import partial_message

    return Notice(code="partial_read", count=len(files),
                  message={"zh": "导出文件未能读完，本次审计只覆盖已读取的部分: " + partial_message(files, "zh"),
                           "en": "An export could not be read to its end; this audit covers only the part "
                                 "that was read: " + partial_message(files, "en")},
                  detail=tuple(f"{f.path}: {f.unread.describe('zh')}" for f in files))


def as_it_stood(tables: dict[str, pd.DataFrame], config: AuditConfig):
    """The tables as they stood at the as-of date (default), or untouched with `all_known`."""
    from auditor.model.snapshot import Snapshot, snapshot_tables

    if config.all_known:
        return tables, Snapshot(as_of=config.as_of, mode="all_known")
    return snapshot_tables(tables, config.as_of)


def select_rules(pack: RulePack, rule_ids=()) -> list:
    if not rule_ids:
        return list(pack.rules)
    known = {r.id for r in pack.rules}
    missing = [r for r in rule_ids if r not in known]
    if missing:
        raise UsageError(f"未知规则: {', '.join(missing)}")
    return [r for r in pack.rules if r.id in set(rule_ids)]


def audit_tables(tables: dict[str, pd.DataFrame], *, as_of: dt.date, pack: RulePack, profile: Profile,
                 calendar: WorkCalendar | None = None, engine: str = "vectorized", squads=(),
                 show_personal_data: bool = False, rule_ids=(), evaluator=None, supplied=None,
                 undetermined_as_findings: bool = False) -> AuditResult:
    """Audit canonical tables already in memory (the examples runner and notebooks use this).

    `supplied` (table -> supplied columns, as `LoadResult.supplied`) says what the export had; by
    default every table given is supplied with all its columns."""
    from auditor.coverage import all_supplied, measure_coverage

    calendar = calendar or WorkCalendar()
    supplied = all_supplied(tables) if supplied is None else supplied
    tables = filter_squads(tables, squads)
    params = profile.values
    warning_days = int(params.get("warning_days", 7))
    ctx = RunContext(as_of=as_of, calendar=calendar, params=params, warning_days=warning_days,
                     show_personal_data=show_personal_data)
    rules = [r.bind(params) for r in select_rules(pack, rule_ids)]
    n = len(tables["cases"])
    # The steps below have no loop worth counting; a person still sees which one runs and for how long.
    with progress(5, f"审计 {n:,} 件案件：派生事实", unit="steps") as bar:
        facts = build_facts(tables, rules, ctx, supplied)
        bar.stage(f"审计 {n:,} 件案件：评估 {len(rules)} 条规则")
        bar.advance()
        evaluator = evaluator or get_evaluator(engine)
        outcomes = evaluator.outcomes(rules, facts, ctx)
        hits = {rule_id: o.violated for rule_id, o in outcomes.items()}
        from auditor.evaluate.vectorized import VectorizedEvaluator

        bar.stage(f"审计 {n:,} 件案件：适用范围")
        bar.advance()
        # Where each rule applies (effective ∧ applies): for warnings, deadlines and notices, not findings.
        applicable = VectorizedEvaluator().masks(
            {r.id: (r.scope, AllOf((effective_condition(r, as_of), r.applies))) for r in rules}, facts)
        bar.stage(f"审计 {n:,} 件案件：生成问题")
        bar.advance()
        findings = build_findings(rules, hits, facts, ctx)
        undetermined = build_undetermined(rules, outcomes, facts, as_of)
        if undetermined_as_findings:
            findings = sorted(findings + undetermined_findings(rules, outcomes, facts, ctx), key=Finding.sort_key)
        bar.stage(f"审计 {n:,} 件案件：预警与期限")
        bar.advance()
        result = AuditResult(
            as_of=as_of, findings=findings, warnings=early_warnings(rules, applicable, facts, ctx),
            notices=calendar_notices(rules, applicable, facts) + empty_field_notices(rules, hits, facts),
            rules=list(pack.rules if not rule_ids else rules),
            cases=tables["cases"], deadlines=deadline_table(rules, applicable, facts),
            undetermined=undetermined, coverage=measure_coverage(tables, supplied),
        )
        bar.stage(f"审计 {n:,} 件案件")
        bar.advance()
    result.metadata = {
        "tool_version": __version__, "rule_pack": pack.as_metadata(), "profile": profile.as_metadata(),
        "engine": evaluator.name, "as_of": as_of.isoformat(), "inputs": [], "mapping_profile": "default",
        "squad_filter": list(squads) or None, "rule_filter": list(rule_ids) or None,
        "show_personal_data": show_personal_data,
        "warning_days": warning_days,
        "score": {"base": 100, "deductions": {
            severity: params.get(f"score_deduction_{key}", default)
            for severity, key, default in (("严重", "serious", 10), ("一般", "general", 5), ("提示", "notice", 1))}},
        "calendar_years": [calendar.covered_years[0], calendar.covered_years[-1]],
        "undetermined_as_findings": undetermined_as_findings,
    }
    return result


def filter_squads(tables: dict[str, pd.DataFrame], squads) -> dict[str, pd.DataFrame]:
    if not squads:
        return tables
    cases = tables["cases"]
    known = set(cases["squad"].dropna())
    unknown = [s for s in squads if s not in known]
    if unknown:
        raise UsageError(f"导出中没有这些中队: {', '.join(unknown)}；现有: {', '.join(sorted(known))}")
    keep = cases[cases["squad"].isin(squads)].reset_index(drop=True)
    out = dict(tables)
    out["cases"] = keep
    if tables.get("recordings") is not None:
        rec = tables["recordings"]
        out["recordings"] = rec[rec["case_id"].isin(keep["case_id"])].reset_index(drop=True)
    return out


@dataclass
class RuleVerdict:
    rule_id: str
    title: dict
    severity: str
    verdict: str  # "fires", "passes", "not_applicable"
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


def explain_case(config: AuditConfig, case_id: str) -> CaseExplanation:
    """One case's timeline, its computed deadlines and every rule's verdict with its evidence."""
    from auditor.ingest import load_exports
    from auditor.model.fields import CASE_FIELDS
    from auditor.privacy import mask_id, mask_name

    pack, profile = load_pack_and_profile(config.rules, config.profile)
    load = load_exports([Path(p) for p in config.exports], profile=config.mapping, limits=config.limits)
    tables, _ = as_it_stood(load.tables, config)
    cases = tables["cases"]
    match = cases[cases["case_id"] == case_id]
    if match.empty and (load.tables["cases"]["case_id"] == case_id).any():
        raise UsageError(f"案件 {case_id} 在 {config.as_of.isoformat()} 之后才发现或立案，不在该日的审计范围"
                         "（要按导出中的全部信息查看请加 --all-known）")
    if match.empty:
        from auditor.rules.conditions import did_you_mean

        raise UsageError(f"导出中没有案件 {case_id}{did_you_mean(case_id, cases['case_id'].dropna().tolist()[:5000])}")
    one = {"cases": match.reset_index(drop=True)}
    for table in ("recordings", "disclosures"):
        frame = tables.get(table)
        if frame is None:
            continue
        key = "case_id" if table == "recordings" else "decision_no"
        value = case_id if table == "recordings" else match["decision_no"].iat[0]
        one[table] = frame[frame[key] == value].reset_index(drop=True)
    calendar = load_calendar(config.calendars)
    params = profile.values
    ctx = RunContext(as_of=config.as_of, calendar=calendar, params=params,
                     warning_days=int(params.get("warning_days", 7)), show_personal_data=config.show_personal_data)
    rules = [r.bind(params) for r in select_rules(pack, config.rule_ids)]
    facts = build_facts(one, rules, ctx)
    from auditor.evaluate.vectorized import VectorizedEvaluator

    ev = VectorizedEvaluator()
    applicable = ev.masks({r.id: (r.scope, AllOf((effective_condition(r, config.as_of), r.applies)))
                           for r in rules}, facts)
    hits = ev.hits(rules, facts, ctx)
    findings = {(f.rule_id): f for f in build_findings(rules, hits, facts, ctx)}
    verdicts = []
    for rule in rules:
        if rule.id in findings:
            f = findings[rule.id]
            verdicts.append(RuleVerdict(rule.id, rule.title, rule.severity, "fires", f.message, f.evidence, f, rule))
        elif applicable[rule.id].any():
            verdicts.append(RuleVerdict(rule.id, rule.title, rule.severity, "passes", rule=rule))
        else:
            verdicts.append(RuleVerdict(rule.id, rule.title, rule.severity, "not_applicable", rule=rule))
    row = match.iloc[0]
    case = {}
    for f in CASE_FIELDS:
        value = row[f.name]
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT or value is pd.NA \
                or (isinstance(value, tuple) and not value):
            continue
        if f.personal and not config.show_personal_data:
            value = mask_name(value) if "name" in f.name else mask_id(
                value, organisation=row["party_type"] not in ("自然人", None))
        case[f.name] = value
    timeline = sorted((v.date() if hasattr(v, "date") else v, f.name, f.zh) for f in CASE_FIELDS
                      if f.kind == "date" and f.name in case for v in [case[f.name]])
    return CaseExplanation(case=case, timeline=timeline,
                           deadlines=deadline_table(rules, applicable, facts), verdicts=verdicts,
                           recordings=one.get("recordings", pd.DataFrame()), profile=profile.name)
