"""Crash safety and concurrent writers: a run killed mid-write leaves the store as it was; two
processes recording at once both succeed."""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from _history_factory import finding, result
from auditor.history import list_runs, record_run
from auditor.history.migrations import MIGRATIONS

TESTS = Path(__file__).resolve().parents[1]
SRC = TESTS.parent / "src"


def _spawn(code: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), str(SRC)]))
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)


def _reap(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=30)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        stream.close()


def _read_line(proc: subprocess.Popen, timeout: float = 60) -> str:
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "child did not report in time: " + (proc.stderr.read() if proc.poll() is not None else "")
    return proc.stdout.readline().strip()


def _snapshot(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
                for t in ("runs", "findings", "items", "item_events", "run_resolved", "run_squads", "run_inputs")}
    finally:
        conn.close()


def _integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def test_run_killed_mid_write_leaves_store_unchanged_and_usable(tmp_path):
    db = tmp_path / "h.sqlite"
    first = record_run(db, result(date(2025, 4, 30), [finding("R001", "C1", "甲中队"), finding("R002", "C2", "甲中队")]))
    before = _snapshot(db)
    child = _spawn(f"""
        import sys, time
        from datetime import date
        from _history_factory import many_findings, result
        from auditor.history import record_run

        def progress(done, total):
            if done >= total // 2:
                print("HALF", done, total, flush=True)
                time.sleep(120)  # hold the transaction open until the parent kills us

        record_run({str(db)!r}, result(date(2025, 5, 31), many_findings(20000, squad="甲中队")),
                   on_progress=progress)
        print("FINISHED", flush=True)
    """)
    try:
        line = _read_line(child)
        assert line.startswith("HALF"), line
        done, total = map(int, line.split()[1:])
        assert 0 < done < total == 20000
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        _reap(child)
    assert _integrity(db) == "ok"
    assert _snapshot(db) == before  # nothing of the killed run, and the old items untouched
    after = record_run(db, result(date(2025, 5, 31), [finding("R001", "C1", "甲中队")]))
    assert after.run_id == first.run_id + 1
    assert (after.persisting, after.resolved, after.new) == (1, 1, 0)
    assert list_runs(db)["run_id"].tolist() == [1, 2]


WRITER = """
    import sys, time
    from datetime import date
    from _history_factory import many_findings, result
    from auditor.history import record_run

    squad, hold = {squad!r}, {hold!r}

    def progress(done, total):
        if hold and done <= 1000:
            print("HOLDING", flush=True)  # inside the write transaction
            time.sleep(hold)

    print("READY", flush=True)
    sys.stdin.readline()
    summary = record_run({db!r}, result(date(2025, 5, 31), many_findings(3000, squad=squad, prefix=squad),
                         squad_filter=[squad]), label=squad, on_progress=progress)
    print("DONE", summary.run_id, summary.new, flush=True)
"""


def _go(proc: subprocess.Popen) -> None:
    proc.stdin.write("go\n")
    proc.stdin.flush()


@pytest.mark.parametrize("mode", ["race", "held"])
def test_two_concurrent_writers_both_succeed(tmp_path, mode):
    """race: both start at once on a store that does not exist yet (creation and migration race);
    held: the second starts while the first holds the write lock, and must wait, not fail."""
    db = tmp_path / "fresh.sqlite"
    holds = {"race": (0, 0), "held": (1.5, 0)}[mode]
    children = [_spawn(textwrap.dedent(WRITER).format(squad=squad, hold=hold, db=str(db)))
                for squad, hold in zip(("甲中队", "乙中队"), holds)]
    try:
        for proc in children:
            assert _read_line(proc) == "READY"
        if mode == "race":
            for proc in children:  # release both at once
                _go(proc)
        else:
            _go(children[0])
            assert _read_line(children[0]) == "HOLDING"
            _go(children[1])
        outputs = [_read_line(proc, timeout=120) for proc in children]
        for proc in children:
            assert proc.wait(timeout=60) == 0, proc.stderr.read()
    finally:
        for proc in children:
            _reap(proc)
    run_ids = [int(o.split()[1]) for o in outputs]
    assert sorted(run_ids) == [1, 2]
    if mode == "held":
        assert run_ids == [1, 2]  # the second writer waited for the first to commit
    assert all(o.split()[0] == "DONE" and o.split()[2] == "3000" for o in outputs)
    assert _integrity(db) == "ok"
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT squad) FROM items").fetchone() == (6000, 2)
    assert conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == 6000
    # Each item opened exactly once; neither run resolved the other squad's items.
    assert conn.execute("SELECT COUNT(*) FROM item_events WHERE kind = 'opened'").fetchone()[0] == 6000
    assert conn.execute("SELECT COUNT(*) FROM run_resolved").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)
    conn.close()


def test_a_store_locked_past_the_timeout_is_a_message(tmp_path, monkeypatch):
    from auditor.errors import ConfigError
    from auditor.history import store

    db = tmp_path / "h.sqlite"
    record_run(db, result(date(2025, 4, 30), [finding("R001", "C1", "甲中队")]))
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 200)
    try:
        with pytest.raises(ConfigError, match="秒内仍被其他进程占用") as info:
            record_run(db, result(date(2025, 5, 31), []))
        assert info.value.file == str(db)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert list_runs(db)["run_id"].tolist() == [1]
