"""One corrections list (整改清单) per squad: `整改清单/<squad>.xlsx`, the file a squad fills in and returns.

Each holds only that squad's items with their 问题编号, current 整改状态, the 完成时限 in force (the first
one, carried forward, also for a reopened item), overdue days, 备注, what this month's audit did (新增 /
持续 / 复现 / 本次销项) and a 状态说明 (how an item was closed: by an audit, by the squad's own report or
by an approved exemption with who and when; or that it was reopened past its first 完成时限).
The 说明 sheet carries the stamp (发放标记): the run and squad it was issued for, in which store.
`auditor corrections import` applies only what the squad changed relative to the list as issued.
Without a recorded run (no history) the lists are written from the findings and carry no stamp.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from auditor.atomic import atomic_path
from auditor.history.tracking import LIFECYCLE_ZH, ItemState, Tracking, overdue_days
from auditor.history.transitions import OPEN_TODO, SETTABLE
from auditor.report import labels
from auditor.report.common import neutralise, tr, xml_safe
from auditor.report.excel import _Writer

LISTS_DIR = "整改清单"
STAMP_SHEET = "说明"
STAMP_KEY = "发放标记"
LIST_SHEET = "整改清单"
HEADER = ("序号", "问题编号", "案件编号", "规则编号", "问题类型", "严重程度", "问题描述", "整改措施", "完成时限",
          "超期天数", "本次审计", "整改状态", "备注", "状态说明")
WIDTHS = (5, 21, 20, 14, 22, 7, 48, 32, 11, 8, 9, 9, 30, 36)
_FILE_BAD = re.compile(r'[\x00-\x1f<>:"/\\|?*]')


def squad_file_name(squad: str) -> str:
    """A file name for the squad's list that every file system accepts."""
    return (_FILE_BAD.sub("_", squad).strip(" .") or "_")[:100] + ".xlsx"


def write_squad_lists(result: Any, out_dir: str | Path, tracking: Tracking | None = None) -> list[Path]:
    """Write one workbook per squad into `out_dir` (created); returns the files written."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    findings = {f.fingerprint: f for f in result.findings}
    rows: dict[str, list[ItemState]] = {}
    if tracking is not None:
        for state in tracking.items.values():
            rows.setdefault(state.squad, []).append(state)
    else:  # not recorded: this run's findings, as new items
        for f in result.findings:
            rows.setdefault(f.squad, []).append(ItemState(
                f.fingerprint, f.squad, f.case_id, OPEN_TODO, f.correction_due,
                overdue_days(OPEN_TODO, f.correction_due, result.as_of), None, "new", result.as_of))
    written = []
    for squad in sorted(rows):
        issued = tracking.lists.get(squad) if tracking is not None else None
        path = folder / squad_file_name(squad)
        _write_one(path, result, squad, sorted(rows[squad], key=_order), findings, tracking, issued)
        written.append(path)
    return written


def _order(state: ItemState):
    return (state.status not in ("待整改", "整改中"), -state.overdue_days, state.case_id, state.fingerprint)


def _write_one(path: Path, result, squad: str, states: list[ItemState], findings: dict, tracking, issued) -> None:
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd"})
        wb.set_properties({"title": f"{squad} 整改清单", "created": datetime(2000, 1, 1)})
        w = _Writer(wb)
        ws = wb.add_worksheet(LIST_SHEET)
        w.header(ws, 0, list(HEADER), list(WIDTHS))
        w.page_titles(ws, f"{squad} 整改清单", f"截止 {result.as_of.isoformat()}", "zh")
        text = lambda v: neutralise(xml_safe(v or ""))  # noqa: E731
        f_overdue = wb.add_format({"font_name": "等线", "font_size": 10, "valign": "top", "bold": True,
                                   "font_color": "#C0392B", "num_format": "0"})
        for i, s in enumerate(states, start=1):
            f = findings.get(s.fingerprint)
            ws.write_number(i, 0, i, w.f_num)
            ws.write_string(i, 1, s.fingerprint, w.f_text)
            ws.write_string(i, 2, text(s.case_id), w.f_text)
            if f is not None:
                ws.write_string(i, 3, text(f.rule_id), w.f_wrap)
                ws.write_string(i, 4, text(f"{labels.theme_label(f.theme, 'zh')}：{tr(f.title, 'zh')}"), w.f_wrap)
                ws.write_string(i, 5, labels.severity_label(f.severity, "zh"), w.f_sev.get(f.severity, w.f_text))
                ws.write_string(i, 6, text(tr(f.message, "zh")), w.f_wrap)
                ws.write_string(i, 7, text(tr(f.correction, "zh")), w.f_wrap)
            else:
                ws.write_string(i, 6, "本次审计未再发现该问题，已自动销项", w.f_wrap)
            if s.due is not None:
                ws.write_datetime(i, 8, datetime.combine(s.due, datetime.min.time()), w.f_date)
            ws.write_number(i, 9, s.overdue_days, f_overdue if s.overdue_days else w.f_num)
            ws.write_string(i, 10, LIFECYCLE_ZH.get(s.lifecycle, s.lifecycle), w.f_text)
            ws.write_string(i, 11, s.status, w.f_text)
            if s.note:
                ws.write_string(i, 12, text(s.note), w.f_wrap)
            if s.remark:  # how it was closed (audit / the squad's report / exemption) or reopened
                ws.write_string(i, 13, text(s.remark), w.f_wrap)
            ws.set_row(i, 54)
        ws.data_validation(1, 11, max(len(states), 1) + 200, 11, {
            "validate": "list", "source": list(SETTABLE) + (["已豁免"] if any(s.status == "已豁免" for s in states)
                                                            else []),
            "error_title": "整改状态", "error_message": "请选择：" + " / ".join(SETTABLE)})
        ws.freeze_panes(1, 3)
        ws.autofilter(0, 0, max(len(states), 1), len(HEADER) - 1)
        ws.activate()
        _stamp_sheet(w, wb.add_worksheet(STAMP_SHEET), result, squad, states, tracking, issued)
        wb.close()


def _stamp_sheet(w: _Writer, ws, result, squad: str, states: list[ItemState], tracking, issued) -> None:
    open_n = sum(s.status in ("待整改", "整改中") for s in states)
    overdue = sum(s.overdue_days > 0 for s in states)
    lines = [
        ("中队", squad), ("审计截止日期", result.as_of.isoformat()),
        ("审计运行", f"#{tracking.run_id}" if tracking else "未记入历史库"),
        ("历史库", str(tracking.store) if tracking else "（无）"),
        (STAMP_KEY, issued.token if issued else "（无：本清单未发放，导入时按历史库当前状态比较）"),
        ("问题", f"{len(states)} 条，其中未整改 {open_n} 条（超期 {overdue} 条）"),
        ("填写说明", "只修改“整改状态”和“备注”两列；整改状态可填 " + " / ".join(SETTABLE)
         + "。已销项只能由审计确认后保持，已豁免（经批准的豁免，计入销项）只能由豁免登记表设置。未改动的行导入时不会覆盖其他人之后的变更。"),
    ]
    w.header(ws, 0, ["项目", "内容"], [16, 90])
    for r, (key, value) in enumerate(lines, start=1):
        ws.write_string(r, 0, key, w.f_text)
        ws.write_string(r, 1, neutralise(xml_safe(value)), w.f_wrap)
