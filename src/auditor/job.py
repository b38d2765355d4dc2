"""An audit job as the CLI runs it: audit → exceptions → reports → history → verdict.

Kept out of the CLI so a notebook or a scheduler gets the same behaviour (and the same exit code)
without click.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from auditor.api import AuditConfig, run_audit
from auditor.errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, ConfigError, UsageError
from auditor.exceptions_register import active_findings
from auditor.findings import AuditResult, severity_rank

ALL_FORMATS = ("xlsx", "html", "json", "csv", "sarif", "junit")


@dataclass(frozen=True)
class AuditJob:
    config: AuditConfig
    out_dir: Path | None = None
    formats: tuple = ALL_FORMATS
    fail_on: str = "严重"
    lang: str = "zh"
    strict: bool = False
    history: Path | None = None  # SQLite store; None = do not record
    history_explicit: bool = True  # False: the default store, skipped (with a note) for back-dated runs
    baseline: str | None = None  # run id, "latest", or a findings.json file
    new_only: bool = False
    exceptions: Path | None = None
    check_parity: bool = False


@dataclass
class JobOutcome:
    result: AuditResult
    written: list = field(default_factory=list)
    gating: list = field(default_factory=list)  # findings at or above fail_on (after exemptions/baseline)
    run_summary: object = None
    exception_report: object = None
    parity: object = None
    exit_code: int = EXIT_OK
    notes: list = field(default_factory=list)


def run_job(job: AuditJob) -> JobOutcome:
    if job.fail_on not in ("严重", "一般", "提示"):
        raise UsageError(f"--fail-on 只能是 严重、一般 或 提示，而不是 {job.fail_on!r}")
    if job.new_only and not job.baseline and job.history is None:
        raise UsageError("--new-only 需要 --baseline（运行编号、latest 或 findings.json）或历史库")
    # A baseline only means something for the verdict: naming one gates on new findings; --new-only
    # without a baseline compares with the latest run in the history store.
    if job.baseline or job.new_only:
        from dataclasses import replace

        job = replace(job, new_only=True, baseline=job.baseline or "latest")
    result = run_audit(job.config)
    outcome = JobOutcome(result=result)
    if job.check_parity:
        from auditor.api import load_calendar, load_pack_and_profile
        from auditor.evaluate.parity import check_parity

        pack, profile = load_pack_and_profile(job.config.rules, job.config.profile)
        outcome.parity = check_parity(result.load.tables, pack, profile, job.config.as_of,
                                      calendar=load_calendar(job.config.calendars),
                                      rule_ids=job.config.rule_ids, squads=job.config.squads,
                                      supplied=result.load.supplied)
        if not outcome.parity.ok:  # before any report or history: a disputed audit is not published
            raise ConfigError(outcome.parity.format(job.lang))
    if job.exceptions:
        from auditor.exceptions_register import apply_exceptions, load_register

        result, outcome.exception_report = apply_exceptions(result, load_register(job.exceptions),
                                                            job.config.as_of)
        outcome.result = result
    if job.out_dir is not None and job.formats:
        from auditor.report import write_reports

        outcome.written = write_reports(result, job.out_dir, list(job.formats), lang=job.lang,
                                        show_personal_data=job.config.show_personal_data)
    candidates = active_findings(result)
    if job.new_only:
        from auditor.history.baseline import new_since_baseline

        new = {f.fingerprint for f in new_since_baseline(result, job.baseline, db_path=job.history)}
        candidates = [f for f in candidates if f.fingerprint in new]
    if job.history is not None and _history_accepts(job, outcome):
        from auditor.history.store import record_run

        outcome.run_summary = record_run(job.history, result)
    limit = severity_rank(job.fail_on)
    outcome.gating = [f for f in candidates if severity_rank(f.severity) <= limit]
    outcome.exit_code = EXIT_FINDINGS if outcome.gating else EXIT_OK
    if job.strict and result.load is not None and result.load.rejected:
        outcome.exit_code = EXIT_INPUT
    return outcome


def _history_accepts(job: AuditJob, outcome: JobOutcome) -> bool:
    """An ad-hoc audit dated before the last recorded run is not an error when the store is only the
    default one: the audit is reported, not recorded. An explicitly named store still refuses it."""
    if job.history_explicit or not Path(job.history).exists():
        return True
    from auditor.history.status import latest_as_of
    from auditor.history.store import open_store

    with open_store(job.history, create=False) as conn:
        latest = latest_as_of(conn)
    if latest is not None and job.config.as_of < latest:
        outcome.notes.append(f"历史库 {job.history} 已有截止日期 {latest} 的审计，本次追溯审计（{job.config.as_of}）"
                             "未记入历史库")
        return False
    return True
