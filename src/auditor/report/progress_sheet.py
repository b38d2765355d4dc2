"""The 销项进度 sheet of report.xlsx: per squad, items open, in progress, closed this month, overdue,
销项率 and the month-on-month change, reopened this month, then 销项率 and open items per month (挂图作战
on paper). 累计销项 counts 已销项 and 已豁免 alike (an approved exemption closes an item); 其中豁免 shows
how many of them were exempted.

Written only for a recorded run (`result.tracking`, auditor.history.tracking): the figures come from the
history store as it stood at the run's as-of date. The block at the top names the store and the run,
and carries the workbook's 发放标记 so a returned copy imports against the list as issued.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

SHEET = "销项进度"
STAMP_KEY = "发放标记"
COLUMNS = (
    ("squad", "中队", 26), ("items", "问题总数", 8), ("open", "待整改", 7), ("in_progress", "整改中", 7),
    ("month_opened", "本月新增", 8), ("month_closed", "本月销项", 8), ("closed", "累计销项", 8),
    ("exempt", "其中豁免", 8), ("overdue", "超期未整改", 9), ("closure_rate", "销项率", 8),
    ("prev_closure_rate", "上月销项率", 9), ("trend", "环比", 8), ("month_reopened", "本月复现", 8),
)
RATES = ("closure_rate", "prev_closure_rate", "trend")
EN = {"中队": "Squad", "问题总数": "Items", "待整改": "To do", "整改中": "In progress", "本月新增": "New this month",
      "本月销项": "Closed this month", "累计销项": "Closed", "其中豁免": "of which exempt", "本月复现": "Reopened this month", "超期未整改": "Overdue",
      "销项率": "Closure rate", "上月销项率": "Last month", "环比": "Change", "历史库": "History store",
      "审计运行": "Run", "全区合计": "District total", "各月末销项率": "Closure rate at each month end",
      "各月末未整改问题（待整改 + 整改中）": "Open items at each month end (to do + in progress)"}


def write_progress_sheet(w: Any, ws, tracking: Any, lang: str = "zh") -> None:
    """`w` is the workbook's cell writer (excel._Writer); `ws` an empty worksheet. The sheet name and
    the 发放标记 key stay Chinese in both languages: `auditor corrections import` looks for them."""
    t = (lambda text: EN.get(text, text)) if lang == "en" else (lambda text: text)  # noqa: E731
    wb = w.wb
    f_pct = wb.add_format({"font_name": "等线", "font_size": 10, "valign": "top", "num_format": "0.0%"})
    f_pct_total = wb.add_format({"font_name": "等线", "font_size": 10, "bold": True, "top": 1, "num_format": "0.0%"})
    f_pp = wb.add_format({"font_name": "等线", "font_size": 10, "valign": "top", "num_format": '+0.0%;-0.0%;0.0%'})
    w.put(ws, 0, 0, f"Correction progress (as of {tracking.as_of.isoformat()})" if lang == "en" else
          f"销项进度（截至 {tracking.as_of.isoformat()}）", w.f_title)
    ws.set_row(0, 24)
    lst = tracking.lists.get(None)
    meta = [(t("历史库"), str(tracking.store)), (t("审计运行"), f"#{tracking.run_id}"),
            (STAMP_KEY, lst.token if lst is not None else "")]
    for r, (key, value) in enumerate(meta, start=1):
        w.put(ws, r, 0, key, w.f_meta)
        w.put(ws, r, 1, value, w.f_meta)
    head = 5
    w.header(ws, head, [t(zh) for _, zh, _ in COLUMNS], [width for *_, width in COLUMNS])
    w.page_titles(ws, SHEET, f"截至 {tracking.as_of.isoformat()}", "zh")
    progress = tracking.progress if tracking.progress is not None else pd.DataFrame()
    row = head
    for record in progress.to_dict("records"):
        row += 1
        total = record["squad"] == "全区合计"
        for c, (key, _, _) in enumerate(COLUMNS):
            value = t(record["squad"]) if key == "squad" else record.get(key)
            if key in RATES:
                if value is None or pd.isna(value):
                    w.put(ws, row, c, "—", w.f_total if total else None)
                else:
                    ws.write_number(row, c, float(value), f_pct_total if total else f_pp if key == "trend" else f_pct)
            else:
                w.put(ws, row, c, value, w.f_total if total else None)
    ws.freeze_panes(head + 1, 1)
    row += 2
    _trend_block(w, ws, row, tracking.trend, f_pct, t)


def _trend_block(w: Any, ws, row: int, trend: pd.DataFrame | None, f_pct, t) -> None:
    """销项率 and open items per squad (rows) and month (columns)."""
    if trend is None or trend.empty:
        return
    months = sorted(trend["month"].unique())
    squads = sorted(trend["squad"].unique())
    by = {(r["month"], r["squad"]): r for r in trend.to_dict("records")}
    for title, key, fmt in (("各月末销项率", "closure_rate", f_pct), ("各月末未整改问题（待整改 + 整改中）", None, None)):
        w.put(ws, row, 0, t(title), w.f_profile)
        ws.set_row(row, 20)
        row += 1
        w.header(ws, row, [t("中队"), *months], [26, *[9] * len(months)])
        for squad in squads:
            row += 1
            w.put(ws, row, 0, squad)
            for c, month in enumerate(months, start=1):
                r = by.get((month, squad))
                if r is None:
                    continue
                if key is None:
                    w.put(ws, row, c, int(r["open"]) + int(r["in_progress"]))
                elif r[key] is not None and not pd.isna(r[key]):
                    ws.write_number(row, c, float(r[key]), fmt)
        row += 2
