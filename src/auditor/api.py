"""The library API: the whole pipeline without click or output formats. A notebook calls this.

    from auditor.api import AuditConfig, run_audit
    result = run_audit(AuditConfig(exports=("fixtures/sample/xml",), as_of=date(2026, 11, 25)))
    result.findings[0].message["zh"]

Each entry point loads what the configuration names, prepares one run (`evaluate.prepare`) and judges
it with the configured engine (`evaluate.registry`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from auditor.enrich.calendar import WorkCalendar, load_calendar_file
from auditor.errors import UsageError
from auditor.evaluate import registry
from auditor.evaluate.context import PreparedRun
from auditor.evaluate.prepare import prepare
from auditor.findings import AuditResult, Notice
from auditor.pipeline import audit as pipeline_audit
from auditor.pipeline.audit import Audit, audit_prepared, audit_result, judge
from auditor.pipeline.explain import CaseExplanation, RuleVerdict, case_tables, explain_prepared
from auditor.rules.loader import RulePack, load_rule_pack
from auditor.rules.params import Profile, load_profile

if TYPE_CHECKING:
    from auditor.ingest.limits import Limits


@dataclass(frozen=True, kw_only=True)
class AuditConfig:
    """What one audit reads and how it judges. `as_of` has no default: every deadline is measured
    against it, so a library user names it (the CLI's default, today, is the CLI's own choice)."""

    as_of: dt.date
    exports: tuple = ()
    rules: Path | None = None  # rule pack directory (default: the bundled pack)
    profile: Path | None = None  # district parameter profile (YAML)
    mapping: Path | None = None  # mapping profile for the exports (YAML)
    calendars: tuple = ()  # calendar files adding years
    squads: tuple = ()  # only these squads
    cases: tuple = ()  # only these cases (案件编号)
    causes: tuple = ()  # only the cases of these 案由 (name or 案由编码): "one case type"
    engine: str = field(default_factory=registry.default_name)  # the registry's reference engine
    show_personal_data: bool = False
    limits: Limits | None = None  # read limits for the exports (default: ingest.limits.DEFAULT_LIMITS)
    rule_ids: tuple = ()  # only these rules (empty: all)
    undetermined_as_findings: bool = False  # 无法判定 items also listed (and counted) as findings
    all_known: bool = False  # audit everything the export knows instead of the files as they stood at as_of

    def __post_init__(self):
        if not isinstance(self.as_of, dt.date) or isinstance(self.as_of, dt.datetime):
            raise UsageError(f"审计基准日 as_of 必须是日期（datetime.date），而不是 {self.as_of!r}")


def get_evaluator(name: str):
    return registry.create(name)


def load_calendar(files=()) -> WorkCalendar:
    extra = {}
    for f in files:
        extra.update(load_calendar_file(f))
    return WorkCalendar(extra)


def load_pack_and_profile(rules: Path | None, profile: Path | None) -> tuple[RulePack, Profile]:
    pack = load_rule_pack(rules)
    return pack, load_profile(profile, pack.params, Path(pack.path))


def load_inputs(config: AuditConfig):
    """The exports the configuration names, read into canonical tables (a LoadResult)."""
    from auditor.ingest import load_exports

    if not config.exports:
        raise UsageError("请至少指定一个导出文件或目录")
    return load_exports([Path(p) for p in config.exports], mapping=config.mapping, limits=config.limits)


def prepare_args(config: AuditConfig, supplied=None) -> dict:
    """What `prepare` needs besides the tables, loaded from the files the configuration names;
    `supplied`: the tables and columns the export had (`LoadResult.supplied`)."""
    pack, profile = load_pack_and_profile(config.rules, config.profile)
    return dict(as_of=config.as_of, pack=pack, profile=profile, calendar=load_calendar(config.calendars),
                squads=config.squads, rule_ids=config.rule_ids, show_personal_data=config.show_personal_data,
                supplied=supplied)


def prepare_config(config: AuditConfig, tables: dict[str, pd.DataFrame], supplied=None) -> PreparedRun:
    """The prepared run of `tables` under the configuration's rule pack, profile, calendars and filters."""
    return prepare(tables, **prepare_args(config, supplied))


def audit_config(config: AuditConfig) -> Audit:
    """Load, take the exports as they stood at the as-of date, prepare, judge: the run, its hits, the result."""
    from auditor.evaluate.case_scope import restrict_cases

    load = load_inputs(config)
    tables, snapshot = as_it_stood(load.tables, config)
    tables, scope = restrict_cases(tables, config.cases, config.causes, all_cases=load.tables["cases"],
                                  squads=config.squads)
    audit = pipeline_audit.audit_tables(tables, config.engine, **prepare_args(config, load.supplied),
                                        undetermined_as_findings=config.undetermined_as_findings)
    with_inputs(audit.result, load, config, snapshot)
    if scope.active:  # a partial run says so everywhere, and the history keeps it from closing other items
        audit.result.metadata["case_filter"] = scope.as_metadata()
        audit.result.notices.append(Notice(code="case_filter", count=len(scope.case_ids),
                                           message={"zh": scope.describe("zh"), "en": scope.describe("en")}))
    return audit


def run_audit(config: AuditConfig) -> AuditResult:
    """Load the exports, audit every case, return the neutral result (no files written)."""
    return audit_config(config).result


def with_inputs(result: AuditResult, load, config: AuditConfig, snapshot) -> AuditResult:
    """The result with the load report, the input files and the snapshot in its metadata and notices."""
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


def audit_tables(tables: dict[str, pd.DataFrame], *, as_of: dt.date, pack: RulePack, profile: Profile,
                 calendar: WorkCalendar | None = None, engine: str | None = None, squads=(),
                 show_personal_data: bool = False, rule_ids=(), evaluator=None, supplied=None,
                 undetermined_as_findings: bool = False) -> AuditResult:
    """Audit canonical tables already in memory (notebooks and tests use this). `supplied` (table ->
    supplied columns, as `LoadResult.supplied`) says what the export had; by default every table
    given is supplied with all its columns. `engine`: a registered name (default: the reference engine)."""
    return pipeline_audit.audit_tables(tables, evaluator or engine or registry.default_name(), as_of=as_of,
                                       pack=pack, profile=profile, calendar=calendar, squads=squads, rule_ids=rule_ids,
                                       show_personal_data=show_personal_data, supplied=supplied,
                                       undetermined_as_findings=undetermined_as_findings).result


def explain_case(config: AuditConfig, case_id: str) -> CaseExplanation:
    """One case's timeline, its computed deadlines and every rule's verdict (by the configured engine)."""
    load = load_inputs(config)
    tables, _ = as_it_stood(load.tables, config)
    if not (tables["cases"]["case_id"] == case_id).any() and (load.tables["cases"]["case_id"] == case_id).any():
        raise UsageError(f"案件 {case_id} 在 {config.as_of.isoformat()} 之后才发现或立案，不在该日的审计范围"
                         "（要按导出中的全部信息查看请加 --all-known）")
    run = prepare_config(replace(config, squads=()), case_tables(tables, case_id),  # one case: no squad filter
                         load.supplied)
    return explain_prepared(run, config.engine)


__all__ = ["Audit", "AuditConfig", "AuditResult", "CaseExplanation", "PreparedRun", "RuleVerdict", "audit_config",
           "audit_prepared", "audit_result", "audit_tables", "explain_case", "get_evaluator", "judge",
           "load_calendar", "load_inputs", "load_pack_and_profile", "prepare", "prepare_config", "run_audit",
           "with_inputs"]
