"""Audits started from the board: an export folder under the configured root, an as-of date, run in a
background thread and recorded in the history store; progress is kept in `audit_jobs`.

One audit at a time (the machine is an office PC, and runs must be recorded in as-of order anyway).
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

from auditor.errors import AuditorError
from auditor.history.store import open_store, transaction
from auditor.serve.accounts import now_utc, stamp


class JobRunner:
    def __init__(self, config):
        self.config = config
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.live: dict[int, str] = {}  # job id -> progress while the store is locked by the run

    def mark_interrupted(self) -> None:
        """Jobs left queued or running by a previous server process can never finish: say so."""
        with open_store(self.config.db_path, create=False) as conn:
            conn.execute("UPDATE audit_jobs SET state = 'failed', progress = '中断', message = ?, finished_at = ?"
                         " WHERE state IN ('queued', 'running')",
                         ("服务在审计完成前停止，本次审计未记入历史库（记录要么完整写入，要么完全不写）", stamp(now_utc())))

    def export_choices(self) -> list[str]:
        """Subfolders of the export root (one level): what a supervisor may choose."""
        root = self.config.exports_root
        if root is None or not root.is_dir():
            return []
        return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.is_symlink()
                      and not p.name.startswith("."))

    def resolve(self, name: str) -> Path | None:
        """The chosen folder, only if it is one of `export_choices` (no path from the form is trusted)."""
        return self.config.exports_root / name if name in self.export_choices() else None

    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, conn, user_name: str, folder: str, as_of: date) -> int:
        path = self.resolve(folder)
        if path is None:
            raise AuditorError(f"导出目录 {folder!r} 不在可选范围内")
        with self._lock:
            if self.busy():
                raise AuditorError("已有一次审计正在进行，请等它完成后再开始")
            with transaction(conn):
                job_id = conn.execute(
                    "INSERT INTO audit_jobs (started_by, export_path, as_of, state, progress, created_at)"
                    " VALUES (?,?,?,?,?,?)",
                    (user_name, str(path), as_of.isoformat(), "queued", "排队中", stamp(now_utc()))).lastrowid
            self._thread = threading.Thread(target=self._run, args=(job_id, path, as_of, user_name),
                                            name=f"audit-job-{job_id}", daemon=True)
            self._thread.start()
        return job_id

    def _update(self, job_id: int, **values) -> None:
        columns = ", ".join(f"{k} = ?" for k in values)
        with open_store(self.config.db_path, create=False) as conn:
            conn.execute(f"UPDATE audit_jobs SET {columns} WHERE job_id = ?", (*values.values(), job_id))

    def _run(self, job_id: int, path: Path, as_of: date, user_name: str) -> None:
        try:  # everything inside: a job must end as done or failed, never stay "running"
            from auditor.api import AuditConfig, run_audit
            from auditor.history.store import record_run

            self._update(job_id, state="running", progress="读取导出并审计全部案件…")
            result = run_audit(AuditConfig(exports=(path,), as_of=as_of, rules=self.config.rules,
                                           profile=self.config.profile))
            total = len(result.findings)
            self._update(job_id, progress=f"审计完成（{total} 条问题），写入历史库…")

            def on_progress(done: int, of: int) -> None:
                # Called inside record_run's write transaction: kept in memory, never written to the store.
                self.live[job_id] = f"写入历史库 {done}/{of}"

            summary = record_run(self.config.db_path, result, label=f"网页审计 {path.name}", actor=user_name,
                                 on_progress=on_progress)
            self.live.pop(job_id, None)
            self._update(job_id, state="done", progress="完成", message=summary.line(), run_id=summary.run_id,
                         finished_at=stamp(now_utc()))
        except AuditorError as exc:
            self._update(job_id, state="failed", progress="失败", message=str(exc), finished_at=stamp(now_utc()))
        except Exception as exc:  # noqa: BLE001 - a background thread must report, not die silently
            self._update(job_id, state="failed", progress="失败", message=f"内部错误: {type(exc).__name__}: {exc}",
                         finished_at=stamp(now_utc()))

    def recent(self, conn, limit: int = 5) -> list[dict]:
        keys = ("job_id", "started_by", "export_path", "as_of", "state", "progress", "message", "run_id",
                "created_at", "finished_at")
        rows = conn.execute(f"SELECT {', '.join(keys)} FROM audit_jobs ORDER BY job_id DESC LIMIT ?", (limit,))
        jobs = [dict(zip(keys, r)) for r in rows]
        for job in jobs:
            if job["state"] == "running" and job["job_id"] in self.live:
                job["progress"] = self.live[job["job_id"]]
        return jobs

    def get(self, conn, job_id: int) -> dict | None:
        return next((j for j in self.recent(conn, 1000) if j["job_id"] == job_id), None)
