"""The `auditor history` tables as files: .xlsx (one sheet) or .csv (UTF-8 with BOM, so Excel and WPS
read the Chinese headers), chosen by the file's suffix. Text that a spreadsheet would read as a formula
is neutralised; numbers stay numbers."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from auditor.atomic import atomic_path
from auditor.errors import UsageError
from auditor.cells import neutralise, xml_safe

SUFFIXES = (".xlsx", ".csv")


def check_suffix(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise UsageError(f"--out 的文件名应以 .xlsx 或 .csv 结尾，而不是 {path.name!r}")
    return path


def write_table(path: str | Path, headers: list[str], rows: list[list], *, title: str) -> Path:
    """Write the table to `path` (.xlsx or .csv); returns the path."""
    path = check_suffix(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            if path.suffix.lower() == ".csv":
                with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                    writer = csv.writer(fh)
                    writer.writerow(headers)
                    writer.writerows([[neutralise(v) if isinstance(v, str) else ("" if v is None else v)
                                       for v in row] for row in rows])
            else:
                _xlsx(tmp, headers, rows, title)
    except OSError as exc:
        raise UsageError(f"无法写入: {exc.strerror or exc}", file=str(path)) from None
    return path


def _xlsx(tmp: Path, headers: list[str], rows: list[list], title: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    wb.set_properties({"title": title, "created": datetime(2000, 1, 1)})
    head = wb.add_format({"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "border": 1})
    ws = wb.add_worksheet(title[:31])
    for c, name in enumerate(headers):
        ws.write_string(0, c, name, head)
        width = max([len(name) * 2 + 2] + [len(str(r[c])) + 2 for r in rows[:200] if r[c] is not None])
        ws.set_column(c, c, min(width, 40))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, neutralise(xml_safe(str(value))))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    wb.close()
