"""The history store: one SQLite file that remembers every recorded run and every correction item.

Concurrency and crash safety come from SQLite itself: WAL journal, a busy timeout so that two runs
recorded at once wait for each other instead of failing, and each run written in ONE `BEGIN IMMEDIATE`
transaction, so a process killed half-way leaves the store exactly as it was.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from auditor.errors import ConfigError
from auditor.findings import SEVERITIES, AuditResult
from auditor.history import integrity
from auditor.history.coverage_store import write_coverage
from auditor.history.lifecycle import OPEN_STATUSES, apply_run
from auditor.history.migrations import MIGRATIONS, migrate

BUSY_TIMEOUT_MS = 60_000  # a monthly run writes in seconds; waiting a minute beats failing
HISTORY_FILENAME = "auditor-history.sqlite"
BATCH = 1000


def default_history_path(out_dir: str | Path) -> Path:
    """Where `auditor audit --history` keeps the store when no path is given: next to the report
    directory, so that monthly report directories (reports/2025-05, reports/2025-06) share one store."""
    return Path(out_dir).resolve().parent / HISTORY_FILENAME


def connect(db_path: str | Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (and if needed create and migrate) the store. Autocommit mode: callers use `transaction()`."""
    path = Path(db_path)
    if not create and not path.exists():
        raise ConfigError("历史库不存在（请先用 auditor audit --history 记录一次审计）", file=str(path))
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"无法创建历史库所在目录: {exc.strerror or exc}", file=str(path)) from None
    if path.exists():
        if not path.is_file():  # a FIFO would block the header read, a folder is no store
            raise ConfigError("历史库路径不是普通文件（目录、命名管道或设备）", file=str(path))
        integrity.check_identity(path)  # another application's database is refused untouched
    conn = None
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Switching a new file to WAL does not wait on the busy handler: retry while another
        # process creates the same store.
        _retry_locked(lambda: conn.execute("PRAGMA journal_mode = WAL"))
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: never corrupt, even if killed
        conn.execute("PRAGMA foreign_keys = ON")
        _retry_locked(lambda: migrate(conn))
        _retry_locked(lambda: integrity.mark(conn))
        _check_schema_not_newer(conn, path)
        integrity.check_values(conn, path)
    except (sqlite3.DatabaseError, ConfigError) as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, ConfigError):
            raise
        raise _store_error(exc, path, "无法打开历史库") from None
    return conn


def _store_error(exc: sqlite3.DatabaseError, path, what: str) -> ConfigError:
    """One message for what SQLite raised: damage with the next step, a full disk, or the rest."""
    if integrity.is_damage(exc):
        return integrity.damaged(path, exc)
    if integrity.is_disk_full(exc):
        return ConfigError(f"{what}: 磁盘空间不足（SQLite: {exc}），历史库保持上次完整记录的状态；请腾出空间后重新运行",
                           file=str(path))
    hint = f"（{BUSY_TIMEOUT_MS // 1000} 秒内仍被其他进程占用）" if "locked" in str(exc) else ""
    return ConfigError(f"{what}{hint}: {exc}", file=str(path))


def _retry_locked(action):
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextlib.contextmanager
def open_store(db_path: str | Path, *, create: bool = True) -> Iterator[sqlite3.Connection]:
    conn = connect(db_path, create=create)
    try:
        yield conn
    except sqlite3.DatabaseError as exc:
        # Locked past the busy timeout, disk full, read-only file, a damaged page: the environment or
        # the file, not a bug; IntegrityError and the like are bugs and keep their traceback.
        if isinstance(exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)):
            raise
        raise _store_error(exc, db_path, "历史库写入失败") from None
    finally:
        conn.close()


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction; the write lock is taken at the start so concurrent writers queue up."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        # On a full disk SQLite has already rolled back: a second ROLLBACK would fail ("cannot
        # rollback - no transaction is active") and hide the real error.
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.Error:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


