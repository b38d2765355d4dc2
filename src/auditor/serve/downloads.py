"""Downloads of the item list (整改清单) the user may see, as CSV or xlsx.

The columns include 问题编号, 案件编号, 整改状态 and 备注, so a downloaded workbook can be filled in and
imported back with `auditor corrections import` (one sheet per squad, header in the first row). An
xlsx download is recorded as an issued list (`issued_lists`, as the audit's own 整改清单 are) and
carries its stamp (发放标记) on a 说明 sheet: the import then applies only what the squad changed in
it, and a row it merely copied back never overwrites a later change made on the board. Case
text is neutralised for spreadsheets: CSV cells that look like formulas get a leading quote, and xlsx
cells are written as strings, never as formulas.
"""

from __future__ import annotations

import csv
import io
import secrets
from datetime import date

from auditor.history.store import transaction
from auditor.report.common import neutralise, xml_safe
from auditor.serve.accounts import now_utc, stamp
from auditor.serve.queries import overdue_days

STAMP_SHEET = "说明"  # the sheet and key `auditor corrections import` reads the stamp from
STAMP_KEY = "发放标记"

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


def issue(conn, rows: list[dict], squad: str | None, file_name: str) -> str | None:
    """Record the download as an issued list of the latest run (squad None = several squads) and
    return its stamp; None when the store has no run yet."""
    run = conn.execute("SELECT run_id FROM runs ORDER BY as_of DESC, run_id DESC LIMIT 1").fetchone()
    if run is None:
        return None
    token = f"R{run[0]}-{secrets.token_hex(8)}"
    with transaction(conn):
        list_id = conn.execute(
            "INSERT INTO issued_lists (run_id, squad, token, issued_at, file_name) VALUES (?,?,?,?,?)",
            (run[0], squad, token, stamp(now_utc()), file_name)).lastrowid
        conn.executemany("INSERT INTO issued_items (list_id, fingerprint, status, note, due) VALUES (?,?,?,?,?)",
                         [(list_id, r["fingerprint"], r["status"], r["note"], r["due"]) for r in rows])
    return token


def to_xlsx(rows: list[dict], token: str | None = None, issued_to: str = "") -> bytes:
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
    about = wb.add_worksheet(STAMP_SHEET)
    lines = [("发放对象", issued_to), (STAMP_KEY, token or "（无：导入时按历史库当前状态比较）"),
             ("问题", f"{len(rows)} 条"),
             ("填写说明", "只修改“整改状态”“备注”两列；整改状态可填 待整改 / 整改中 / 已销项。"
                          "未改动的行导入时不会覆盖其他人之后在看板上的变更。")]
    about.write_row(0, 0, ["项目", "内容"], bold)
    for r, (key, value) in enumerate(lines, start=1):
        about.write_string(r, 0, key)
        about.write_string(r, 1, xml_safe(value))
    about.set_column(0, 0, 12)
    about.set_column(1, 1, 90)
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
