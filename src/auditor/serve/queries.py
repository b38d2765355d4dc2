"""Read side of the board: what each page shows, always limited to the squads the user may see.

The board's day is today, or the latest run's as-of date when that is later: edits made on the board
are dated today, and the figures must include them.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import date

from auditor.history.transitions import OPEN_STATUSES, STATUSES
from auditor.history.status import TOTAL_LABEL, latest_as_of, squad_figures
from auditor.scoring import ScoreModel, model_from_params
from auditor.serve.accounts import User
from auditor.serve.figures import board_figures

PAGE_SIZE = 100
_TREND_LOCK = threading.Lock()  # guards the small caches below


def board_day(conn: sqlite3.Connection, today: date | None = None) -> date:
    today = today or date.today()
    latest = latest_as_of(conn)
    return max(today, latest) if latest else today


_FIGURES_CACHE: dict[tuple, list[dict]] = {}


def _store_file(conn: sqlite3.Connection) -> str:
    """Which store a cached figure belongs to (a process may serve, or test, several)."""
    return conn.execute("PRAGMA database_list").fetchone()[2]


def squad_rows(conn: sqlite3.Connection, user: User, day: date) -> list[dict]:
    """Per-squad figures (open, in progress, overdue, closed, 销项率, trend) for the squads `user` sees;
    supervisors and leaders also get the district total. Cached until the next event or run: every
    change to an item adds an event, so the key (day, latest event, latest run) is always current."""
    key = (_store_file(conn), day, *conn.execute(
        "SELECT (SELECT MAX(event_id) FROM item_events), (SELECT MAX(run_id) FROM runs)").fetchone())
    with _TREND_LOCK:
        rows = _FIGURES_CACHE.get(key)
    if rows is None:
        rows = board_figures(conn, day)
        with _TREND_LOCK:
            _FIGURES_CACHE.clear()
            _FIGURES_CACHE[key] = rows
    if user.role == "中队":
        return [r for r in rows if r["squad"] != TOTAL_LABEL and user.sees_squad(r["squad"])]
    return list(rows)


_TREND_CACHE: dict[tuple, list[dict]] = {}


def run_trend(conn: sqlite3.Connection, user: User) -> list[dict]:
    """销项率 at each recorded run's as-of date (the last run of a day), per visible squad.

    The figures at past dates change only with events dated on or before the last run's day, so they
    are cached on (runs, latest such event): the board's own edits, dated later, leave the cache valid."""
    runs = conn.execute("SELECT MAX(run_id), as_of FROM runs GROUP BY as_of ORDER BY as_of").fetchall()[-12:]
    if not runs:
        return []
    last_event = conn.execute("SELECT MAX(event_id) FROM item_events WHERE on_date <= ?", (runs[-1][1],)).fetchone()[0]
    key = (_store_file(conn), tuple(runs), last_event)
    with _TREND_LOCK:
        trend = _TREND_CACHE.get(key)
    if trend is None:
        trend = []
        for run_id, as_of in runs:  # a year of monthly runs is what the board has room for
            frame = squad_figures(conn, date.fromisoformat(as_of), total=True)
            trend.append({"run_id": run_id, "as_of": as_of,
                          "rates": dict(zip(frame["squad"], frame["closure_rate"]))})
        with _TREND_LOCK:
            _TREND_CACHE.clear()  # one store per server: only the newest key is worth keeping
            _TREND_CACHE[key] = trend
    visible = lambda squad: squad == TOTAL_LABEL and user.role != "中队" or user.sees_squad(squad)  # noqa: E731
    return [{**t, "rates": {s: r for s, r in t["rates"].items() if visible(s)}} for t in trend]


@dataclass(frozen=True)
class _Scored:
    case_id: str
    rule_id: str
    severity: str


_SCORES_CACHE: dict[tuple, tuple] = {}


def case_scores(conn: sqlite3.Connection, user: User) -> tuple[int | None, ScoreModel | None, list[dict]]:
    """Case-file scores of the latest run by the score model of that run's own parameters, computed by
    `auditor.scoring` as the audit's reports compute them (each rule deducts once per case, 不合格卷
    capped); a squad's score is the mean over its audited cases (cases without findings score the base).
    A recorded run's findings never change, so the scores are cached per store and run."""
    row = conn.execute("SELECT run_id, params_json FROM runs ORDER BY as_of DESC, run_id DESC LIMIT 1").fetchone()
    if row is None:
        return None, None, []
    key = (_store_file(conn), row[0])
    with _TREND_LOCK:
        hit = _SCORES_CACHE.get(key)
    if hit is None:
        hit = _district_scores(conn, *row)
        with _TREND_LOCK:
            _SCORES_CACHE.clear()  # one store per server: only the newest run is worth keeping
            _SCORES_CACHE[key] = hit
    model, scores = hit
    return row[0], model, [dict(s) for s in scores if user.sees_squad(s["squad"])]


def _district_scores(conn: sqlite3.Connection, run_id: int, params_json: str | None) -> tuple[ScoreModel, list[dict]]:
    model = model_from_params(json.loads(params_json or "{}"))
    findings = [_Scored(*r) for r in conn.execute(
        "SELECT case_id, rule_id, severity FROM findings WHERE run_id = ?", (run_id,))]
    per_case = model.case_scores(findings)
    by_squad: dict[str, list] = {}
    for case_id, squad in conn.execute("SELECT DISTINCT case_id, squad FROM findings WHERE run_id = ?", (run_id,)):
        by_squad.setdefault(squad, []).append(per_case[case_id])
    scores = []
    for squad, cases in conn.execute("SELECT squad, cases FROM run_squads WHERE run_id = ? ORDER BY squad",
                                     (run_id,)):
        mine = by_squad.get(squad, [])
        n = max(cases, len(mine))
        score = (sum(s for s, _ in mine) + (n - len(mine)) * model.base) / n if n else model.base
        scores.append({"squad": squad, "cases": n, "cases_with_findings": len(mine), "score": round(score, 2),
                       "failed": sum(failed for _, failed in mine)})
    scores.sort(key=lambda s: (-s["score"], s["squad"]))
    return model, scores