def _check_schema_not_newer(conn: sqlite3.Connection, path: Path) -> None:
    known = {name for name, _ in MIGRATIONS}
    unknown = [r[0] for r in conn.execute("SELECT name FROM schema_migrations") if r[0] not in known]
    if unknown:
        raise ConfigError(f"历史库由更新版本的 auditor 创建（未知迁移 {', '.join(sorted(unknown))}），请升级", file=str(path))


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    as_of: date
    label: str | None
    findings: int
    new: int
    persisting: int
    resolved: int
    reopened: int
    open_items: int  # 待整改 + 整改中 after this run
    overdue: int  # open items whose due date is before the run's as-of date
    determined: int = 0  # findings an earlier run could not decide (无法判定), not counted as new

    def line(self) -> str:
        """One line for the terminal, in Chinese."""
        return (f"已记入历史库（第 {self.run_id} 次审计，截止 {self.as_of.isoformat()}）：新增 {self.new}，持续 "
                f"{self.persisting}，销项 {self.resolved}，复发 {self.reopened}"
                + (f"，此前无法判定、本次查实 {self.determined}" if self.determined else "")
                + f"；未整改 {self.open_items}（超期 {self.overdue}）")


def record_run(db_path: str | Path, result: AuditResult, *, label: str | None = None,
               exemptions: dict[str, dict] | None = None, actor: str | None = None,
               recorded_at: datetime | None = None,
               on_progress: Callable[[int, int], None] | None = None) -> RunSummary:
    """Record one audit run and update the correction items, all in one transaction.

    `exemptions` (fingerprint -> {"reason", "approver", ...}) defaults to
    `result.metadata["exemptions"]`, which `auditor.exceptions_register.apply_exceptions` fills.
    Runs must be recorded in as-of order (the same as-of date again is fine). `on_progress(done, total)`
    is called after each batch of findings is written (inside the transaction).
    """
    as_of = result.as_of.isoformat()
    if exemptions is None:
        exemptions = dict(result.metadata.get("exemptions") or {})
    stamp = (recorded_at or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = _finding_rows(result)
    meta = result.metadata or {}
    squad_filter = meta.get("squad_filter")
    scope = set(squad_filter) if squad_filter else None
    rule_filter = _rule_filter(result)
    case_filter = meta.get("case_filter")  # --case / --cause: only the cases audited are in scope
    case_scope = _case_scope(result, rows) if case_filter else None
    rule_pack = meta.get("rule_pack") or {}
    profile = meta.get("profile") or {}

    with open_store(db_path) as conn, transaction(conn):
        latest = conn.execute("SELECT MAX(as_of) FROM runs").fetchone()[0]
        if latest is not None and as_of < latest:
            raise ConfigError(
                f"历史库中已有更晚的审计（截止日期 {latest}），不能再记录截止日期为 {as_of} 的审计：请按截止日期顺序记录"
                "（追溯以前日期的临时审计请加 --no-history 或另用一个历史库）",
                file=str(db_path))
        run_id = conn.execute(
            "INSERT INTO runs (label, as_of, recorded_at, tool_version, rule_pack_version, rule_pack_sha256,"
            " profile_name, params_json, squad_filter_json, rule_filter_json, counts_json, n_findings, n_new,"
            " n_persisting, n_resolved, n_reopened) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,0,0,0,0)",
            (label, as_of, stamp, meta.get("tool_version"), rule_pack.get("version"), rule_pack.get("sha256"),
             profile.get("name"), _json(profile.get("params") or {}),
             _json(sorted(squad_filter)) if squad_filter else None,
             _json(sorted(rule_filter)) if rule_filter is not None else None, _json(_counts(result)), len(rows)),
        ).lastrowid
        if case_filter:
            conn.execute("UPDATE runs SET case_filter_json=?, case_scope_json=? WHERE run_id=?",
                         (_json(case_filter), _json(sorted(case_scope)), run_id))
        conn.executemany(
            "INSERT INTO run_inputs (run_id, path, sha256, table_name, rows) VALUES (?,?,?,?,?)",
            [(run_id, str(i.get("path")), i.get("sha256"), i.get("table"), i.get("rows"))
             for i in meta.get("inputs") or []],
        )
        conn.executemany("INSERT INTO run_squads (run_id, squad, cases) VALUES (?,?,?)",
                         [(run_id, s, n) for s, n in sorted(_squad_cases(result, rows).items())])
        undetermined = list(getattr(result, "undetermined", ()) or ())
        effect = apply_run(conn, run_id=run_id, as_of=as_of, rows=rows, scope=scope, exemptions=exemptions,
                           recorded_at=stamp, actor=actor or label or f"run {run_id}", rule_scope=rule_filter,
                           case_scope=case_scope,
                           undetermined=frozenset(u.fingerprint for u in undetermined),
                           unevaluated_rules=_unevaluated_rules(result),
                           was_undetermined=_earlier_undetermined(conn, run_id, rows))
        conn.executemany(
            "INSERT OR IGNORE INTO undetermined (run_id, fingerprint, rule_id, case_id, squad, subject, missing)"
            " VALUES (?,?,?,?,?,?,?)",
            [(run_id, u.fingerprint, u.rule_id, u.case_id, u.squad, u.subject, _json(list(u.missing)))
             for u in undetermined])
        conn.execute("UPDATE runs SET n_undetermined=? WHERE run_id=?", (len(undetermined), run_id))
        write_coverage(conn, run_id, getattr(result, "coverage", None))
        for start in range(0, len(rows), BATCH):
            batch = rows[start:start + BATCH]
            conn.executemany(
                "INSERT INTO findings (run_id, fingerprint, rule_id, case_id, squad, theme, severity, subject,"
                " title_zh, message_zh, correction_due, case_source, lifecycle) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(run_id, r["fingerprint"], r["rule_id"], r["case_id"], r["squad"], r["theme"], r["severity"],
                  r["subject"], r["title_zh"], r["message_zh"], r["due"], r["case_source"],
                  effect.lifecycle[r["fingerprint"]]) for r in batch],
            )
            if on_progress:
                on_progress(start + len(batch), len(rows))
        conn.executemany("INSERT INTO run_resolved (run_id, fingerprint, squad) VALUES (?,?,?)",
                         [(run_id, fp, squad) for fp, squad in effect.resolved])
        counts = effect.counts()
        conn.execute("UPDATE runs SET n_new=?, n_persisting=?, n_resolved=?, n_reopened=?, n_determined=?"
                     " WHERE run_id=?", (counts["new"], counts["persisting"], counts["resolved"], counts["reopened"],
                                         counts["determined"], run_id))
        placeholders = ",".join("?" * len(OPEN_STATUSES))
        open_items, overdue = conn.execute(
            f"SELECT COUNT(*), COALESCE(SUM(due IS NOT NULL AND due < ?), 0) FROM items"
            f" WHERE status IN ({placeholders})", (as_of, *OPEN_STATUSES)).fetchone()
    return RunSummary(run_id=run_id, as_of=result.as_of, label=label, findings=len(rows), new=counts["new"],
                      persisting=counts["persisting"], resolved=counts["resolved"], reopened=counts["reopened"],
                      open_items=open_items, overdue=overdue, determined=counts["determined"])


