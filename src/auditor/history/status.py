"""Read side of the store: item state at a date, per-squad closure rates (销项率), trends, run diffs.

The state of an item at a date is replayed from its status history (the last event dated on or before
that day), so any past month can be reported as it stood then.
"""

from __future__ import annotations

import calendar
import json
import sqlite3
import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from auditor.errors import ConfigError
from auditor.history.lifecycle import EXEMPT, IN_PROGRESS, OPEN_STATUSES, OPEN_TODO
from auditor.history.transitions import CLOSED_STATUSES
from auditor.history.store import open_store, rules_without_tables, run_exists, text_columns

TOTAL_LABEL = "全区合计"

SQUAD_COLUMNS = [
    "squad", "items", "open", "in_progress", "closed", "exempt", "overdue", "closure_rate",
    "month_opened", "month_closed", "month_closure_rate", "prev_closure_rate", "trend", "month_reopened",
]


def state_at(conn: sqlite3.Connection, day: date) -> pd.DataFrame:
    """One row per item that existed on `day`: fingerprint, squad, severity, rule_id, case_id,
    case_source, first_as_of, title_zh, status and due as they stood at the end of that day."""
    frame = pd.read_sql_query(
        """
        WITH last AS (SELECT MAX(event_id) AS event_id FROM item_events WHERE on_date <= ? GROUP BY fingerprint)
        SELECT i.fingerprint, i.squad, i.severity, i.rule_id, i.case_id, i.subject, i.case_source, i.first_as_of,
               i.title_zh, e.new_status AS status, e.due AS due
        FROM last JOIN item_events e USING (event_id) JOIN items i ON i.fingerprint = e.fingerprint
        ORDER BY i.squad, i.case_id, i.rule_id, i.fingerprint
        """, conn, params=(day.isoformat(),))
    return text_columns(frame, ("case_source", "title_zh", "due", "subject"))


def opened_between(conn: sqlite3.Connection, start: date, end: date, kinds=("opened", "reopened")) -> set[str]:
    """Fingerprints opened or reopened (`kinds`) in (start, end]."""
    marks = ",".join("?" * len(kinds))
    rows = conn.execute(
        f"SELECT DISTINCT fingerprint FROM item_events WHERE kind IN ({marks})"
        " AND on_date > ? AND on_date <= ?", (*kinds, start.isoformat(), end.isoformat()))
    return {r[0] for r in rows}


def latest_as_of(conn: sqlite3.Connection) -> date | None:
    value = conn.execute("SELECT MAX(as_of) FROM runs").fetchone()[0]
    return date.fromisoformat(value) if value else None


