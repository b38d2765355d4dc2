"""The workbook keeps Excel's row limit: a list longer than a sheet continues on numbered sheets."""

from __future__ import annotations

from collections import Counter

import openpyxl

from _report_factory import district_result
from auditor.history.corrections import ImportReport, _read_rows
from auditor.report.excel import EXCEL_MAX_ROWS, write_xlsx


def test_excel_limit_is_excels():
    assert EXCEL_MAX_ROWS == 2**20


def test_long_lists_continue_on_numbered_sheets(tmp_path):
    r = district_result(400, seed=5, squads=3)
    r.warnings = r.warnings * 10  # enough to split the warnings sheet too
    per_squad = Counter(f.squad for f in r.findings)
    max_rows = 21  # 20 data rows under the header
    big = [s for s, n in per_squad.items() if n > 20]
    assert big and len(r.warnings) > 20
    path = tmp_path / "report.xlsx"
    write_xlsx(r, path, max_rows=max_rows)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets[1:]:  # the summary sheet is a few dozen rows, whatever the size
        assert ws.max_row <= max_rows, ws.title
    for squad in big:
        n = per_squad[squad]
        parts = -(-n // 20)
        names = [squad] + [f"{squad} ({k})" for k in range(2, parts + 1)]
        assert all(name in wb.sheetnames for name in names)
        numbers = [row[0] for name in names for row in wb[name].iter_rows(min_row=2, values_only=True)]
        assert numbers == list(range(1, n + 1))  # numbered on across the sheets
    summary = [c for row in wb["汇总"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    notes = [c for c in summary if "超过 Excel 每个工作表" in c]
    assert len(notes) >= len(big) and all(any(s in note for note in notes) for s in big)
    warnings = [row for name in ("早期预警", "早期预警 (2)") for row in wb[name].iter_rows(min_row=2, values_only=True)]
    assert len(warnings) == min(len(r.warnings), 40) and any("早期预警" in note for note in notes)
    # The corrections importer reads every part: each finding's row is found exactly once.
    rows = [fp for _, _, fp, _, _, _ in _read_rows(path, ImportReport(str(path)))]
    assert sorted(rows) == sorted(f.fingerprint for f in r.findings)


def test_no_split_no_note(tmp_path):
    r = district_result(60, seed=5, squads=3)
    path = tmp_path / "report.xlsx"
    write_xlsx(r, path)
    wb = openpyxl.load_workbook(path)
    assert not [n for n in wb.sheetnames if n.endswith(" (2)")]
    summary = [c for row in wb["汇总"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert not [c for c in summary if "超过 Excel" in c]
