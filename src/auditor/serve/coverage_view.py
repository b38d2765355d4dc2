"""A run's data coverage as the board shows it, cut to what the user may see.

Supervisors and leaders see the district figures and every squad's; a squad user sees which tables and
columns the export had (a fact about the export, not about any squad) but filled counts and 无法判定
counts of its own squad only, never the district totals.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import defaultdict

from auditor.coverage import coverage_line, table_label
from auditor.history.coverage_store import read_coverage, undetermined_counts
from auditor.serve.accounts import SQUAD, User

_SUFFIX_WORDS = ("街道", "镇", "乡", "综合", "行政", "中队", "大队", "执法")
EMPTY_MEANS_ZH = {"not_done": "未发生", "unrecorded": "未记载"}


def _rate(filled: int, rows: int) -> float | None:
    return filled / rows if rows else None


def run_coverage(conn: sqlite3.Connection, run_id: int, user: User, rule_titles=None) -> dict | None:
    """What the run page shows under 数据覆盖; None when the run was recorded without its coverage.
    `rule_titles(rule_id)` names a rule (None when unknown)."""
    district = user.role != SQUAD
    own = None if district else [user.squad]
    coverage = read_coverage(conn, run_id, squads=own)
    if coverage is None:
        return None
    counts = undetermined_counts(conn, run_id, squads=own)
    squads = sorted(s for s in set(coverage.by_squad["squad"]) if user.sees_squad(s))
    cells = {(s, t, f): (r, n) for s, t, f, r, n in
             coverage.by_squad[["squad", "table", "field", "rows", "filled"]].itertuples(index=False, name=None)}
    tables = []
    for name, tc in coverage.tables.items():
        squad_rows = {s: max((cells.get((s, name, c.name), (0, 0))[0] for c in tc.columns), default=0)
                      for s in squads}
        columns = []
        for c in tc.columns:
            per_squad = [cells.get((s, name, c.name)) for s in squads]
            columns.append({
                "name": c.name, "zh": c.zh, "supplied": c.supplied, "empty_means": EMPTY_MEANS_ZH.get(c.empty_means, ""),
                "filled": c.filled if district else None, "rate": _rate(c.filled, tc.rows) if district else None,
                "squads": [None if v is None else {"filled": v[1], "rows": v[0], "rate": _rate(v[1], v[0])}
                           for v in per_squad],
            })
        tables.append({
            "table": name, "label": table_label(name), "supplied": tc.supplied,
            "rows": tc.rows if district else sum(squad_rows.values()),
            "missing": [c.zh for c in tc.columns if tc.supplied and not c.supplied],
            "rules_without": len(coverage.rules_without.get(name, ())), "columns": columns,
        })
    by_rule: dict[str, dict] = defaultdict(lambda: {"total": 0, "squads": {}})
    for c in counts:
        by_rule[c.rule_id]["total"] += c.count
        by_rule[c.rule_id]["squads"][c.squad] = c.count
    rules = [{"rule_id": r, "title": rule_titles(r) if rule_titles else None, **v}
             for r, v in sorted(by_rule.items(), key=lambda kv: (-kv[1]["total"], kv[0]))]
    undetermined = sum(c.count for c in counts)
    return {"line": _line(coverage, undetermined, district), "district": district, "squads": squads,
            "short": short_names(squads),
            "tables": tables, "rules": rules, "undetermined": undetermined}


def short_names(squads: list[str]) -> dict[str, str]:
    """Column headings for many squads: the part before the suffix all their names share (临汾路 for
    临汾路街道综合行政执法队); the page keeps the full name in the heading's title."""
    named = [s for s in squads if not s.startswith("（")]
    if len(named) < 2:
        return {s: s for s in squads}
    suffix = named[0]
    for name in named[1:]:
        while suffix and not name.endswith(suffix):
            suffix = suffix[1:]
    # Cut at a word of the names (临汾路|街道…, not 临汾|路街道… when every name ends in 路街道…).
    while suffix and not suffix.startswith(_SUFFIX_WORDS):
        suffix = suffix[1:]
    if any(len(name) == len(suffix) for name in named):
        return {s: s for s in squads}
    return {s: (s[:len(s) - len(suffix)] if s in named and suffix else s) for s in squads}


_LINES: dict[tuple, dict | None] = {}
_LINES_LOCK = threading.Lock()


def latest_line(conn: sqlite3.Connection, user: User) -> dict | None:
    """The one-line coverage of the latest run for the board: {run_id, as_of, line}; None without runs
    or when the latest run was recorded without its coverage. A recorded run's coverage never changes,
    so the line is kept per store, run and squad (the board is the most requested page)."""
    row = conn.execute("SELECT run_id, as_of, recorded_at FROM runs ORDER BY as_of DESC, run_id DESC LIMIT 1"
                       ).fetchone()
    if row is None:
        return None
    run_id, as_of, recorded_at = row
    own = None if user.role != SQUAD else [user.squad]
    key = (conn.execute("PRAGMA database_list").fetchone()[2], run_id, recorded_at, user.squad if own else None)
    with _LINES_LOCK:
        if key in _LINES:
            return _LINES[key]
    coverage = read_coverage(conn, run_id, squads=[])  # the line needs no per-squad filled counts
    value = None
    if coverage is not None:
        undetermined = sum(c.count for c in undetermined_counts(conn, run_id, squads=own))
        value = {"run_id": run_id, "as_of": as_of, "line": _line(coverage, undetermined, own is None)}
    with _LINES_LOCK:
        if len(_LINES) > 256:
            _LINES.clear()
        _LINES[key] = value
    return value


def _line(coverage, undetermined: int, district: bool) -> str:
    """The report's one-line statement; for a squad user the 无法判定 count is its own squad's, and
    the line says so."""
    line = coverage_line(coverage, undetermined)
    return line if district else line.replace("；无法判定 ", "；本中队无法判定 ", 1)
