"""Downloads of the item list (整改清单) the user may see, as CSV or xlsx.

The columns include 问题编号, 案件编号, 整改状态 and 备注, so a downloaded workbook can be filled in and
imported back with `auditor corrections import` (one sheet per squad, header in the first row). Case
text is neutralised for spreadsheets: CSV cells that look like formulas get a leading quote, and xlsx
cells are written as strings, never as formulas.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from auditor.report.common import neutralise, xml_safe
from auditor.serve.queries import overdue_days

HEADER = ("问题编号", "中队", "案件编号", "规则编号", "问题类型", "严重程度", "问题描述", "完成时限", "超期天数",
          "整改状态", "备注", "整改佐证")
_COLUMNS = ("fingerprint", "squad", "case_id", "rule_id", "theme", "severity", "title_zh", "due", "overdue_days",
            "status", "note", "evidence")


def item_rows(conn, squads: list[str], day: date) -> list[dict]:
    if not squads:
        return []
    marks = ",".join("?" * len(squads))
    rows = conn.execute(
        f"SELECT fingerprint, squad, case_id, rule_id, theme, severity, title_zh, due, status, note, evidence"
        f" FROM items WHERE squad IN ({marks}) ORDER BY squad, case_id, rule_id, fingerprint", squads).fetchall()
    keys = ("fingerprint", "squad", "case_id", "rule_id", "theme", "severity", "title_zh", "due", "status", "note",
            "evidence")
    out = [dict(zip(keys, r)) for r in rows]
    for row in out:
        row["overdue_days"] = overdue_days(row["status"], row["due"], day)
    return out


def to_csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([neutralise(_text(row[c])) for c in _COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel and WPS then read UTF-8


def to_xlsx(rows: list[dict]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    by_squad: dict[str, list[dict]] = {}
    for row in rows:
        by_squad.setdefault(row["squad"], []).append(row)
    used: set[str] = set()
    for squad in sorted(by_squad) or ["整改清单"]:
        ws = wb.add_worksheet(_sheet_name(squad, used))
        for col, label in enumerate(HEADER):
            ws.write_string(0, col, label, bold)
        for r, row in enumerate(by_squad.get(squad, []), start=1):
            for col, column in enumerate(_COLUMNS):
                value = row[column]
                if column == "overdue_days":
                    ws.write_number(r, col, value)
                elif value is not None:
                    ws.write_string(r, col, xml_safe(str(value)))
            ws.data_validation(r, 9, r, 9, {"validate": "list", "source": ["待整改", "整改中", "已销项"]})
        ws.set_column(0, 0, 18)
        ws.set_column(1, 2, 22)
        ws.set_column(6, 6, 40)
        ws.set_column(10, 11, 30)
        ws.freeze_panes(1, 0)
    wb.close()
    return buffer.getvalue()


def _sheet_name(squad: str, used: set[str]) -> str:
    base = "".join("_" if c in "[]:*?/\\" else c for c in squad)[:28] or "中队"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        name = f"{base[:26]}~{n}"
    used.add(name.lower())
    return name


def _text(value) -> str:
    return "" if value is None else str(value)
