"""The history store as hostile input: another application's database, a damaged page, hand-edited
values, a full disk (a real, small tmpfs when the test may mount one).

A file that is not an auditor store is refused and left byte for byte as it was (no -wal/-shm either);
damage and tampering are one message naming the file and what to do; a full disk leaves the store as
it was after its last complete run, and the message says the disk is full (it said "cannot rollback").
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from datetime import date

from _history_factory import finding, result


def make_result(as_of: str, rows: list[tuple[str, str, str]]):
    return result(date.fromisoformat(as_of), [finding(r, c, sq) for r, c, sq in rows])


from auditor.errors import ConfigError
from auditor.history.integrity import APPLICATION_ID
from auditor.history.store import list_runs, open_store, record_run

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def side_files(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name != path.name)


def foreign_db(path: Path, app_id: int = 0) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    if app_id:
        conn.execute(f"PRAGMA application_id = {app_id}")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("app_id", [0, 0x0F055112], ids=["no_application_id", "other_application_id"])
def test_another_applications_database_is_refused_and_never_altered(tmp_path, app_id):
    db = foreign_db(tmp_path / "places.sqlite", app_id)
    before = digest(db)
    with pytest.raises(ConfigError) as info:
        record_run(db, make_result("2025-03-31", []))
    assert "不是 auditor 的历史库" in str(info.value) and str(db) in str(info.value) and "未做任何改动" in str(info.value)
    assert digest(db) == before and side_files(db) == []


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    db = tmp_path / "notes.sqlite"
    db.write_bytes("工作笔记\n".encode() * 50)
    before = digest(db)
    with pytest.raises(ConfigError, match="不是 SQLite 数据库"):
        list_runs(db)
    assert digest(db) == before and side_files(db) == []


def test_new_and_old_stores_carry_the_application_id(tmp_path):
    db = tmp_path / "h.sqlite"
    record_run(db, make_result("2025-03-31", []))
    assert int.from_bytes(db.read_bytes()[68:72], "big") == APPLICATION_ID
    with sqlite3.connect(db) as conn:  # a store made before the mark existed
        conn.execute("PRAGMA application_id = 0")
    assert list(list_runs(db)["as_of"]) == ["2025-03-31"]
    assert int.from_bytes(db.read_bytes()[68:72], "big") == APPLICATION_ID


def test_a_damaged_page_names_the_file_and_the_next_step(tmp_path):
    db = tmp_path / "h.sqlite"
    record_run(db, make_result("2025-03-31", [("R1", "C1", "一中队")]))
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    data = bytearray(db.read_bytes())
    for n in range(2, pages):  # every page but the first: the header stays, the tables are garbage
        data[n * page + 8: n * page + 64] = b"\xa5" * 56
    db.write_bytes(bytes(data))
    with pytest.raises(ConfigError) as info:
        with open_store(db) as conn:
            conn.execute("SELECT count(*) FROM items").fetchone()
            conn.execute("SELECT * FROM findings").fetchall()
    message = str(info.value)
    assert str(db) in message and "已损坏" in message and ".recover" in message


@pytest.mark.parametrize("edit, where", [
    ("UPDATE runs SET as_of = '2025-02-30'", "表 runs 第 1 行 as_of = '2025-02-30'"),
    ("UPDATE runs SET params_json = '{broken'", "表 runs 第 1 行 params_json"),
    ("UPDATE items SET due = 'soon'", "items 第 1 行 due = 'soon'"),
    ("UPDATE items SET severity = '致命'", "items 第 1 行 severity = '致命'"),
    ("UPDATE items SET times_reopened = -3", "times_reopened = '-3'"),
    ("UPDATE runs SET case_scope_json = '\"C1\"'", "表 runs 第 1 行 case_scope_json = '\"C1\"'（应为JSON 列表或空）"),
    ("UPDATE runs SET squad_filter_json = '[broken'", "表 runs 第 1 行 squad_filter_json"),
], ids=["impossible_date", "broken_json", "due_not_a_date", "unknown_severity", "negative_count", "case_scope_not_list",
        "squad_scope_broken"])
def test_hand_edited_values_are_named(tmp_path, edit, where):
    db = tmp_path / "h.sqlite"
    record_run(db, make_result("2025-03-31", [("R1", "C1", "一中队")]))
    with sqlite3.connect(db) as conn:
        conn.execute(edit)
    with pytest.raises(ConfigError) as info:
        list_runs(db)
    assert where in str(info.value) and "无法信任" in str(info.value)


def test_cli_refuses_a_foreign_store_without_traceback(tmp_path):
    db = foreign_db(tmp_path / "places.sqlite")
    before = digest(db)
    proc = subprocess.run([sys.executable, "-m", "auditor.cli", "audit", str(FIXTURES / "sample" / "xml"), "--as-of",
                           "2026-11-25", "--history", str(db), "--format", "json", "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("错误: ") and "Traceback" not in proc.stderr and "不是 auditor 的历史库" in proc.stderr
    assert digest(db) == before


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir()
    if os.geteuid() != 0:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True).returncode == 0


def test_a_full_disk_keeps_the_last_complete_run(tmp_path):
    """A real full filesystem when a tmpfs can be mounted; else SQLite's own limit on the file size
    (max_page_count), which fails the write with the same SQLITE_FULL a full disk gives."""
    disk = tmp_path / "disk"
    mounted = _mount_tmpfs(disk, "1m")
    try:
        db = disk / "h.sqlite"
        record_run(db, make_result("2025-03-31", [("R1", "C1", "一中队")]))
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            if not mounted:
                pages = conn.execute("PRAGMA page_count").fetchone()[0]
        big = [(f"R{i % 7}", f"C{i}", "一中队") for i in range(20_000)]
        if mounted:
            filler = disk / "filler"
            fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
            try:
                while True:
                    os.write(fd, b"\0" * 4096)
            except OSError:
                pass
            finally:
                os.close(fd)
            os.truncate(filler, max(0, filler.stat().st_size - 64 * 1024))
            with pytest.raises(ConfigError) as info:
                record_run(db, make_result("2025-04-30", big))
        else:
            import auditor.history.store as store

            real = store.connect

            def capped(path, **kw):
                conn = real(path, **kw)
                conn.execute(f"PRAGMA max_page_count = {pages + 2}")
                return conn
            store.connect = capped
            try:
                with pytest.raises(ConfigError) as info:
                    record_run(db, make_result("2025-04-30", big))
            finally:
                store.connect = real
        assert "磁盘空间不足" in str(info.value) and "cannot rollback" not in str(info.value)
        assert str(db) in str(info.value)
        if mounted:
            os.unlink(disk / "filler")
        assert list(list_runs(db)["as_of"]) == ["2025-03-31"]
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(disk)], check=True)
