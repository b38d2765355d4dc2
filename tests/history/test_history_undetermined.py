"""The history store records 无法判定 items as a state of their own: an open item that a later export
cannot decide (a missing table or column) is neither resolved (销项) nor counted again as new."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

from auditor.api import AuditConfig, run_audit
from auditor.history.store import record_run

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample" / "csv"
AS_OF = dt.date(2026, 11, 25)


def _export(tmp_path: Path, name: str, tables: tuple[str, ...]) -> Path:
    d = tmp_path / name
    d.mkdir()
    for t in tables:
        shutil.copy(SAMPLE / f"{t}.csv", d / f"{t}.csv")
    return d


def test_an_item_the_export_cannot_decide_stays_open_and_is_not_new_later(tmp_path):
    db = tmp_path / "h.sqlite"
    full = run_audit(AuditConfig(exports=(SAMPLE,), as_of=AS_OF))
    partial = run_audit(AuditConfig(exports=(_export(tmp_path, "p", ("cases", "disclosures")),), as_of=AS_OF))
    undecided = {u.fingerprint for u in partial.undetermined}
    lost = {f.fingerprint for f in full.findings} - {f.fingerprint for f in partial.findings}
    assert lost and lost & undecided  # some findings became 无法判定 without the recordings table

    first = record_run(db, full, label="full", recorded_at=dt.datetime(2026, 11, 26))
    second = record_run(db, partial, label="partial", recorded_at=dt.datetime(2026, 11, 27))
    third = record_run(db, full, label="full again", recorded_at=dt.datetime(2026, 11, 28))
    assert first.new == len(full.findings)
    assert second.resolved == 0  # nothing the export could not show is closed as 已销项
    assert second.new == 0
    assert third.new == 0 and third.reopened == 0 and third.persisting == len(full.findings)
    with sqlite3.connect(db) as conn:
        stored = {r[0] for r in conn.execute("SELECT fingerprint FROM undetermined WHERE run_id=?",
                                             (second.run_id,))}
        n = conn.execute("SELECT n_undetermined FROM runs WHERE run_id=?", (second.run_id,)).fetchone()[0]
        statuses = {r[0] for r in conn.execute("SELECT status FROM items")}
    assert stored == undecided and n == len(partial.undetermined)
    assert "已销项" not in statuses


def test_an_item_first_undecided_then_shown_is_determined_not_new_and_compare_says_so(tmp_path):
    from auditor.history.status import compare_runs
    from auditor.history.store import list_runs

    db = tmp_path / "h.sqlite"
    full = run_audit(AuditConfig(exports=(SAMPLE,), as_of=AS_OF))
    partial = run_audit(AuditConfig(exports=(_export(tmp_path, "p", ("cases", "disclosures")),), as_of=AS_OF))
    findings = {f.fingerprint for f in full.findings}
    # what the export without recordings cannot decide: 无法判定 items, and the recording rules' findings
    blind = set(partial.coverage.rules_without["recordings"])
    shown = {f.fingerprint for f in partial.findings}
    undecided = {f.fingerprint for f in full.findings if f.fingerprint not in shown and (
        f.rule_id in blind or f.fingerprint in {u.fingerprint for u in partial.undetermined})}
    assert len(undecided) > len({u.fingerprint for u in partial.undetermined} & findings) > 0

    first = record_run(db, partial, label="partial", recorded_at=dt.datetime(2026, 11, 26))
    second = record_run(db, full, label="full", recorded_at=dt.datetime(2026, 11, 27))
    third = record_run(db, partial, label="partial again", recorded_at=dt.datetime(2026, 11, 28))
    assert first.new == len(partial.findings) and first.determined == 0
    # shown at last: an item opens, counted as 查实 (determined), not as a new problem
    assert second.determined == len(undecided)
    assert second.new == len(findings) - len(partial.findings) - len(undecided)
    assert "本次查实" in second.line()
    with sqlite3.connect(db) as conn:
        n_new, n_determined = conn.execute("SELECT n_new, n_determined FROM runs WHERE run_id=?",
                                           (second.run_id,)).fetchone()
        notes = {r[0] for r in conn.execute("SELECT note FROM item_events WHERE kind='opened' AND run_id=?",
                                            (second.run_id,))}
    assert (n_new, n_determined) == (second.new, second.determined)
    listed = list_runs(db).set_index("run_id")
    assert listed.loc[second.run_id, ["new", "determined"]].tolist() == [second.new, second.determined]
    assert listed.loc[first.run_id, "undetermined"] == len(partial.undetermined) > 0
    assert "此前的审计因导出缺少数据无法判定，本次查实" in notes
    # undecided again: not resolved
    assert third.resolved == 0

    forward = compare_runs(db, first.run_id, second.run_id)
    assert set(forward.determined) == undecided and not set(forward.new) & undecided
    assert len(forward.new) == second.new
    back = compare_runs(db, second.run_id, third.run_id)
    assert set(back.undetermined) == undecided and not back.resolved
    assert int(back.by_squad["undetermined"].sum()) == len(undecided)
