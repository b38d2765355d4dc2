"""Changing an item from the board: status, note and a short evidence text.

The transitions allowed are the workbook import's (`auditor.history.transitions`, for the user's
role), checked here on the server. Concurrent edits are caught by the item's version (its latest event id): an edit made on a
page that shows an older version is refused, never applied over the other change. Every change is an
`item_events` row with source `web`, the user and the time, in one write transaction.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from auditor.history.transitions import TransitionError, check_transition
from auditor.history.store import transaction
from auditor.serve.accounts import User, now_utc, stamp, transition_role
from auditor.serve.queries import board_day, item_version

MAX_NOTE = 2000  # the same bound as a workbook's 备注
MAX_EVIDENCE = 2000


class EditRefused(Exception):
    """An edit that is not applied; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class EditOutcome:
    changed: bool
    old_status: str
    new_status: str
    version: int


def apply_edit(conn: sqlite3.Connection, user: User, fingerprint: str, *, version: str | int | None,
               status: str | None, note: str | None, evidence: str | None,
               today: date | None = None) -> EditOutcome:
    """Apply one edit in its own transaction, or raise EditRefused (403, 404, 409 or 422)."""
    status = (status or "").strip() or None
    note = _clean(note, MAX_NOTE, "备注")
    evidence = _clean(evidence, MAX_EVIDENCE, "整改佐证")
    try:
        expected = int(version)
    except (TypeError, ValueError):
        raise EditRefused("表单缺少版本号，请刷新页面后重试", 422) from None
    with transaction(conn):
        row = conn.execute("SELECT squad, status, due, note, evidence FROM items WHERE fingerprint = ?",
                           (fingerprint,)).fetchone()
        if row is None:
            raise EditRefused("没有这个问题编号", 404)
        squad, old, due, old_note, old_evidence = row
        if not user.can_edit or not user.sees_squad(squad):
            raise EditRefused("无权修改该问题", 403)
        current = item_version(conn, fingerprint)
        if current != expected:
            raise EditRefused("该问题已被他人或其他渠道（审计、导入）更新，请查看最新状态后重新提交", 409)
        new = status or old
        try:
            check_transition(old, new, transition_role(user))
        except TransitionError as exc:
            raise EditRefused(exc.reason, 422) from None
        note_changed = note is not None and note != (old_note or "")
        evidence_changed = evidence is not None and evidence != (old_evidence or "")
        if new == old and not note_changed and not evidence_changed:
            return EditOutcome(False, old, old, current)
        on_date = board_day(conn, today).isoformat()
        kind = "status" if new != old else "note"
        conn.execute(
            "INSERT INTO item_events (fingerprint, source, kind, run_id, on_date, recorded_at, actor, old_status,"
            " new_status, due, note, detail, evidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (fingerprint, "web", kind, None, on_date, stamp(now_utc()), user.name, old, new, due,
             note if note_changed else None, f"网页（{user.role}）", evidence if evidence_changed else None))
        conn.execute("UPDATE items SET status = ?, note = ?, evidence = ? WHERE fingerprint = ?",
                     (new, note if note_changed else old_note, evidence if evidence_changed else old_evidence,
                      fingerprint))
        return EditOutcome(True, old, new, item_version(conn, fingerprint))


def _clean(text: str | None, limit: int, label: str) -> str | None:
    """None or empty leaves the stored value; longer than `limit` is refused, not cut."""
    if text is None:
        return None
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return None
    if len(text) > limit:
        raise EditRefused(f"{label}不能超过 {limit} 个字符（现有 {len(text)} 个）", 422)
    return text