def list_runs(db_path: str | Path) -> pd.DataFrame:
    """Every recorded run in lifecycle order (as-of date, then run id)."""
    with open_store(db_path, create=False) as conn:
        frame = pd.read_sql_query(
            "SELECT run_id, label, as_of, recorded_at, rule_pack_version, profile_name, squad_filter_json AS"
            " squad_filter, rule_filter_json AS rule_filter, case_filter_json AS case_filter,"
            " n_findings AS findings, n_new AS new,"
            " n_persisting AS persisting, n_resolved AS resolved, n_reopened AS reopened,"
            " n_determined AS determined, n_undetermined AS undetermined"
            " FROM runs ORDER BY as_of, run_id", conn)
    return text_columns(frame, ("label", "rule_pack_version", "profile_name", "squad_filter", "rule_filter",
                                "case_filter"))


def text_columns(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """Missing text as None (not NaN, which is truthy), whatever string dtype pandas inferred."""
    for column in columns:
        frame[column] = pd.Series([v if isinstance(v, str) else None for v in frame[column]], dtype=object,
                                  index=frame.index)
    return frame


def run_exists(conn: sqlite3.Connection, run_id: int) -> bool:
    return conn.execute("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)).fetchone() is not None


def _rule_filter(result: AuditResult) -> set[str] | None:
    """The rules this run was restricted to (None = the whole pack).

    `metadata["rule_filter"]` says so explicitly when present. Without it, `result.rules` (the rules
    that ran) is the scope whenever it is known, so an ad-hoc `--rule X` audit never closes the items
    of other rules."""
    meta = result.metadata or {}
    if "rule_filter" in meta:
        return set(meta["rule_filter"]) if meta["rule_filter"] else None
    ids = {getattr(r, "id", None) for r in result.rules or ()} - {None}
    return ids or None


def _case_scope(result: AuditResult, rows: list[dict]) -> set[str]:
    """The case ids a case-filtered run audited (its case table, and every case it found something in)."""
    cases = result.cases
    scope = {str(c) for c in cases["case_id"].dropna()} if isinstance(cases, pd.DataFrame) and "case_id" in cases \
        else set()
    return scope | {r["case_id"] for r in rows}


def _finding_rows(result: AuditResult) -> list[dict]:
    sources = _case_sources(result)
    rows, seen = [], set()
    for f in result.findings:
        if f.fingerprint in seen:
            raise ValueError(f"duplicate finding fingerprint in one run: {f.fingerprint} ({f.rule_id} {f.case_id})")
        seen.add(f.fingerprint)
        rows.append({
            "fingerprint": f.fingerprint, "rule_id": f.rule_id, "case_id": f.case_id, "squad": f.squad,
            "theme": f.theme, "severity": f.severity, "subject": f.subject or "",
            "title_zh": (f.title or {}).get("zh"), "message_zh": (f.message or {}).get("zh"),
            "due": f.correction_due.isoformat() if f.correction_due else None,
            "case_source": sources.get(f.case_id),
        })
    return rows


def _case_sources(result: AuditResult) -> dict[str, str]:
    cases = result.cases
    if not isinstance(cases, pd.DataFrame) or "case_id" not in cases or "source" not in cases:
        return {}
    return {str(c): s for c, s in zip(cases["case_id"], cases["source"]) if isinstance(s, str) and s}


def _squad_cases(result: AuditResult, rows: list[dict]) -> dict[str, int]:
    cases = result.cases
    if isinstance(cases, pd.DataFrame) and "squad" in cases:
        counts = {str(k): int(v) for k, v in cases["squad"].dropna().value_counts().items()}
    else:
        counts = {}
    for r in rows:  # a squad with findings was audited even if the case table is not attached
        counts.setdefault(r["squad"], 0)
    return counts


def _counts(result: AuditResult) -> dict:
    by_sev = {s: 0 for s in SEVERITIES}
    for f in result.findings:
        by_sev[f.severity] = by_sev.get(f.severity, 0) + 1
    cases = result.cases
    return {"by_severity": by_sev, "warnings": len(result.warnings),
            "cases": int(len(cases)) if isinstance(cases, pd.DataFrame) else None}


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _earlier_undetermined(conn: sqlite3.Connection, run_id: int, rows: list[dict]) -> frozenset:
    """The fingerprints of `rows` that the previous run could not decide: 无法判定 items, and findings
    of rules that read a table its export lacked."""
    prev = conn.execute("SELECT MAX(run_id) FROM runs WHERE run_id < ?", (run_id,)).fetchone()[0]
    if prev is None:
        return frozenset()
    blind = rules_without_tables(conn, prev)
    out = {r["fingerprint"] for r in rows if r["rule_id"] in blind}
    fingerprints = [r["fingerprint"] for r in rows]
    for start in range(0, len(fingerprints), 500):
        chunk = fingerprints[start:start + 500]
        out.update(r[0] for r in conn.execute(
            f"SELECT fingerprint FROM undetermined WHERE run_id = ? AND fingerprint IN ({','.join('?' * len(chunk))})",
            (prev, *chunk)))
    return frozenset(out)


def rules_without_tables(conn: sqlite3.Connection, run_id: int) -> set[str]:
    """The rules that read a table the run's export did not supply (from its stored coverage)."""
    rows = conn.execute("SELECT rules_without FROM run_coverage_tables WHERE run_id = ? AND supplied = 0", (run_id,))
    return {rule for (text,) in rows for rule in json.loads(text)}


def _unevaluated_rules(result: AuditResult) -> frozenset:
    """Recording-scope rules of a run whose export had no recordings table: they judged nothing."""
    coverage = getattr(result, "coverage", None)
    if coverage is None or "recordings" not in coverage.rules_without:
        return frozenset()
    recording_rules = {str(getattr(r, "id", "")) for r in result.rules if getattr(r, "scope", "") == "recording"}
    return frozenset(set(coverage.rules_without["recordings"]) & recording_rules)
