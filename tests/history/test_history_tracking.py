"""Lists issued after a run (auditor.history.tracking) and the three-way import of a returned list."""

from __future__ import annotations

from datetime import date

import openpyxl

from _history_factory import finding, result
from auditor.history import import_corrections, record_run
from auditor.history.tracking import issue_lists
from auditor.report.squad_lists import squad_file_name, write_squad_lists

A, B = "静安寺街道综合行政执法队", "机动执法中队"
F1 = finding("R001", "C1", A, due=date(2025, 5, 15))
F2 = finding("R002", "C2", A, due=date(2025, 6, 15))
F3 = finding("R003", "C3", B, due=date(2025, 5, 20))
EXEMPT = {F2.fingerprint: {"status": "已豁免", "reason": "系统迁移", "approver": "法制科"}}


def _issue(tmp_path, db, res, name):
    summary = record_run(db, res)
    tracking = issue_lists(db, summary.run_id)
    res.tracking = tracking
    folder = tmp_path / name
    write_squad_lists(res, folder, tracking)
    return tracking, folder


def _set(path, out, changes):
    wb = openpyxl.load_workbook(path)
    ws = wb["整改清单"]
    col = {c.value: c.column for c in ws[1]}
    for r in range(2, ws.max_row + 1):
        fp = ws.cell(r, col["问题编号"]).value
        if fp in changes:
            for key, value in changes[fp].items():
                ws.cell(r, col[key]).value = value
    wb.save(out)


def test_issue_lists_carry_state_and_overdue_days(tmp_path):
    db = tmp_path / "h.sqlite"
    tracking, folder = _issue(tmp_path, db, result(date(2025, 5, 31), [F1, F2, F3], exemptions=EXEMPT), "may")
    assert set(tracking.lists) == {None, A, B}
    s1 = tracking.items[F1.fingerprint]
    assert (s1.status, s1.due, s1.overdue_days, s1.lifecycle) == ("待整改", date(2025, 5, 15), 16, "new")
    assert tracking.items[F2.fingerprint].status == "已豁免" and tracking.items[F2.fingerprint].overdue_days == 0
    sheet = openpyxl.load_workbook(folder / squad_file_name(A))["说明"]
    stamp = {r[0]: r[1] for r in sheet.iter_rows(values_only=True)}
    assert stamp["发放标记"] == tracking.lists[A].token and stamp["中队"] == A and stamp["历史库"] == str(db)


def test_untouched_rows_never_overwrite_later_changes(tmp_path):
    db = tmp_path / "h.sqlite"
    may, folder = _issue(tmp_path, db, result(date(2025, 5, 31), [F1, F2, F3], exemptions=EXEMPT), "may")
    # June: the exemption is gone, so F2 is 待整改 again; the May list still shows 已豁免, untouched.
    record_run(db, result(date(2025, 6, 30), [F1, F2, F3]))
    report = import_corrections(folder / squad_file_name(A), db, on=date(2025, 7, 1))
    assert (len(report.updated), report.unchanged, report.rejected, report.conflicts) == (0, 2, [], [])
    # A list of squad A cannot carry squad B's rows.
    edited = tmp_path / "a.xlsx"
    _set(folder / squad_file_name(A), edited, {F1.fingerprint: {"整改状态": "整改中", "备注": "已约谈"}})
    wb = openpyxl.load_workbook(edited)
    ws = wb["整改清单"]
    ws.cell(ws.max_row + 1, 2).value = F3.fingerprint
    ws.cell(ws.max_row, 12).value = "已销项"
    wb.save(edited)
    report = import_corrections(edited, db, on=date(2025, 7, 1))
    assert [u[0] for u in report.updated] == [F1.fingerprint]
    assert [i.reason for i in report.rejected] == ["该问题不在这份清单发放时的问题中（问题编号被改动，或行是从别的清单复制来的）"]
    assert report.rejected[0].file == "a.xlsx"


def test_a_stamp_from_another_store_is_refused(tmp_path):
    import pytest

    from auditor.errors import ConfigError

    db = tmp_path / "h.sqlite"
    _, folder = _issue(tmp_path, db, result(date(2025, 5, 31), [F1, F3]), "may")
    other = tmp_path / "other.sqlite"
    record_run(other, result(date(2025, 5, 31), [F1, F3]))
    with pytest.raises(ConfigError, match="发放标记 .* 不在这个历史库中"):
        import_corrections(folder / squad_file_name(A), other, on=date(2025, 6, 1))
