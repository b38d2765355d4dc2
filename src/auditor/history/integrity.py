"""Is this file an `auditor` history store, intact, with values the code can trust?

Checked when the store is opened, before anything is written:
- identity: the SQLite header's application_id is ours (set when a store is created, and on the first
  open of a store made before the mark existed, recognised by its own `schema_migrations`). Another
  application's database, or any file that is not SQLite, is refused and never altered: the check
  reads the header bytes and then the schema through a read-only, immutable connection, which takes
  no lock and creates no -wal or -shm file;
- values: the columns every report and status computation relies on (dates, JSON, statuses,
  counts) hold what the code writes; a hand-edited value is reported with its table, row and column
  instead of surfacing later as a traceback;
- damage: SQLite's "malformed"/"not a database" errors become one message naming the file and the
  next step (restore a backup, or `.recover`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from auditor.errors import ConfigError

APPLICATION_ID = 0x41554454  # "AUDT" in the SQLite header (offset 68)
_SQLITE_MAGIC = b"SQLite format 3\x00"
_APP_ID_OFFSET = 68
_PREVIEW = 60

RECOVER_HINT = ("请从备份恢复该文件；没有备份时可用 sqlite3 命令行工具的 .recover 导出可读部分后另存为新库，"
                "或改用新的历史库路径（--history）重新开始记录")


def check_identity(path: Path) -> bool:
    """True when `path` holds an auditor store; False when it is empty or a SQLite database without any
    table (safe to make into one). Raises ConfigError, touching nothing, for anything else."""
    try:
        with open(path, "rb") as f:
            header = f.read(100)
    except OSError as exc:
        raise ConfigError(f"无法读取历史库: {exc.strerror}", file=str(path)) from None
    if not header:
        return False
    if not header.startswith(_SQLITE_MAGIC) or len(header) < 100:
        raise ConfigError("不是有效的历史库（不是 auditor 的历史库）: 该文件不是 SQLite 数据库，未做任何改动。" + _CHOOSE_OTHER, file=str(path))
    app_id = int.from_bytes(header[_APP_ID_OFFSET:_APP_ID_OFFSET + 4], "big")
    if app_id == APPLICATION_ID:
        return True
    if app_id != 0:
        raise ConfigError(f"不是有效的历史库（不是 auditor 的历史库）: 这是其他程序的 SQLite 数据库（application_id {app_id:#x}），"
                          "未做任何改动。" + _CHOOSE_OTHER, file=str(path))
    tables = _table_names(path)
    if not tables:
        return False
    if "schema_migrations" in tables and _our_first_migration(path):
        return True  # a store made before the application_id existed: marked on this open
    shown = "、".join(sorted(tables)[:5])
    raise ConfigError(f"不是有效的历史库（不是 auditor 的历史库）: 这是其他程序的 SQLite 数据库（表 {shown}），未做任何改动。"
                      + _CHOOSE_OTHER, file=str(path))


_CHOOSE_OTHER = "请用 --history 指定 auditor 自己的历史库，或一个尚不存在的文件"


def mark(conn: sqlite3.Connection) -> None:
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _readonly(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True)


def _table_names(path: Path) -> set[str]:
    try:
        conn = _readonly(path)
        try:
            return {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise damaged(path, exc) from None


def _our_first_migration(path: Path) -> bool:
    from auditor.history.migrations import MIGRATIONS

    conn = _readonly(path)
    try:
        row = conn.execute("SELECT 1 FROM schema_migrations WHERE name = ?", (MIGRATIONS[0][0],)).fetchone()
        return row is not None
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def damaged(path: Path | str, exc: BaseException) -> ConfigError:
    """The message for a store SQLite cannot read: which file, what SQLite said, what to do."""
    return ConfigError(f"历史库已损坏，无法读取（SQLite: {exc}）。{RECOVER_HINT}", file=str(path))


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return type(exc) is sqlite3.DatabaseError or "malformed" in text or "not a database" in text


def is_disk_full(exc: sqlite3.DatabaseError) -> bool:
    return "disk is full" in str(exc).lower() or "disk i/o error" in str(exc).lower()


# (table, column, SQL that is true for a bad value, what the value should be)
# date(x, '+0 days') normalises an impossible day (2025-02-30 -> 2025-03-02): a real date is unchanged
_DATE = "({c} IS NOT NULL AND (date({c}, '+0 days') IS NULL OR date({c}, '+0 days') != {c}))"
_CHECKS: tuple[tuple[str, str, str, str], ...] = (
    ("runs", "as_of", "date(as_of, '+0 days') IS NULL OR date(as_of, '+0 days') != as_of", "YYYY-MM-DD 日期"),
    ("runs", "params_json", "NOT json_valid(params_json)", "JSON"),
    ("runs", "counts_json", "NOT json_valid(counts_json)", "JSON"),
    ("runs", "n_findings", "typeof(n_findings) != 'integer' OR n_findings < 0", "非负整数"),
    # a partial run's scope decides which items it may close: a hand-edited scope must not be guessed at
    ("runs", "squad_filter_json", "squad_filter_json IS NOT NULL AND (NOT json_valid(squad_filter_json)"
     " OR json_type(squad_filter_json) != 'array')", "JSON 列表或空"),
    ("runs", "rule_filter_json", "rule_filter_json IS NOT NULL AND (NOT json_valid(rule_filter_json)"
     " OR json_type(rule_filter_json) != 'array')", "JSON 列表或空"),
    ("runs", "case_scope_json", "case_scope_json IS NOT NULL AND (NOT json_valid(case_scope_json)"
     " OR json_type(case_scope_json) != 'array')", "JSON 列表或空"),
    ("runs", "case_filter_json", "case_filter_json IS NOT NULL AND (NOT json_valid(case_filter_json)"
     " OR json_type(case_filter_json) != 'object')", "JSON 对象或空"),
    ("items", "first_as_of", _DATE.format(c="first_as_of"), "YYYY-MM-DD 日期"),
    ("items", "last_as_of", _DATE.format(c="last_as_of"), "YYYY-MM-DD 日期"),
    ("items", "due", _DATE.format(c="due"), "YYYY-MM-DD 日期或空"),
    ("items", "severity", "severity NOT IN ('严重', '一般', '提示')", "严重、一般或提示"),
    ("items", "times_reopened", "typeof(times_reopened) != 'integer' OR times_reopened < 0", "非负整数"),
    ("run_coverage_tables", "rules_without", "NOT json_valid(rules_without) OR json_type(rules_without) != 'array'",
     "JSON 列表"),
)


def check_values(conn: sqlite3.Connection, path: Path | str) -> None:
    """Refuse a store whose trusted columns were edited by hand (the first bad value is named)."""
    for table, column, bad, should in _CHECKS:
        try:
            row = conn.execute(f"SELECT rowid, {column} FROM {table} WHERE {bad} LIMIT 1").fetchone()
        except sqlite3.OperationalError:
            continue  # a column a later migration renamed: not this check's business
        if row is not None:
            value = str(row[1])
            value = value if len(value) <= _PREVIEW else value[:_PREVIEW] + "…"
            raise ConfigError(f"历史库中的值被改动过，无法信任: 表 {table} 第 {row[0]} 行 {column} = {value!r}"
                              f"（应为{should}）。请从备份恢复该文件，或用 --history 指定新的历史库", file=str(path))
