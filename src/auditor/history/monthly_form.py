"""Write the monthly feedback form (月度情况反馈表, seed 000 annex 3) as an Excel workbook: a 全区 sheet
and one sheet per squad, each in the form's own layout (merged cells as on the paper form).

Numbers the store knows are filled in; 重点整治问题进展情况 lists one row per open 严重 item (date found,
source, case, 问题概况, 整治情况, 完成时限) so nothing is cut off in print; the narrative rows the store
cannot know (督导, 教育培训, 长效机制, 其它) say "无" for the squad to overwrite. Text is written with
write_string (never a formula).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from auditor.atomic import atomic_path
from auditor.history.text import display_width
from auditor.history.monthly import (
    DISTRICT, KEY_COLUMN, SOURCE_COLUMNS, MonthlyFigures, ProblemSources, UnitFigures, form_source, monthly_figures,
)
from auditor.cells import neutralise, xml_safe
from auditor.cells import sheet_names

DEFAULT_AUTHORITY = "静安区城管执法系统"
NARRATIVE_ROWS = ("督导情况", "教育培训情况", "长效机制建立情况", "其它情况")
MAX_CELL = 32767
MAX_LISTED = 200  # a form cell is not a register: beyond this, refer to the corrections list


def write_monthly(db_path: str | Path, month: str | date, out: str | Path, *,
                  authority: str = DEFAULT_AUTHORITY, allow_no_audit: bool = False,
                  sources: ProblemSources | None = None) -> MonthlyFigures:
    """Fill the form for `month` (e.g. "2025-05") from the store and write it to `out`. A month with no
    recorded audit is refused unless `allow_no_audit` (the form then says whose state it shows)."""
    figures = monthly_figures(db_path, month, allow_no_audit=allow_no_audit, sources=sources)
    with atomic_path(out) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
        # Fixed document date: the same store and month give the same bytes.
        wb.set_properties({"title": f"{authority}月度情况反馈表 {figures.month:%Y-%m}",
                           "created": datetime.combine(figures.month_end, datetime.min.time())})
        fmt = _formats(wb)
        names = sheet_names([s.unit for s in figures.squads], reserved=[DISTRICT])
        _sheet(wb.add_worksheet(DISTRICT), fmt, figures, figures.district, authority)
        for unit in figures.squads:
            _sheet(wb.add_worksheet(names[unit.unit]), fmt, figures, unit, authority)
        wb.close()
    return figures


def _formats(wb) -> dict:
    base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter", "text_wrap": True}
    cell = {**base, "border": 1, "align": "center"}
    return {
        "title": wb.add_format({**base, "font_name": "方正小标宋简体", "font_size": 16, "bold": True, "align": "center"}),
        "meta": wb.add_format({**base, "align": "left"}),
        "cell": wb.add_format(cell),
        "head": wb.add_format({**cell, "bold": True}),
        "num": wb.add_format({**cell, "num_format": "0"}),
        "text": wb.add_format({**cell, "align": "left", "valign": "top"}),
        "note": wb.add_format({**base, "font_size": 9, "align": "left", "valign": "top"}),
    }


def _text(value: str) -> str:
    return neutralise(xml_safe(value))[:MAX_CELL]


def _sheet(ws, fmt: dict, figures: MonthlyFigures, unit: UnitFigures, authority: str) -> None:
    month_label = f"{figures.month.year}年{figures.month.month}月"
    year_label = f"{figures.month.year}年起至今"
    put = lambda r, c, text, f="cell": ws.write_string(r, c, _text(text), fmt[f])  # noqa: E731
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 6, 14)
    ws.merge_range(0, 0, 0, 6, _text(f"{authority}“整治城管执法不规范问题”整治工作月度情况反馈表"), fmt["title"])
    ws.set_row(0, 36)
    ws.merge_range(1, 0, 1, 3, _text(f"填报单位：{unit.unit}"), fmt["meta"])
    ws.merge_range(1, 4, 1, 6, "填报日期：", fmt["meta"])
    # 问题线索发现情况（数量）: three rows, the label merged down the first column.
    ws.merge_range(2, 0, 4, 0, "问题线索发现情况（数量）", fmt["head"])
    put(2, 1, "问题线索来源", "head")
    ws.set_row(2, 32)
    for c, label in enumerate((*SOURCE_COLUMNS, "其中列入重点\n整治清单"), start=2):
        put(2, c, label, "head")
    for r, (label, counts) in enumerate(((month_label, unit.found_month), (year_label, unit.found_year)), start=3):
        put(r, 1, label)
        for c, key in enumerate((*SOURCE_COLUMNS, KEY_COLUMN), start=2):
            ws.write_number(r, c, counts[key], fmt["num"])
    # 整治情况（数量）
    ws.merge_range(5, 0, 7, 0, "整治情况（数量）", fmt["head"])
    put(5, 1, "整治时间", "head")
    put(5, 2, month_label, "head")
    put(5, 3, year_label, "head")
    ws.merge_range(5, 4, 5, 6, "备注", fmt["head"])
    exempted = f"；本月完成数含经批准豁免 {unit.exempt_month} 个" if unit.exempt_month else ""
    remarks = (f"月底仍未整改 {unit.open_end} 个，其中超期 {unit.overdue_end} 个{exempted}",
               f"月底重点整治问题未完成 {len(unit.key_open)} 个")
    for r, (label, m, y) in enumerate((("整治完成城管执法不规范问题", unit.fixed_month, unit.fixed_year),
                                       ("完成重点整治问题", unit.key_fixed_month, unit.key_fixed_year)), start=6):
        put(r, 1, label)
        ws.write_number(r, 2, m, fmt["num"])
        ws.write_number(r, 3, y, fmt["num"])
        ws.merge_range(r, 4, r, 6, _text(remarks[r - 6]), fmt["text"])
    row = _progress_rows(ws, fmt, put, unit, 8)
    for label in NARRATIVE_ROWS:
        ws.merge_range(row, 0, row, 1, label, fmt["head"])
        ws.merge_range(row, 2, row, 6, "无", fmt["text"])
        ws.set_row(row, 40)
        row += 1
    ws.merge_range(row + 1, 0, row + 1, 3, "填表人：", fmt["meta"])
    ws.merge_range(row + 1, 4, row + 1, 6, "单位负责人签字：", fmt["meta"])
    carried = ("" if figures.runs_in_month else
               f"注意：{figures.month.year}年{figures.month.month}月没有审计记录，本表按 {figures.last_as_of} 的审计状态填报。")
    ws.merge_range(row + 3, 0, row + 3, 6, _text(
        f"{carried}说明：本表数字由 auditor 根据审计历史库自动统计（截至 {figures.month_end.isoformat()}，共 {figures.runs} 次审计）。"
        "问题均由审计对案卷的检查发现，问题线索来源为主动排查发现；重点整治问题为严重程度“严重”的问题；"
        "整治完成以审计复查确认销项（已销项）为准。"), fmt["note"])
    ws.set_row(row + 3, 48)
    ws.print_area(0, 0, row + 3, 6)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)


def _wrapped_lines(text: str, width: int) -> int:
    """Lines `text` takes in a wrapped cell `width` characters wide (a Chinese character counts two)."""
    return sum(max(1, -(-display_width(line) // width)) for line in text.split("\n"))


PROGRESS_HEADER = ("发现日期及来源", "案件编号", "问题概况", "整治情况", "完成时限")


def _progress_rows(ws, fmt: dict, put, unit: UnitFigures, row: int) -> int:
    """重点整治问题进展情况: a header, then one row per open 严重 item ("无" when none); returns the next row."""
    items = unit.key_open[:MAX_LISTED]
    more = len(unit.key_open) > MAX_LISTED
    height = 1 + max(len(items), 1) + (1 if more else 0)
    if height > 1:
        ws.merge_range(row, 0, row + height - 1, 1, "重点整治问题进展情况", fmt["head"])
    else:
        ws.merge_range(row, 0, row, 1, "重点整治问题进展情况", fmt["head"])
    for c, label in enumerate(PROGRESS_HEADER, start=2):
        put(row, c, label, "head")
    if not items:
        ws.merge_range(row + 1, 2, row + 1, 6, "无", fmt["text"])
        return row + 2
    for n, item in enumerate(items, start=1):
        r = row + n
        first = date.fromisoformat(item["first_as_of"])
        squad = f"{item['squad']}\n" if unit.unit == DISTRICT else ""
        put(r, 2, f"{n}. {first.year}年{first.month}月{first.day}日\n{item.get('problem_source') or form_source()}",
            "text")
        put(r, 3, f"{squad}{item['case_id']}\n（规则 {item['rule_id']}）", "text")
        put(r, 4, item.get("title_zh") or "", "text")
        put(r, 5, item["status"], "text")
        put(r, 6, item.get("due") or "未定", "text")
        ws.set_row(r, 15 * max(_wrapped_lines(item.get("title_zh") or "", 14), 3 if squad else 2) + 6)
    if more:
        ws.merge_range(row + len(items) + 1, 2, row + len(items) + 1, 6,
                       _text(f"……共 {len(unit.key_open)} 项，其余见整改清单。"), fmt["text"])
    return row + height
