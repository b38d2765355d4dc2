"""The board's per-squad figures, computed from the current items instead of replaying the history.

`auditor.history.status.squad_figures` replays every item's history to the day asked for, in pandas;
the board asks for today over and over. When no event is dated after the board's day, the state at
that day is exactly the `items` table (every writer updates the item with its event), so only the
state at the end of last month needs the replay, and that is cached until an event dated on or before
it (or a run) appears. Anything else falls back to `squad_figures`. tests/serve/test_serve_figures.py checks
that both give the same rows.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import date

from auditor.history.status import TOTAL_LABEL, month_bounds, squad_figures
from auditor.history.transitions import CLOSED_STATUSES, EXEMPT, IN_PROGRESS, OPEN_STATUSES, OPEN_TODO

_LOCK = threading.Lock()
_PREV_CACHE: dict[tuple, dict[str, tuple[str, str]]] = {}


def board_figures(conn: sqlite3.Connection, day: date) -> list[dict]:
    """The rows of `squad_figures(conn, day, total=True)`, as dicts."""
    latest = conn.execute("SELECT MAX(on_date) FROM item_events").fetchone()[0]
    if latest is not None and latest > day.isoformat():
        return squad_figures(conn, day, total=True).to_dict("records")
    before_day, _ = month_bounds(day)
    prev = _state_before(conn, before_day)  # fingerprint -> (squad, status) at the end of last month
    now = {fp: (squad, status, due) for fp, squad, status, due in
           conn.execute("SELECT fingerprint, squad, status, due FROM items")}
    opened, reopened = set(), set()
    for fp, kind in conn.execute(
            "SELECT DISTINCT fingerprint, kind FROM item_events WHERE kind IN ('opened', 'reopened') AND on_date > ?"
            " AND on_date <= ?", (before_day.isoformat(), day.isoformat())):
        opened.add(fp)
        if kind == "reopened":
            reopened.add(fp)
    audited = {r[0] for r in conn.execute(
        "SELECT DISTINCT s.squad FROM run_squads s JOIN runs r USING (run_id) WHERE r.as_of <= ?",
        (day.isoformat(),))}
    rows = []
    for squad in sorted({v[0] for v in now.values()} | audited):
        mine = {fp: v for fp, v in now.items() if v[0] == squad}
        before = {fp: v[1] for fp, v in prev.items() if v[0] == squad}
        rows.append(_figures(squad, mine, before, opened, day, reopened))
    rows.append(_figures(TOTAL_LABEL, now, {fp: v[1] for fp, v in prev.items()}, opened, day, reopened))
    return rows


def _state_before(conn: sqlite3.Connection, day: date) -> dict[str, tuple[str, str]]:
    key = (conn.execute("PRAGMA database_list").fetchone()[2], day, *conn.execute(
        "SELECT (SELECT MAX(event_id) FROM item_events WHERE on_date <= ?), (SELECT MAX(run_id) FROM runs)",
        (day.isoformat(),)).fetchone())
    with _LOCK:
        if key in _PREV_CACHE:
            return _PREV_CACHE[key]
    state = {fp: (squad, status) for fp, squad, status in conn.execute(
        """
        WITH last AS (SELECT MAX(event_id) AS event_id FROM item_events WHERE on_date <= ? GROUP BY fingerprint)
        SELECT e.fingerprint, i.squad, e.new_status
        FROM last JOIN item_events e USING (event_id) JOIN items i ON i.fingerprint = e.fingerprint
        """, (day.isoformat(),))}
    with _LOCK:
        _PREV_CACHE.clear()
        _PREV_CACHE[key] = state
    return state


def _figures(squad: str, mine: dict, prev_status: dict[str, str], opened: set[str], day: date,
             reopened: set[str]) -> dict:
    """The same figures as `auditor.history.status._figures`, over plain dicts."""
    today = day.isoformat()
    statuses = [v[1] for v in mine.values()]
    overdue = sum(1 for _, status, due in mine.values() if status in OPEN_STATUSES and due and due < today)
    fps = set(mine)
    closed_now = {fp for fp, v in mine.items() if v[1] in CLOSED_STATUSES}  # 已销项 and 已豁免 (transitions)
    month_closed = {fp for fp in closed_now if prev_status.get(fp) not in CLOSED_STATUSES}
    month_opened = opened & fps
    open_before = {fp for fp, st in prev_status.items() if st in OPEN_STATUSES}
    base = (open_before & fps) | month_opened | month_closed
    rate = _rate(len(closed_now), len(mine))
    prev_rate = _rate(sum(1 for st in prev_status.values() if st in CLOSED_STATUSES), len(prev_status))
    return {
        "squad": squad, "items": len(mine), "open": statuses.count(OPEN_TODO),
        "in_progress": statuses.count(IN_PROGRESS), "closed": len(closed_now), "exempt": statuses.count(EXEMPT),
        "overdue": overdue, "closure_rate": rate, "month_opened": len(month_opened),
        "month_closed": len(month_closed), "month_closure_rate": _rate(len(month_closed), len(base)),
        "prev_closure_rate": prev_rate, "trend": None if rate is None or prev_rate is None else rate - prev_rate,
        "month_reopened": len(reopened & fps),
    }


def _rate(part: int, whole: int) -> float | None:
    return None if not whole else part / whole
