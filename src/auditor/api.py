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
from typing import Any

import pandas as pd

from auditor.enrich.calendar import WorkCalendar, load_calendar_file
from auditor.errors import UsageError
from auditor.evaluate import registry
from auditor.evaluate.context import PreparedRun
from auditor.evaluate.prepare import prepare
from auditor.findings import AuditResult
from auditor.pipeline.audit import audit_prepared, audit_result, judge
from auditor.pipeline.explain import CaseExplanation, RuleVerdict, case_tables, explain_prepared  # noqa: F401
from auditor.rules.loader import RulePack, load_rule_pack
from auditor.rules.params import Profile, load_profile



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
    extra: dict = field(default_factory=dict)


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
    return load_exports([Path(p) for p in config.exports], profile=config.mapping, limits=config.limits)


def prepare_config(config: AuditConfig, tables: dict[str, pd.DataFrame]) -> PreparedRun:
    """The prepared run of `tables` under the configuration's rule pack, profile, calendars and filters."""
    pack, profile = load_pack_and_profile(config.rules, config.profile)
    return prepare(tables, as_of=config.as_of, pack=pack, profile=profile, calendar=load_calendar(config.calendars),
                   squads=config.squads, rule_ids=config.rule_ids, show_personal_data=config.show_personal_data)


def with_inputs(result: AuditResult, load, config: AuditConfig) -> AuditResult:
    """The result with the load report and the input files in its metadata."""
    result.load = load
    result.metadata["inputs"] = [
        {"path": str(f.path), "sha256": f.sha256, "table": f.table, "form": f.form, "rows": f.rows}
        for f in load.files
    ]
    result.metadata["mapping_profile"] = str(config.mapping) if config.mapping else "default"
    return result


def run_audit(config: AuditConfig) -> AuditResult:
    """Load the exports, audit every case, return the neutral result (no files written)."""
    load = load_inputs(config)
    run = prepare_config(config, load.tables)
    return with_inputs(audit_prepared(run, config.engine), load, config)


def audit_tables(tables: dict[str, pd.DataFrame], *, as_of: dt.date, pack: RulePack, profile: Profile,
                 calendar: WorkCalendar | None = None, engine: str = "vectorized", squads=(),
                 show_personal_data: bool = False, rule_ids=(), evaluator=None) -> AuditResult:
    """Audit canonical tables already in memory (notebooks and tests use this)."""
    run = prepare(tables, as_of=as_of, pack=pack, profile=profile, calendar=calendar, squads=squads,
                  rule_ids=rule_ids, show_personal_data=show_personal_data)
    return audit_prepared(run, evaluator or engine)


def explain_case(config: AuditConfig, case_id: str) -> CaseExplanation:
    """One case's timeline, its computed deadlines and every rule's verdict (by the configured engine)."""
    load = load_inputs(config)
    run = prepare_config(replace(config, squads=()), case_tables(load.tables, case_id))  # one case: no squad filter
    return explain_prepared(run, config.engine)


__all__ = ["AuditConfig", "AuditResult", "CaseExplanation", "PreparedRun", "RuleVerdict", "audit_prepared",
           "audit_result", "audit_tables", "explain_case", "get_evaluator", "judge", "load_calendar",
           "load_inputs", "load_pack_and_profile", "prepare", "prepare_config", "run_audit", "with_inputs"]
