"""The data coverage of each recorded run, written into the history store and read back.

`record_run` writes the run's `Coverage` (which tables and columns the export supplied, filled counts
overall and per squad, the rules that read a missing table) in its own transaction; `read_coverage`
rebuilds the same `Coverage`, limited to some squads when asked. The 无法判定 counts per rule and
squad are not copied: they are counted from the run's `undetermined` rows, which the store keeps
item by item anyway.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from auditor.coverage import ColumnCoverage, Coverage, TableCoverage

SQUAD_COLUMNS = ["squad", "table", "field", "rows", "filled"]


def write_coverage(conn: sqlite3.Connection, run_id: int, coverage: Coverage | None) -> None:
    """Store `coverage` for `run_id` (inside the caller's transaction). A run without a measured
    coverage (a result built by hand) stays marked as not recorded."""
    if coverage is None:
        return
    conn.executemany(
        "INSERT INTO run_coverage_tables (run_id, table_name, position, supplied, rows, rules_without)"
        " VALUES (?,?,?,?,?,?)",
        [(run_id, t, pos, int(tc.supplied), int(tc.rows), json.dumps(list(coverage.rules_without.get(t, ())),
                                                                         ensure_ascii=False))
         for pos, (t, tc) in enumerate(coverage.tables.items())])
    conn.executemany(
        "INSERT INTO run_coverage_columns (run_id, table_name, field, position, label_zh, supplied, filled,"
        " empty_means) VALUES (?,?,?,?,?,?,?,?)",
        [(run_id, t, c.name, pos, c.zh, int(c.supplied), int(c.filled), c.empty_means)
         for t, tc in coverage.tables.items() for pos, c in enumerate(tc.columns)])
    frame = coverage.by_squad
    if frame is not None and len(frame):
        conn.executemany(
            "INSERT INTO run_coverage_squads (run_id, squad, table_name, field, rows, filled) VALUES (?,?,?,?,?,?)",
            [(run_id, str(s), str(t), str(f), int(r), int(n)) for s, t, f, r, n in
             frame[SQUAD_COLUMNS].itertuples(index=False, name=None)])
    conn.execute("UPDATE runs SET coverage_recorded = 1 WHERE run_id = ?", (run_id,))


def coverage_recorded(conn: sqlite3.Connection, run_id: int) -> bool:
    row = conn.execute("SELECT coverage_recorded FROM runs WHERE run_id = ?", (run_id,)).fetchone()
    return bool(row and row[0])


def read_coverage(conn: sqlite3.Connection, run_id: int, squads: Iterable[str] | None = None) -> Coverage | None:
    """The coverage stored for `run_id` (None when the run was recorded without one). With `squads`,
    the per-squad figures are limited to those squads (none for an empty list); the district-wide
    figures are left as stored, and callers that must not show them read `by_squad` only."""
    if not coverage_recorded(conn, run_id):
        return None
    columns: dict[str, list[ColumnCoverage]] = {}
    for table, name, zh, supplied, filled, empty_means in conn.execute(
            "SELECT table_name, field, label_zh, supplied, filled, empty_means FROM run_coverage_columns"
            " WHERE run_id = ? ORDER BY table_name, position", (run_id,)):
        columns.setdefault(table, []).append(ColumnCoverage(name, zh, bool(supplied), filled, empty_means))
    tables, rules_without = {}, {}
    for table, supplied, rows, without in conn.execute(
            "SELECT table_name, supplied, rows, rules_without FROM run_coverage_tables WHERE run_id = ?"
            " ORDER BY position", (run_id,)):
        tables[table] = TableCoverage(table, bool(supplied), rows, tuple(columns.get(table, ())))
        ids = tuple(json.loads(without))
        if ids:
            rules_without[table] = ids
    wanted = None if squads is None else sorted(set(squads))
    only = "" if wanted is None else f" AND squad IN ({','.join('?' * len(wanted))})"
    rows = [] if wanted == [] else conn.execute(
        f"SELECT squad, table_name, field, rows, filled FROM run_coverage_squads WHERE run_id = ?{only}"
        " ORDER BY squad, table_name, field", (run_id, *(wanted or ()))).fetchall()
    by_squad = pd.DataFrame(rows, columns=SQUAD_COLUMNS)
    by_squad[["rows", "filled"]] = by_squad[["rows", "filled"]].astype("int64")
    return Coverage(tables, by_squad, rules_without)


@dataclass(frozen=True)
class UndeterminedCount:
    rule_id: str
    squad: str
    count: int


def undetermined_counts(conn: sqlite3.Connection, run_id: int,
                        squads: Iterable[str] | None = None) -> list[UndeterminedCount]:
    """The run's 无法判定 items counted per rule and squad (only `squads` when given)."""
    wanted = None if squads is None else set(squads)
    return [UndeterminedCount(rule, squad, n) for rule, squad, n in conn.execute(
        "SELECT rule_id, squad, COUNT(*) FROM undetermined WHERE run_id = ? GROUP BY rule_id, squad"
        " ORDER BY rule_id, squad", (run_id,)) if wanted is None or squad in wanted]