@dataclass(frozen=True)
class ItemFilter:
    rule: str = ""
    theme: str = ""
    severity: str = ""
    status: str = ""
    overdue: bool = False
    page: int = 1


def squad_items(conn: sqlite3.Connection, squad: str, flt: ItemFilter, day: date) -> tuple[int, list[dict]]:
    """One page of a squad's items (current status) with the filters; returns (total matching, rows)."""
    where, params = ["squad = ?"], [squad]
    for column, value in (("rule_id", flt.rule), ("theme", flt.theme), ("severity", flt.severity),
                          ("status", flt.status)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if flt.overdue:
        where.append(f"status IN ({','.join('?' * len(OPEN_STATUSES))}) AND due IS NOT NULL AND due < ?")
        params += [*OPEN_STATUSES, day.isoformat()]
    clause = " AND ".join(where)
    total = conn.execute(f"SELECT COUNT(*) FROM items WHERE {clause}", params).fetchone()[0]
    rows = conn.execute(
        f"SELECT fingerprint, case_id, rule_id, theme, severity, title_zh, status, due, note FROM items"
        f" WHERE {clause} ORDER BY (status IN ('已销项', '已豁免')), due IS NULL, due, case_id, rule_id, fingerprint"
        f" LIMIT ? OFFSET ?", [*params, PAGE_SIZE, (max(flt.page, 1) - 1) * PAGE_SIZE]).fetchall()
    keys = ("fingerprint", "case_id", "rule_id", "theme", "severity", "title_zh", "status", "due", "note")
    items = [dict(zip(keys, r)) for r in rows]
    for item in items:
        item["overdue_days"] = overdue_days(item["status"], item["due"], day)
    return total, items


def filter_choices(conn: sqlite3.Connection, squad: str) -> dict[str, list[str]]:
    """The values the squad's filters offer (only those present)."""
    def values(column):
        return [r[0] for r in conn.execute(f"SELECT DISTINCT {column} FROM items WHERE squad = ? AND {column} IS NOT"
                                           f" NULL ORDER BY {column}", (squad,))]
    return {"rule": values("rule_id"), "theme": values("theme"), "severity": values("severity"),
            "status": list(STATUSES)}


def overdue_days(status: str, due: str | None, day: date) -> int:
    if status not in OPEN_STATUSES or not due or due >= day.isoformat():
        return 0
    return (day - date.fromisoformat(due)).days


def item_detail(conn: sqlite3.Connection, fingerprint: str) -> dict | None:
    row = conn.execute(
        "SELECT fingerprint, rule_id, case_id, squad, theme, severity, subject, title_zh, message_zh, case_source,"
        " status, due, present, first_as_of, last_as_of, times_reopened, note, evidence FROM items"
        " WHERE fingerprint = ?", (fingerprint,)).fetchone()
    if row is None:
        return None
    keys = ("fingerprint", "rule_id", "case_id", "squad", "theme", "severity", "subject", "title_zh", "message_zh",
            "case_source", "status", "due", "present", "first_as_of", "last_as_of", "times_reopened", "note",
            "evidence")
    item = dict(zip(keys, row))
    item["version"] = item_version(conn, fingerprint)
    return item


def item_version(conn: sqlite3.Connection, fingerprint: str) -> int:
    """The item's version: the id of its latest history event. Every change (run, import, exception,
    board) adds an event, so a form showing an older version is stale."""
    return conn.execute("SELECT COALESCE(MAX(event_id), 0) FROM item_events WHERE fingerprint = ?",
                        (fingerprint,)).fetchone()[0]


def item_events(conn: sqlite3.Connection, fingerprint: str) -> list[dict]:
    keys = ("event_id", "on_date", "recorded_at", "source", "kind", "run_id", "actor", "old_status", "new_status",
            "due", "note", "detail", "evidence")
    rows = conn.execute(f"SELECT {', '.join(keys)} FROM item_events WHERE fingerprint = ? ORDER BY event_id",
                        (fingerprint,)).fetchall()
    return [dict(zip(keys, r)) for r in rows]


def squad_of_case(conn: sqlite3.Connection, case_id: str) -> str | None:
    row = conn.execute("SELECT squad FROM items WHERE case_id = ? LIMIT 1", (case_id,)).fetchone()
    if row is None:
        row = conn.execute("SELECT squad FROM findings WHERE case_id = ? ORDER BY run_id DESC LIMIT 1",
                           (case_id,)).fetchone()
    return row[0] if row else None


def case_items(conn: sqlite3.Connection, case_id: str) -> list[dict]:
    keys = ("fingerprint", "rule_id", "severity", "title_zh", "status", "due")
    rows = conn.execute(f"SELECT {', '.join(keys)} FROM items WHERE case_id = ? ORDER BY rule_id, fingerprint",
                        (case_id,)).fetchall()
    return [dict(zip(keys, r)) for r in rows]


def visible_squads(conn: sqlite3.Connection, user: User) -> list[str]:
    squads = {r[0] for r in conn.execute("SELECT DISTINCT squad FROM items")}
    squads |= {r[0] for r in conn.execute("SELECT DISTINCT squad FROM run_squads")}
    return sorted(s for s in squads if user.sees_squad(s))
