"""Progress carried forward into the reports: each item as the store holds it after a run, and the
corrections lists issued to the squads.

After `record_run`, `issue_lists` reads every item the run found or closed (status, the first 完成时限
still in force, overdue days, the squad's 备注, and what the run did to it), records one issued list per
squad and one for the district workbook, each with its items as they stood (so an import can tell what a
squad changed from what it merely copied back), and returns the `Tracking` the workbook and HTML
writers show. Nothing here decides a status: that is `lifecycle` (runs) and `transitions` (people).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from auditor.history.status import squad_status, squad_trend
from auditor.history.store import open_store, transaction
from auditor.history.transitions import CLOSED, EXEMPT, OPEN_STATUSES

LIFECYCLE_ZH = {"new": "新增", "persisting": "持续", "reopened": "复现", "resolved": "本次销项"}
DISTRICT = None  # the squad of the district workbook's list


@dataclass(frozen=True)
class ItemState:
    fingerprint: str
    squad: str
    case_id: str
    status: str
    due: date | None  # the 完成时限 in force: the first one, kept across runs
    overdue_days: int  # calendar days past `due` while open, else 0
    note: str | None
    lifecycle: str  # new / persisting / reopened / resolved (by this run)
    first_as_of: date
    remark: str | None = None  # 状态说明: how it was closed (审计 / 中队自报 / 豁免: who, when) or reopened


@dataclass(frozen=True)
class IssuedList:
    list_id: int
    token: str
    squad: str | None  # None = the district workbook


@dataclass
class Tracking:
    """What the reports show of the history store for one recorded run."""

    store: Path
    run_id: int
    as_of: date
    items: dict[str, ItemState] = field(default_factory=dict)
    lists: dict[str | None, IssuedList] = field(default_factory=dict)
    progress: pd.DataFrame | None = None  # squad_status(..., total=True) at as_of
    trend: pd.DataFrame | None = None  # squad_trend(): per month and squad

    def squad_items(self, squad: str) -> list[ItemState]:
        return sorted((s for s in self.items.values() if s.squad == squad),
                      key=lambda s: (s.status not in OPEN_STATUSES, s.case_id, s.fingerprint))


def overdue_days(status: str, due: date | None, day: date) -> int:
    return (day - due).days if status in OPEN_STATUSES and due is not None and due < day else 0


def issue_lists(db_path: str | Path, run_id: int, *, file_names: dict[str | None, str] | None = None,
                issued_at: datetime | None = None, record: bool = True) -> Tracking:
    """Record the lists handed out after run `run_id` (one per audited squad and the district's) and
    return what the reports show. `file_names` maps squad (None = district) to the file written;
    `record=False` (no workbook written) returns the same figures and records no list."""
    stamp = (issued_at or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    names = file_names or {}
    with open_store(db_path, create=False) as conn, transaction(conn):
        as_of = date.fromisoformat(conn.execute("SELECT as_of FROM runs WHERE run_id = ?", (run_id,)).fetchone()[0])
        found = dict(conn.execute("SELECT fingerprint, lifecycle FROM findings WHERE run_id = ?", (run_id,)))
        found.update({fp: "resolved" for (fp,) in conn.execute(
            "SELECT fingerprint FROM run_resolved WHERE run_id = ?", (run_id,))})
        squads = [r[0] for r in conn.execute("SELECT squad FROM run_squads WHERE run_id = ? ORDER BY squad", (run_id,))]
        tracking = Tracking(store=Path(db_path), run_id=run_id, as_of=as_of)
        last = last_status_events(conn)
        for fp, squad, case_id, status, due, note, first in conn.execute(
                "SELECT fingerprint, squad, case_id, status, due, note, first_as_of FROM items"):
            if fp not in found:
                continue
            due_day = date.fromisoformat(due) if due else None
            tracking.items[fp] = ItemState(fp, squad, case_id, status, due_day, overdue_days(status, due_day, as_of),
                                           note, found[fp], date.fromisoformat(first), status_remark(status, last.get(fp)))
        for squad in [DISTRICT, *sorted(set(squads) | {s.squad for s in tracking.items.values()})] if record else []:
            token = f"R{run_id}-{secrets.token_hex(8)}"
            list_id = conn.execute(
                "INSERT INTO issued_lists (run_id, squad, token, issued_at, file_name) VALUES (?,?,?,?,?)",
                (run_id, squad, token, stamp, names.get(squad))).lastrowid
            conn.executemany(
                "INSERT INTO issued_items (list_id, fingerprint, status, note, due) VALUES (?,?,?,?,?)",
                [(list_id, s.fingerprint, s.status, s.note, s.due.isoformat() if s.due else None)
                 for s in tracking.items.values() if squad is DISTRICT or s.squad == squad])
            tracking.lists[squad] = IssuedList(list_id, token, squad)
    tracking.progress = squad_status(db_path, as_of, total=True)
    tracking.trend = squad_trend(db_path)
    return tracking


def last_status_events(conn) -> dict[str, tuple]:
    """fingerprint -> (kind, source, actor, on_date, note, detail) of the event that set its current status."""
    return {r[0]: r[1:] for r in conn.execute(
        """
        WITH last AS (SELECT MAX(event_id) AS event_id FROM item_events
                      WHERE old_status IS NULL OR old_status != new_status GROUP BY fingerprint)
        SELECT e.fingerprint, e.kind, e.source, e.actor, e.on_date, e.note, e.detail
        FROM last JOIN item_events e USING (event_id)
        """)}


def status_remark(status: str, event: tuple | None) -> str | None:
    """状态说明 for a list: how an item was closed (by an audit, by the squad's own report, by an approved
    exemption: who and when) or that it was reopened with its first 完成时限. None when nothing to say."""
    if event is None:
        return None
    kind, source, actor, on_date, note, detail = event
    if status == EXEMPT:  # 销项 by the exception register
        reason = f"：{note}" if note else ""
        return f"豁免销项（{on_date}）{reason}；{detail}" if detail else f"豁免销项（{on_date}）{reason}"
    if status == CLOSED:
        if source == "run":
            return f"审计未再发现，{on_date} 自动销项"
        who = actor or "中队"
        return f"{who} {on_date} 报告已销项，待下次审计确认"
    if kind == "reopened":
        return note
    return None


@dataclass(frozen=True)
class IssuedRow:
    status: str
    note: str | None


def issued_list(conn, token: str) -> tuple[IssuedList, int, dict[str, IssuedRow]] | None:
    """(the list, its run id, fingerprint -> the item as issued) for a workbook's stamp, or None."""
    row = conn.execute("SELECT list_id, run_id, squad FROM issued_lists WHERE token = ?", (token,)).fetchone()
    if row is None:
        return None
    items = {fp: IssuedRow(status, note) for fp, status, note in conn.execute(
        "SELECT fingerprint, status, note FROM issued_items WHERE list_id = ?", (row[0],))}
    return IssuedList(row[0], token, row[2]), row[1], items
