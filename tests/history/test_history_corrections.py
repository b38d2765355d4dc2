"""Importing a returned corrections workbook: updates applied, bad rows reported with sheet and row."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from _history_factory import finding, result, write_corrections_workbook
from auditor.errors import ConfigError, InputError, UsageError
from auditor.history import record_run, squad_status
from auditor.history.corrections import import_corrections

A, B = "南京西路街道综合行政执法队", "铁路上海站执法中队"
F1 = finding("R001", "C1", A, due=date(2025, 4, 15))
F2 = finding("R002", "C2", A, due=date(2025, 5, 15))
F3 = finding("R003", "C3", B, due=date(2025, 5, 15))
F4 = finding("R004", "C4", A, due=date(2025, 6, 15))
INJECTION = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture()
def store(tmp_path):
    db = tmp_path / "h.sqlite"
    record_run(db, result(date(2025, 4, 30), [F1, F2, F3]))
    record_run(db, result(date(2025, 5, 31), [F2, F4]))  # F1 and F3 closed as 已销项
    return db


def _row(f, status=None, note=None, **extra):
    return {"问题编号": f.fingerprint if hasattr(f, "fingerprint") else f, "案件编号": getattr(f, "case_id", None),
            "规则编号": getattr(f, "rule_id", None), "完成时限": getattr(f, "correction_due", None),
            "整改状态": status, "备注": note, **extra}


def _returned(tmp_path):
    path = tmp_path / "整改清单-返回.xlsx"
    write_corrections_workbook(path, {
        A: [
            _row(F4, "整改中", "已补录视频，待复查"),                  # row 2: updated
            _row(F1, "待整改"),                                     # row 3: 已销项 -> 待整改 impossible
            _row("0123456789abcdef0123", "整改中"),                 # row 4: unknown fingerprint
            _row(F2, "完成了"),                                     # row 5: invalid status
            _row(F2, "已豁免"),                                     # row 6: only the register may exempt
            None,                                                   # row 7: empty, ignored
            {"案件编号": "C9", "整改状态": "整改中"},                  # row 8: no 问题编号
            _row(F2, "整改中", INJECTION, **{"案件编号": "C999"}),    # row 9: case does not match
            _row(F2, None, INJECTION),                              # row 10: note only
        ],
        B: [
            _row(F3, "已销项"),                                     # row 2: unchanged
            _row(F4, "已销项"),                                     # row 3: conflicts with A row 2
            _row(F4, "整改中", "已补录视频，待复查"),                  # row 4: repeats A row 2: unchanged
        ],
        "填表说明": None,
    })
    return path


def test_import_applies_valid_rows_and_reports_bad_ones(store, tmp_path):
    report = import_corrections(_returned(tmp_path), store, on=date(2025, 6, 10), actor="南京西路 张某")
    assert [(fp, old, new, sheet, row) for fp, old, new, sheet, row in report.updated] == [
        (F4.fingerprint, "待整改", "整改中", A, 2), (F2.fingerprint, "待整改", "待整改", A, 10)]
    assert report.notes == [(F2.fingerprint, A, 10)]
    assert report.unchanged == 2
    rejected = [(i.sheet, i.row) for i in report.rejected]
    assert rejected == [(A, 3), (A, 4), (A, 5), (A, 6), (A, 8), (A, 9), (B, 3)]
    reasons = [i.reason for i in report.rejected]
    assert "已销项 → 待整改" in reasons[0]
    assert "不存在" in reasons[1]
    assert "无效的整改状态 '完成了'" in reasons[2]
    assert "豁免登记表" in reasons[3]
    assert reasons[4] == "缺少问题编号"
    assert "C999" in reasons[5]
    assert f"工作表 {A} 第 2 行重复且内容不一致" in reasons[6]
    # 填表说明 has no 问题编号 column: skipped, and said so.
    assert [s for s, _ in report.skipped_sheets] == ["填表说明"]
    text = "\n".join(report.lines())
    assert "更新 2 条（其中仅备注 1 条），未变 2 条，拒绝 7 条" in text
    assert f"工作表 {A} 第 4 行 问题编号 0123456789abcdef0123: " in text

    conn = sqlite3.connect(store)
    status = dict(conn.execute("SELECT fingerprint, status FROM items"))
    assert status == {F1.fingerprint: "已销项", F2.fingerprint: "待整改", F3.fingerprint: "已销项",
                      F4.fingerprint: "整改中"}
    # The formula-looking note is stored as the literal text it is.
    assert conn.execute("SELECT note FROM items WHERE fingerprint = ?", (F2.fingerprint,)).fetchone()[0] == INJECTION
    ev = conn.execute("SELECT source, kind, actor, on_date, old_status, new_status, note, detail FROM item_events"
                      " WHERE source = 'import' ORDER BY event_id").fetchall()
    assert ev[0] == ("import", "status", "南京西路 张某", "2025-06-10", "待整改", "整改中", "已补录视频，待复查",
                     f"整改清单-返回.xlsx 工作表 {A} 第 2 行")
    assert ev[1][1] == "note" and len(ev) == 2


def test_dry_run_writes_nothing(store, tmp_path):
    before = sqlite3.connect(store).execute("SELECT COUNT(*) FROM item_events").fetchone()[0]
    report = import_corrections(_returned(tmp_path), store, on=date(2025, 6, 10), dry_run=True)
    assert len(report.updated) == 2 and report.lines()[0].startswith("（试运行，未写入）")
    conn = sqlite3.connect(store)
    assert conn.execute("SELECT COUNT(*) FROM item_events").fetchone()[0] == before
    assert conn.execute("SELECT status FROM items WHERE fingerprint = ?", (F4.fingerprint,)).fetchone()[0] == "待整改"


def test_status_survives_the_next_run_and_a_false_closure_is_reopened(store, tmp_path):
    path = tmp_path / "back.xlsx"
    write_corrections_workbook(path, {A: [_row(F4, "整改中"), _row(F2, "已销项", "已整改完毕")]}, title_rows=2)
    report = import_corrections(path, store, on=date(2025, 6, 10))
    assert len(report.updated) == 2 and not report.rejected
    assert [(s, r) for _, _, _, s, r in report.updated] == [(A, 4), (A, 5)]  # header found below the title
    june = record_run(store, result(date(2025, 6, 30), [F2, F4]))
    assert (june.persisting, june.resolved) == (2, 0)
    conn = sqlite3.connect(store)
    status = dict(conn.execute("SELECT fingerprint, status FROM items"))
    assert status[F4.fingerprint] == "整改中"  # still being corrected: the run does not reset it
    assert status[F2.fingerprint] == "待整改"  # reported done, but the audit still finds it
    # At 2025-06-15 (after the import, before the June run) F2 counted as closed for its squad.
    mid = squad_status(store, as_of=date(2025, 6, 15)).set_index("squad")
    assert (mid.loc[A, "closed"], mid.loc[A, "in_progress"]) == (2, 1)


def test_import_dated_before_the_latest_run_is_refused(store, tmp_path):
    path = tmp_path / "back.xlsx"
    write_corrections_workbook(path, {A: [_row(F4, "整改中")]})
    with pytest.raises(UsageError, match="早于最近一次审计的截止日期 2025-05-31"):
        import_corrections(path, store, on=date(2025, 5, 30))
    assert import_corrections(path, store, on=date(2025, 5, 31)).updated  # the as-of day itself is fine


def test_unreadable_workbook_and_missing_store(store, tmp_path):
    bad = tmp_path / "not.xlsx"
    bad.write_text("序号,问题编号\n1,abc\n", encoding="utf-8")
    with pytest.raises(InputError, match="不是有效的 Excel") as info:
        import_corrections(bad, store, on=date(2025, 6, 10))
    assert info.value.file == str(bad)
    with pytest.raises(InputError, match="文件不存在"):
        import_corrections(tmp_path / "none.xlsx", store, on=date(2025, 6, 10))
    old_format = tmp_path / "清单.xls"
    old_format.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(InputError, match="只能导入 Excel .xlsx"):
        import_corrections(old_format, store, on=date(2025, 6, 10))
    good = tmp_path / "ok.xlsx"
    write_corrections_workbook(good, {A: [_row(F4, "整改中")]})
    with pytest.raises(ConfigError, match="历史库不存在"):
        import_corrections(good, tmp_path / "missing.sqlite", on=date(2025, 6, 10))


def test_round_trip_with_the_report_workbook(store, tmp_path):
    """The Excel reporter's 整改清单 sheets, edited by a squad, import cleanly (the layout contract)."""
    import openpyxl

    from auditor.report.excel import write_xlsx

    path = tmp_path / "report.xlsx"
    written = write_xlsx(result(date(2025, 5, 31), [F2, F4]), path)
    wb = openpyxl.load_workbook(written[0])
    ws = wb[A[:31]]
    header = [c.value for c in ws[1]]
    assert header[1] == "问题编号" and header[11] == "整改状态"
    row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == F4.fingerprint)
    row[11].value = "整改中"
    row[12].value = "'=已约谈当事人"  # text as our writer neutralises it: read back without the quote
    wb.save(path)
    report = import_corrections(path, store, on=date(2025, 6, 3))
    assert not report.rejected
    assert [(fp, new) for fp, _, new, _, _ in report.updated] == [(F4.fingerprint, "整改中")]
    assert report.unchanged == 1
    note = sqlite3.connect(store).execute("SELECT note FROM items WHERE fingerprint = ?", (F4.fingerprint,)).fetchone()
    assert note == ("=已约谈当事人",)