def month_bounds(day: date) -> tuple[date, date]:
    """(last day of the previous month, last day of this month)."""
    first = day.replace(day=1)
    return first - timedelta(days=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def squad_figures(conn: sqlite3.Connection, day: date, *, total: bool = False) -> pd.DataFrame:
    """Per-squad figures at `day`; the month is the calendar month of `day`, up to `day`. `total=True`
    appends the district (全区合计) computed the same way over all items."""
    now = state_at(conn, day)
    before_day, _ = month_bounds(day)
    before = state_at(conn, before_day)
    opened = opened_between(conn, before_day, day)
    reopened = opened_between(conn, before_day, day, ("reopened",))
    groups = [(squad, now["squad"] == squad, before["squad"] == squad)
              for squad in sorted(set(now["squad"]) | _audited_squads(conn, day))]
    if total:
        groups.append((TOTAL_LABEL, now["squad"].notna(), before["squad"].notna()))
    out = [_figures(squad, now[m_now], before[m_before], opened, day, reopened) for squad, m_now, m_before in groups]
    return pd.DataFrame(out, columns=SQUAD_COLUMNS)


def _figures(squad: str, mine: pd.DataFrame, prev: pd.DataFrame, opened: set[str], day: date,
             reopened: set[str]) -> dict:
    status = mine["status"]
    is_open = status.isin(OPEN_STATUSES)
    overdue = is_open & mine["due"].notna() & (mine["due"].fillna("9999-12-31") < day.isoformat())
    fps = set(mine["fingerprint"])
    closed_now = set(mine.loc[status.isin(CLOSED_STATUSES), "fingerprint"])  # 已销项 and 已豁免
    prev_status = dict(zip(prev["fingerprint"], prev["status"]))
    month_closed = {fp for fp in closed_now if prev_status.get(fp) not in CLOSED_STATUSES}
    month_opened = opened & fps
    open_before = {fp for fp, st in prev_status.items() if st in OPEN_STATUSES}
    base = ((open_before & fps) | month_opened | month_closed)
    rate = _rate(len(closed_now), len(mine))
    prev_rate = _rate(int(prev["status"].isin(CLOSED_STATUSES).sum()), len(prev))
    return {
        "squad": squad, "items": len(mine), "open": int((status == OPEN_TODO).sum()),
        "in_progress": int((status == IN_PROGRESS).sum()), "closed": len(closed_now),
        "exempt": int((status == EXEMPT).sum()), "overdue": int(overdue.sum()), "closure_rate": rate,
        "month_opened": len(month_opened), "month_closed": len(month_closed),
        "month_closure_rate": _rate(len(month_closed), len(base)), "prev_closure_rate": prev_rate,
        "trend": None if rate is None or prev_rate is None else rate - prev_rate,
        "month_reopened": len(reopened & fps),
    }


def squad_status(db_path: str | Path, as_of: date | None = None, *, total: bool = False) -> pd.DataFrame:
    """Per-squad correction status at `as_of` (default: the latest run's as-of date).

    Columns: squad, items (ever opened), open (待整改), in_progress (整改中), closed (销项: 已销项 and
    已豁免), exempt (of which 已豁免), overdue (open and past due), closure_rate (closed / items), month_opened, month_closed,
    month_closure_rate (closed this month / items open at some time this month), prev_closure_rate (at
    the end of last month), trend (closure_rate - prev_closure_rate) and month_reopened (closed before,
    found again this month: also in month_opened). `total=True` appends a
    district row labelled 全区合计.
    """
    with open_store(db_path, create=False) as conn:
        day = as_of or latest_as_of(conn)
        if day is None:
            return pd.DataFrame(columns=SQUAD_COLUMNS)
        return squad_figures(conn, day, total=total)


def squad_trend(db_path: str | Path) -> pd.DataFrame:
    """Month-over-month figures: one row per (month, squad) at each month's end (or the latest as-of
    date for the current month), from the first recorded run to the last."""
    with open_store(db_path, create=False) as conn:
        first = conn.execute("SELECT MIN(as_of) FROM runs").fetchone()[0]
        last = latest_as_of(conn)
        if first is None:
            return pd.DataFrame(columns=["month", *SQUAD_COLUMNS])
        frames = []
        month = date.fromisoformat(first).replace(day=1)
        while month <= last:
            end = min(month_bounds(month)[1], last)
            frame = squad_figures(conn, end)
            frame.insert(0, "month", month.strftime("%Y-%m"))
            frames.append(frame)
            month = month_bounds(month)[1] + timedelta(days=1)
    with warnings.catch_warnings():  # months whose rates are all None: keep them as they are
        warnings.simplefilter("ignore", FutureWarning)
        return pd.concat(frames, ignore_index=True)


@dataclass
class RunComparison:
    run_a: int
    run_b: int
    by_squad: pd.DataFrame  # squad, new, resolved, persisting, undetermined, determined
    new: list[str] = field(default_factory=list)  # fingerprints found by run_b only
    resolved: list[str] = field(default_factory=list)  # found by run_a only, and run_b could decide them
    persisting: list[str] = field(default_factory=list)
    undetermined: list[str] = field(default_factory=list)  # found by run_a, 无法判定 in run_b: not resolved
    determined: list[str] = field(default_factory=list)  # 无法判定 in run_a, found by run_b: not new


def compare_runs(db_path: str | Path, run_a: int, run_b: int) -> RunComparison:
    """What changed from run A to run B, per squad. Only the squads, rules and cases both runs covered
    are compared (a run restricted to some squads, rules or cases says nothing about the others). A
    finding that the other run could not decide (无法判定: its export lacked the data) is neither new nor
    resolved: it is listed apart, as `undetermined` (found by A, undecided in B) or `determined` (the
    other way)."""
    with open_store(db_path, create=False) as conn:
        for run in (run_a, run_b):
            if not run_exists(conn, run):
                raise ConfigError(f"历史库中没有编号为 {run} 的审计记录（用 auditor history list 查看）",
                                  file=str(db_path))
        a, b = _run_findings(conn, run_a), _run_findings(conn, run_b)
        ua, ub = _run_undetermined(conn, run_a), _run_undetermined(conn, run_b)
        blind_a, blind_b = rules_without_tables(conn, run_a), rules_without_tables(conn, run_b)
        squads = _meet(_scope(conn, run_a, "squad_filter_json"), _scope(conn, run_b, "squad_filter_json"))
        rules = _meet(_scope(conn, run_a, "rule_filter_json"), _scope(conn, run_b, "rule_filter_json"))
        cases = _meet(_scope(conn, run_a, "case_scope_json"), _scope(conn, run_b, "case_scope_json"))
    keep = lambda v: ((squads is None or v[0] in squads) and (rules is None or v[1] in rules)  # noqa: E731
                      and (cases is None or v[2] in cases))
    # a rule that read a table the other run's export lacked judged nothing there (recording rules)
    ua |= {fp for fp, v in b.items() if v[1] in blind_a}
    ub |= {fp for fp, v in a.items() if v[1] in blind_b}
    a = {fp: v[0] for fp, v in a.items() if keep(v)}
    b = {fp: v[0] for fp, v in b.items() if keep(v)}
    undetermined = sorted((set(a) - set(b)) & ub)
    determined = sorted((set(b) - set(a)) & ua)
    new, resolved = sorted(set(b) - set(a) - ua), sorted(set(a) - set(b) - ub)
    persisting = sorted(set(a) & set(b))
    names = ("new", "resolved", "persisting", "undetermined", "determined")
    rows: dict[str, dict] = {}
    for name, fps, squads in (("new", new, b), ("resolved", resolved, a), ("persisting", persisting, b),
                              ("undetermined", undetermined, a), ("determined", determined, b)):
        for fp in fps:
            rows.setdefault(squads[fp], dict.fromkeys(names, 0))[name] += 1
    by_squad = pd.DataFrame([{"squad": s, **rows[s]} for s in sorted(rows)], columns=["squad", *names])
    return RunComparison(run_a, run_b, by_squad, new, resolved, persisting, undetermined, determined)


def _run_findings(conn: sqlite3.Connection, run_id: int) -> dict[str, tuple[str, str, str]]:
    rows = conn.execute("SELECT fingerprint, squad, rule_id, case_id FROM findings WHERE run_id = ?", (run_id,))
    return {fp: (squad, rule, case) for fp, squad, rule, case in rows}


def _run_undetermined(conn: sqlite3.Connection, run_id: int) -> set[str]:
    return {r[0] for r in conn.execute("SELECT fingerprint FROM undetermined WHERE run_id = ?", (run_id,))}


def _scope(conn: sqlite3.Connection, run_id: int, column: str) -> set[str] | None:
    value = conn.execute(f"SELECT {column} FROM runs WHERE run_id = ?", (run_id,)).fetchone()[0]
    return set(json.loads(value)) if value else None


def _meet(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    """What both scopes cover (None = everything)."""
    return b if a is None else a if b is None else a & b


def _audited_squads(conn: sqlite3.Connection, day: date) -> set[str]:
    rows = conn.execute("SELECT DISTINCT s.squad FROM run_squads s JOIN runs r USING (run_id) WHERE r.as_of <= ?",
                        (day.isoformat(),))
    return {r[0] for r in rows}


def _rate(part: int, whole: int) -> float | None:
    return None if not whole else part / whole


ITEM_COLUMNS = ["fingerprint", "squad", "case_id", "rule_id", "severity", "title_zh", "status", "due", "overdue_days",
                "first_as_of", "note"]
NOTE_SOURCES = ("import", "web")  # 备注 come from people (a returned list, the board), not from runs


def list_items(db_path: str | Path, as_of: date | None = None, *, squad: str | None = None,
               status: str | None = None, overdue_only: bool = False) -> pd.DataFrame:
    """The correction items as they stood at `as_of` (default: the latest run), optionally one squad's,
    one status, or only the overdue ones; `overdue_days` counts calendar days past the due date."""
    with open_store(db_path, create=False) as conn:
        day = as_of or latest_as_of(conn)
        if day is None:
            return pd.DataFrame(columns=ITEM_COLUMNS)
        frame = state_at(conn, day)
        notes = _notes_at(conn, day)
    # object dtype: no note stays None (pandas 3 would infer a string column and turn None into NaN)
    frame = frame.assign(note=pd.Series([notes.get(fp) for fp in frame["fingerprint"]], index=frame.index,
                                        dtype=object))
    if squad is not None:
        frame = frame[frame["squad"] == squad]
    if status is not None:
        frame = frame[frame["status"] == status]
    is_open = frame["status"].isin(OPEN_STATUSES)
    frame = frame.assign(overdue_days=[
        (day - date.fromisoformat(d)).days if o and isinstance(d, str) and d < day.isoformat() else 0
        for d, o in zip(frame["due"], is_open)])
    if overdue_only:
        frame = frame[frame["overdue_days"] > 0]
    return frame[ITEM_COLUMNS].reset_index(drop=True)


def _notes_at(conn: sqlite3.Connection, day: date) -> dict[str, str]:
    """Each item's 备注 as it stood at the end of `day`: the last one a person gave on or before it."""
    placeholders = ",".join("?" * len(NOTE_SOURCES))
    rows = conn.execute(
        f"SELECT fingerprint, note FROM item_events WHERE note IS NOT NULL AND note != '' AND source IN ({placeholders})"
        " AND on_date <= ? ORDER BY event_id", (*NOTE_SOURCES, day.isoformat()))
    return dict(rows.fetchall())


def item_history(db_path: str | Path, fingerprint: str) -> pd.DataFrame:
    """Every status change of one item, oldest first (who, when, what, why)."""
    with open_store(db_path, create=False) as conn:
        if conn.execute("SELECT 1 FROM items WHERE fingerprint = ?", (fingerprint,)).fetchone() is None:
            raise ConfigError(f"历史库中没有问题编号 {fingerprint}", file=str(db_path))
        frame = pd.read_sql_query(
            "SELECT event_id, on_date, source, kind, run_id, actor, old_status, new_status, due, note, detail"
            " FROM item_events WHERE fingerprint = ? ORDER BY event_id", conn, params=(fingerprint,))
    return text_columns(frame, ("actor", "old_status", "due", "note", "detail"))
