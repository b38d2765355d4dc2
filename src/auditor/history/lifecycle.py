"""Correction-item lifecycle (销项管理): what one run does to the items, and which status changes are
allowed.

An item is identified by the finding's fingerprint. Relative to the previous run that covered the
item's squad, a finding is *new* (never seen), *persisting* (present then and now) or *reopened* (seen
before, closed since); an item present before and absent now is *resolved* and closed as 已销项.
An item keeps its first 完成时限 for good: a reopened item is the same problem, so a reopening past
that date makes it overdue at once (and its history says so).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from auditor.history.transitions import (  # noqa: F401  (re-exported: older imports use this module)
    CLOSED, EXEMPT, IN_PROGRESS, OPEN_STATUSES, OPEN_TODO, ROLE_SQUAD, SETTABLE, STATUSES, transition_error,
)

IMPORTABLE = SETTABLE  # 已豁免 comes only from the exception register


def import_transition_error(old: str, new: str) -> str | None:
    """Why a returned corrections sheet may not move an item from `old` to `new` (None = allowed)."""
    return transition_error(old, new, ROLE_SQUAD)


@dataclass
class RunEffect:
    """What recording one run changed: lifecycle of each finding and the items it resolved."""

    lifecycle: dict[str, str] = field(default_factory=dict)  # fingerprint -> new/persisting/reopened
    resolved: list[tuple[str, str]] = field(default_factory=list)  # (fingerprint, squad)
    # new items an earlier run could not decide (无法判定): first shown now, not new problems
    determined: set[str] = field(default_factory=set)

    def counts(self) -> dict[str, int]:
        out = {"new": 0, "persisting": 0, "reopened": 0}
        for state in self.lifecycle.values():
            out[state] += 1
        out["new"] -= len(self.determined)
        out["resolved"] = len(self.resolved)
        out["determined"] = len(self.determined)
        return out


def apply_run(conn: sqlite3.Connection, *, run_id: int, as_of: str, rows: list[dict], scope: set[str] | None,
              exemptions: dict[str, dict], recorded_at: str, actor: str,
              rule_scope: set[str] | None = None, undetermined: frozenset = frozenset(),
              unevaluated_rules: frozenset = frozenset(), was_undetermined: frozenset = frozenset(),
              case_scope: set[str] | None = None) -> RunEffect:
    """Update items and their status history for one run, inside the caller's transaction.

    `rows` are the run's findings (dicts with the item columns and `due`); `scope` is the set of squads
    the run audited, `rule_scope` the set of rules it ran and `case_scope` the cases it audited (None =
    all; `--case` / `--cause` runs): items of other squads, rules or cases were not looked at and stay
    as they are.
    `exemptions` maps fingerprint -> {"reason", "approver", ...} for findings the register exempts.
    `undetermined`: fingerprints this run could not decide (无法判定): their items stay as they are,
    neither persisting nor resolved; so are the items of `unevaluated_rules` (rules with no rows to
    judge because the export lacked their table). `was_undetermined`: fingerprints an earlier run could
    not decide; such a finding opens its item as usual but is counted as determined (查实), not new.
    """
    effect = RunEffect()
    existing = {
        r[0]: {"status": r[1], "present": r[2], "due": r[3], "squad": r[4], "rule_id": r[5], "case_id": r[6],
               "reopened": r[7]}
        for r in conn.execute("SELECT fingerprint, status, present, due, squad, rule_id, case_id, times_reopened"
                              " FROM items")
    }
    events: list[tuple] = []

    def event(fp, kind, old, new, due, note=None, source="run", who=actor, detail=None):
        events.append((fp, source, kind, run_id, as_of, recorded_at, who, old, new, due, note, detail))

    seen = set()
    inserts: list[tuple] = []
    updates: list[tuple] = []
    for row in rows:
        fp = row["fingerprint"]
        seen.add(fp)
        item = existing.get(fp)
        if item is None:
            effect.lifecycle[fp] = "new"
            status, due = OPEN_TODO, row["due"]
            if fp in was_undetermined:
                effect.determined.add(fp)
                event(fp, "opened", None, status, due, "此前的审计因导出缺少数据无法判定，本次查实")
            else:
                event(fp, "opened", None, status, due)
        else:
            status, due = item["status"], item["due"]
            if item["present"]:
                effect.lifecycle[fp] = "persisting"
                if status == CLOSED:  # reported done on the sheet, but the audit still finds it
                    status = OPEN_TODO
                    event(fp, "status", CLOSED, status, due, "复查仍发现该问题，重新列为待整改")
            else:
                effect.lifecycle[fp] = "reopened"
                # The same problem again: it keeps its first 完成时限 (a fresh one would hide that it was
                # never really corrected); only an item that never had one takes the new finding's.
                old, status, due = status, OPEN_TODO, due or row["due"]
                event(fp, "reopened", old, status, due, reopen_note(item["reopened"] + 1, due, as_of))
        # The exception register decides 已豁免 run by run: an expired exemption reopens the item.
        exemption = exemptions.get(fp)
        if exemption and status != EXEMPT:
            event(fp, "exempted", status, EXEMPT, due, exemption.get("reason"), "exception",
                  exemption.get("approver"), exemption_detail(exemption))
            status = EXEMPT
        elif not exemption and status == EXEMPT:
            event(fp, "status", EXEMPT, OPEN_TODO, due, "豁免已失效或已撤销" + overdue_note(due, as_of), "exception")
            status = OPEN_TODO
        if item is None:
            inserts.append((fp, row["rule_id"], row["case_id"], row["squad"], row["theme"], row["severity"],
                            row["subject"], row["title_zh"], row["message_zh"], row["case_source"], status, due,
                            run_id, as_of, run_id, as_of))
        else:
            updates.append((row["squad"], row["theme"], row["severity"], row["title_zh"], row["message_zh"],
                            row["case_source"], status, due, run_id, as_of,
                            1 if effect.lifecycle[fp] == "reopened" else 0, fp))
    conn.executemany(
        "INSERT INTO items (fingerprint, rule_id, case_id, squad, theme, severity, subject, title_zh,"
        " message_zh, case_source, status, due, present, first_run_id, first_as_of, last_run_id,"
        " last_as_of) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1,?,?,?,?)", inserts)
    conn.executemany(
        "UPDATE items SET squad=?, theme=?, severity=?, title_zh=?, message_zh=?, case_source=?,"
        " status=?, due=?, present=1, last_run_id=?, last_as_of=?,"
        " times_reopened = times_reopened + ? WHERE fingerprint=?", updates)

    for fp, item in sorted(existing.items()):
        if fp in seen or not item["present"]:
            continue
        if scope is not None and item["squad"] not in scope:
            continue
        if rule_scope is not None and item["rule_id"] not in rule_scope:
            continue
        if case_scope is not None and item["case_id"] not in case_scope:
            continue
        if fp in undetermined or item["rule_id"] in unevaluated_rules:  # not shown either way: not 销项
            continue
        effect.resolved.append((fp, item["squad"]))
        event(fp, "resolved", item["status"], CLOSED, item["due"], "本次审计未再发现，自动销项")
    conn.executemany("UPDATE items SET status=?, present=0 WHERE fingerprint=?",
                     [(CLOSED, fp) for fp, _ in effect.resolved])

    conn.executemany(
        "INSERT INTO item_events (fingerprint, source, kind, run_id, on_date, recorded_at, actor, old_status,"
        " new_status, due, note, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        events,
    )
    return effect


def reopen_note(times: int, due: str | None, as_of: str) -> str:
    """The status-history note of a reopening: which time, the first 完成时限 kept, overdue or not."""
    head = f"问题复现（第 {times} 次），完成时限仍为首次确定的 {due}" if due else f"问题复现（第 {times} 次）"
    if due and due < as_of:
        return f"{head}，复现即超期 {_days(due, as_of)} 天"
    return head


def overdue_note(due: str | None, as_of: str) -> str:
    """"，完成时限 … 已过，超期 N 天" for an item back to open past its first 完成时限, else ""."""
    return f"，完成时限 {due} 已过，超期 {_days(due, as_of)} 天" if due and due < as_of else ""


def _days(due: str, as_of: str) -> int:
    from datetime import date

    return (date.fromisoformat(as_of) - date.fromisoformat(due)).days


def exemption_detail(exemption: dict) -> str | None:
    """Who approved an exemption, when, until when and where it is registered (the event's detail)."""
    parts = [f"{k} {exemption[key]}" for key, k in (("approver", "批准人"), ("approved", "批准日期"),
                                                     ("expires", "有效期至"), ("entry", "登记表"))
             if exemption.get(key)]
    return "，".join(parts) if parts else None
