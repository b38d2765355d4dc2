"""The 销项进度 section of the HTML report: 销项率 and open items per squad across months, as inline SVG
(no JavaScript, no network), plus the table behind it. Only for a recorded run (`result.tracking`).

One small panel per squad: a bar per month for the items still open at that month's end (待整改 +
整改中), and a line for the 销项率 at that month's end (right-hand scale, 0–100%).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from markupsafe import Markup, escape

from auditor.report.charts import _clip

PANEL_W, PANEL_H, COLUMNS = 210, 120, 4
BAR_COLOR, LINE_COLOR = "#56B4E9", "#D55E00"
TEXT = {
    "zh": {"title": "销项进度", "note": "截至 {as_of}，历史库 {store}（第 {run} 次审计）",
           "head": ("中队", "问题总数", "待整改", "整改中", "本月销项", "累计销项（含豁免）", "其中豁免", "本月复现",
                    "超期未整改", "销项率", "环比（百分点）"),
           "chart": "各中队各月销项率与未整改问题", "bars": "未整改问题（月末）", "line": "销项率（月末，右轴 0–100%）",
           "open": "未整改", "rate": "销项率", "total": "全区合计"},
    "en": {"title": "Correction progress", "note": "As of {as_of}, history store {store} (run #{run})",
           "head": ("Squad", "Items", "To do", "In progress", "Closed this month", "Closed (incl. exempt)",
                    "of which exempt", "Reopened this month", "Overdue", "Closure rate", "Change (points)"),
           "chart": "Closure rate and open items per squad and month", "bars": "Open items (month end)",
           "line": "Closure rate (month end, right scale 0–100%)", "open": "open", "rate": "closure rate",
           "total": "District total"},
}


def progress_section(tracking: Any, lang: str = "zh") -> dict[str, Any] | None:
    """The template context of the section, or None when the run was not recorded."""
    if tracking is None:
        return None
    text = TEXT["en" if lang == "en" else "zh"]
    progress = tracking.progress if tracking.progress is not None else pd.DataFrame()
    rows = []
    for r in progress.to_dict("records"):
        rows.append({"squad": text["total"] if r["squad"] == "全区合计" else r["squad"], "items": int(r["items"]),
                     "open": int(r["open"]),
                     "in_progress": int(r["in_progress"]), "month_closed": int(r["month_closed"]),
                     "closed": int(r["closed"]), "exempt": int(r["exempt"]),
                     "reopened": int(r.get("month_reopened") or 0), "overdue": int(r["overdue"]),
                     "rate": _pct(r["closure_rate"]),
                     "trend": _pp(r["trend"]), "total": r["squad"] == "全区合计"})
    return {"title": text["title"], "head": text["head"], "chart_title": text["chart"],
            "note": text["note"].format(as_of=tracking.as_of.isoformat(), store=tracking.store, run=tracking.run_id),
            "rows": rows, "chart": progress_chart(tracking.trend, text)}


def _pct(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{100 * float(value):.1f}%"


def _pp(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{100 * float(value):+.1f}"


def progress_chart(trend: pd.DataFrame | None, text: dict | None = None) -> Markup:
    text = text or TEXT["zh"]
    if trend is None or trend.empty:
        return Markup("")
    months = sorted(trend["month"].unique())
    squads = sorted(trend["squad"].unique())
    by = {(r["month"], r["squad"]): r for r in trend.to_dict("records")}
    most = max([int(r["open"]) + int(r["in_progress"]) for r in by.values()] + [1])
    rows_n = -(-len(squads) // COLUMNS)
    width, height = COLUMNS * PANEL_W, 30 + rows_n * PANEL_H
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="progress-chart" viewBox="0 0 {width} {height}"'
             f' width="{width}" height="{height}" role="img" aria-label="{escape(text["chart"])}">',
             f'<rect x="8" y="6" width="12" height="12" fill="{BAR_COLOR}"/>'
             f'<text x="24" y="17" class="legend">{escape(text["bars"])}</text>'
             f'<line x1="200" y1="12" x2="220" y2="12" stroke="{LINE_COLOR}" stroke-width="2"/>'
             f'<text x="224" y="17" class="legend">{escape(text["line"])}</text>']
    for k, squad in enumerate(squads):
        x0, y0 = (k % COLUMNS) * PANEL_W, 30 + (k // COLUMNS) * PANEL_H
        parts.append(_panel(squad, months, by, most, x0, y0, text))
    parts.append("</svg>")
    return Markup("".join(parts))


def _panel(squad: str, months: list[str], by: dict, most: int, x0: int, y0: int, text: dict) -> str:
    left, top, plot_w, plot_h = x0 + 26, y0 + 20, PANEL_W - 66, PANEL_H - 48
    step = plot_w / max(len(months), 1)
    out = [f'<g class="panel" data-squad="{escape(squad)}">',
           f'<text x="{x0 + 4}" y="{y0 + 13}" class="label"><title>{escape(squad)}</title>'
           f'{escape(_clip(squad, PANEL_W - 10))}</text>',
           f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>',
           f'<text x="{left - 3}" y="{top + 8}" text-anchor="end" class="value">{most}</text>',
           f'<text x="{left + plot_w + 3}" y="{top + 8}" class="value">100%</text>']
    points = []
    for i, month in enumerate(months):
        r = by.get((month, squad))
        cx = left + step * i + step / 2
        if r is None:
            continue
        open_n = int(r["open"]) + int(r["in_progress"])
        h = plot_h * open_n / most
        out.append(f'<rect class="bar" x="{cx - step * 0.3:.1f}" y="{top + plot_h - h:.1f}" width="{step * 0.6:.1f}"'
                   f' height="{h:.1f}" fill="{BAR_COLOR}">'
                   f'<title>{escape(squad)} {month} {escape(text["open"])} {open_n}</title></rect>')
        rate = r["closure_rate"]
        if rate is not None and not pd.isna(rate):
            cy = top + plot_h * (1 - float(rate))
            points.append((cx, cy))
            out.append(f'<circle class="rate" cx="{cx:.1f}" cy="{cy:.1f}" r="2.5" fill="{LINE_COLOR}">'
                       f'<title>{escape(squad)} {month} {escape(text["rate"])} {100 * float(rate):.1f}%</title>'
                       '</circle>')
        out.append(f'<text x="{cx:.1f}" y="{top + plot_h + 12}" text-anchor="middle" class="value">{month[2:]}</text>')
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{LINE_COLOR}" stroke-width="2"/>')
    out.append("</g>")
    return "".join(out)
