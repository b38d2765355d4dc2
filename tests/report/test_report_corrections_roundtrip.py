"""The workbook's 整改清单 sheets are read back by `auditor corrections import` (the layout contract)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import openpyxl

from _report_factory import _finding, small_result
from auditor.findings import Finding
from auditor.history.corrections import import_corrections
from auditor.history.store import record_run
from auditor.report.excel import write_xlsx


def test_returned_workbook_imports_cleanly(tmp_path):
    r = small_result()
    # A case id that a spreadsheet would read as a formula: written as '-2026-9, matched back as -2026-9.
    r.findings.append(_finding("DIS-001", {"case_id": "-2026-9", "squad": "江宁路中队"}))
    r.findings.sort(key=Finding.sort_key)
    db = tmp_path / "h.sqlite"
    record_run(db, r, recorded_at=datetime(2026, 11, 25, tzinfo=timezone.utc))
    path = tmp_path / "report.xlsx"
    write_xlsx(r, path)

    wb = openpyxl.load_workbook(path)
    ws = wb["江宁路中队"]
    assert ws["L1"].value == "整改状态" and ws["M1"].value == "备注"
    assert "'-2026-9" in [c.value for c in ws["C"]]
    ws["L2"] = "整改中"
    ws["M2"] = "已约谈承办人"
    wb.save(path)

    report = import_corrections(path, db, on=date(2026, 11, 30), dry_run=True)
    assert not report.rejected, [i.render() for i in report.rejected]
    assert [u[:3] for u in report.updated] == [(ws["B2"].value, "待整改", "整改中")]
    assert report.unchanged == len(r.findings) - 1
    # Every squad sheet was read as a corrections list; only the other sheets were skipped.
    skipped = {s for s, _ in report.skipped_sheets}
    assert skipped == {"汇总", "早期预警", "规则", "拒收记录", "参数方案"}
