"""An audit job as the CLI runs it: audit → exceptions → reports → history → verdict.

Kept out of the CLI so a notebook or a scheduler gets the same behaviour (and the same exit code)
without click.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from auditor.api import AuditConfig, audit_config
from auditor.errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, ConfigError, InputError, UsageError
from auditor.evaluate import registry
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
    force: bool = False  # replace an --out folder that holds files other than auditor reports
    accept_partial: bool = False  # audit an export that could not be read to its end (else exit 3)


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
    history: Path | None = None  # the store this run was recorded in
    history_default: bool = False  # ... and it is the default store beside --out (not named)


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
    audit = audit_config(job.config)
    result = audit.result
    outcome = JobOutcome(result=result)
    incomplete = result.load.incomplete if result.load is not None else []
    if incomplete and not job.accept_partial:  # before any report: a partial audit is not published
        from auditor.ingest.partial import ACCEPT_HINT, partial_message

        raise InputError(partial_message(incomplete, job.lang) + "\n" + ACCEPT_HINT[job.lang])
    if job.check_parity:  # every engine judges the same prepared run; the chosen one's verdicts are reused
        from auditor.evaluate.parity import check_parity

        engine = result.metadata["engine"]
        outcome.parity = check_parity(audit.run, registry.parity_names(engine), known_hits={engine: audit.hits},
                                      known_outcomes={engine: audit.outcomes})
        if not outcome.parity.ok:  # before any report or history: a disputed audit is not published
            raise ConfigError(outcome.parity.format(job.lang))
    if job.exceptions:
        from auditor.exceptions_register import apply_exceptions, load_register

        result, outcome.exception_report = apply_exceptions(result, load_register(job.exceptions),
                                                            job.config.as_of)
        outcome.result = result
    candidates = active_findings(result)
    if job.new_only:  # resolved before this run is recorded ("latest" is the previous run)
        from auditor.history.baseline import new_since_baseline

        new = {f.fingerprint for f in new_since_baseline(result, job.baseline, db_path=job.history)}
        candidates = [f for f in candidates if f.fingerprint in new]
    if job.history is not None and incomplete:
        # Cases that were never read would look resolved in the history: a partial run is not recorded.
        outcome.notes.append(f"部分读取的审计未记入历史库 {job.history}（未读取的案件会被误当作已整改）"
                             if job.lang == "zh" else
                             f"A partial audit is not recorded in the history store {job.history} "
                             "(cases never read would look resolved)")
    elif job.history is not None and _history_accepts(job, outcome):
        from auditor.history.store import record_run
        from auditor.history.tracking import issue_lists
        from auditor.progress import progress

        with progress(len(result.findings), "记入历史库") as bar:
            outcome.run_summary = record_run(job.history, result,
                                             on_progress=lambda done, total: bar.advance(done - bar.done))
        outcome.history = Path(job.history)
        outcome.history_default = not job.history_explicit
        # Recorded first, so the lists carry each item's progress (status, first 完成时限, 备注).
        if job.out_dir is not None and job.formats:
            result.tracking = issue_lists(job.history, outcome.run_summary.run_id, file_names=_list_names(job, result),
                                          record="xlsx" in job.formats)
    if job.out_dir is not None and job.formats:
        from auditor.report import write_reports

        outcome.written = write_reports(result, job.out_dir, list(job.formats), lang=job.lang,
                                        show_personal_data=job.config.show_personal_data, force=job.force,
                                        squad_lists=True)
    limit = severity_rank(job.fail_on)
    outcome.gating = [f for f in candidates if severity_rank(f.severity) <= limit]
    outcome.exit_code = EXIT_FINDINGS if outcome.gating else EXIT_OK
    if job.strict and result.load is not None and result.load.rejected:
        outcome.exit_code = EXIT_INPUT
    return outcome


def _list_names(job: AuditJob, result) -> dict:
    from auditor.report.squad_lists import LISTS_DIR, squad_file_name

    names = {None: str(Path(job.out_dir) / "report.xlsx")}
    names.update({f.squad: str(Path(job.out_dir) / LISTS_DIR / squad_file_name(f.squad)) for f in result.findings})
    return names


def _history_accepts(job: AuditJob, outcome: JobOutcome) -> bool:
    """The default store holds the monthly runs only. A partial audit (some squads, rules, cases or
    案由) is not recorded there unless a store is named; neither is an ad-hoc audit dated before the
    last recorded run. An explicitly named store records a partial run (which resolves nothing outside its scope)
    and still refuses a back-dated one."""
    if job.history_explicit:
        return True
    cfg = job.config
    if cfg.squads or cfg.rule_ids or cfg.cases or cfg.causes:
        scope = "、".join([*(f"--squad {s}" for s in cfg.squads), *(f"--rule {r}" for r in cfg.rule_ids),
                          *(f"--case {c}" for c in cfg.cases), *(f"--cause {c}" for c in cfg.causes)])
        outcome.notes.append(f"部分审计（{scope}）未记入历史库 {job.history}；要作为部分审计记入，请用 --history 指定历史库")
        return False
    if not Path(job.history).exists():
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
