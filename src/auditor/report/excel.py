"""The Excel workbook (`report.xlsx`, xlsxwriter): what the supervision section sends to the squads.

Sheets, in order: 汇总 (summary: profile in force named at the top, notices, per-squad figures and
rank, load counts), one 整改清单 sheet per squad in rank order (layout fixed by
docs/result-contract.md, read back by `auditor corrections import`), 早期预警, 规则, 拒收记录, 参数方案.

Case text never becomes a formula: the workbook is opened with strings_to_formulas/urls/numbers off,
every text goes through `write_string`, and text with a leading = + - @ tab CR is still prefixed with
a quote for whoever copies the cell elsewhere. Dates are real date cells (yyyy-mm-dd).

A list longer than a sheet holds (Excel's 1,048,576 rows) continues on sheets named "… (2)", "… (3)",
numbered on; the summary sheet says which lists were split. `auditor corrections import` reads every
sheet with the corrections header, so a split list imports whole.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from auditor.scoring import describe as describe_score
from auditor.atomic import atomic_path
from auditor.findings import SEVERITIES
from auditor.model.fields import TABLE_ZH
from auditor.exceptions_register import EXEMPT
from auditor.cells import sheet_names  # noqa: F401 - re-exported
from auditor.report import coverage_sheets, labels
from auditor.report.common import (
    basis_text, departments_text, field_text, is_missing, load_counts, load_list, masked_rejected_value,
    neutralise, param_descriptions, param_value_text, plain, profile_name, profile_overrides, profile_params,
    rule_attr, to_date, tr, xml_safe,
)
from auditor.report.summary import Summary, summarize
from auditor.textwidth import display_width

_MAX_CELL = 32767  # Excel's limit on the characters of one cell
EXCEL_MAX_ROWS = 1_048_576  # Excel's rows per sheet, the header row included
_SPARE_ROWS = 200  # below a corrections list: hand-added rows still get the status dropdown
SEVERITY_COLORS = {"严重": "#C0392B", "一般": "#D68910", "提示": "#2874A6"}


def _row_height(cells: list[tuple[str, float]], line_height: float = 13.5) -> float | None:
    """Height for a row whose wrapped cells need several lines (viewers do not all autofit)."""
    lines = 1
    for text, width in cells:
        for part in text.split("\n"):
            lines = max(lines, -(-display_width(part) // max(int(width) - 1, 1)))
    return line_height * min(lines, 12) if lines > 1 else None


class _Writer:
    """Cell writing with the workbook's formats; every value goes through `put`."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        base = {"font_name": "等线", "font_size": 10, "valign": "top"}
        self.f_text = wb.add_format(base)
        self.f_wrap = wb.add_format({**base, "text_wrap": True})
        self.f_date = wb.add_format({**base, "num_format": "yyyy-mm-dd", "align": "left"})
        self.f_num = wb.add_format({**base, "num_format": "0"})
        self.f_score = wb.add_format({**base, "num_format": "0.00"})
        self.f_head = wb.add_format({**base, "bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF",
                                     "border": 1, "text_wrap": True, "valign": "vcenter"})
        self.f_title = wb.add_format({**base, "bold": True, "font_size": 16})
        self.f_meta = wb.add_format({**base, "font_size": 11})
        self.f_profile = wb.add_format({**base, "bold": True, "font_size": 12, "font_color": "#1F4E79"})
        self.f_notice = wb.add_format({**base, "bold": True, "font_color": "#C0392B", "font_size": 11})
        self.f_total = wb.add_format({**base, "bold": True, "top": 1})
        self.f_total_score = wb.add_format({**base, "bold": True, "top": 1, "num_format": "0.00"})
        self.f_sev = {s: wb.add_format({**base, "bold": True, "font_color": c}) for s, c in SEVERITY_COLORS.items()}

    def put(self, ws, row: int, col: int, value: Any, fmt=None) -> None:
        if is_missing(value) or value == "":
            if fmt is not None:
                ws.write_blank(row, col, None, fmt)
            return
        if isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt or self.f_text)
        elif isinstance(value, (datetime, date)) or hasattr(value, "to_pydatetime"):
            ws.write_datetime(row, col, to_date(value), fmt or self.f_date)
        elif isinstance(value, (int, float)):
            ws.write_number(row, col, value, fmt or self.f_num)
        else:
            text = neutralise(xml_safe(str(value)))[:_MAX_CELL]
            ws.write_string(row, col, text, fmt or self.f_text)

    def header(self, ws, row: int, names: list[str], widths: list[float]) -> None:
        for c, (name, width) in enumerate(zip(names, widths)):
            ws.write_string(row, c, name, self.f_head)
            ws.set_column(c, c, width)
        ws.set_row(row, 30)
        # Printed on A4 landscape, one page wide, the header repeated on every page.
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(row)

    def page_titles(self, ws, left: str, right: str, lang: str) -> None:
        """Print header (what the sheet is, as of when) and footer (page numbers)."""
        def clean(text: str) -> str:  # & starts a control code in Excel headers
            return xml_safe(text).replace("&", "&&")[:100]
        ws.set_header(f"&L&9{clean(left)}&R&9{clean(right)}", {"margin": 0.3})
        ws.set_footer(f"&C&9{labels.text('page_of', lang)}", {"margin": 0.3})


def _summary_sheet(w: _Writer, ws, result: Any, summary: Summary, lang: str, show_personal_data: bool,
                   split_notes: list[str]) -> None:
    t = lambda k, **kw: labels.text(k, lang, **kw)  # noqa: E731
    meta = result.metadata or {}
    prof = meta.get("profile") or {}
    pack = meta.get("rule_pack") or {}
    row = 0
    w.put(ws, row, 0, t("report_title"), w.f_title)
    ws.set_row(0, 24)
    ws.set_row(1, 18)
    row += 1
    profile = profile_name(result) + (f"（{prof.get('path')}）" if prof.get("path") else "")
    w.put(ws, row, 0, f"{t('profile')}：{profile or '—'}", w.f_profile)
    row += 1
    c = "：" if lang != "en" else ": "
    w.put(ws, row, 0, f"{t('as_of')}{c}{result.as_of.isoformat()}    {t('rule_pack')}{c}{pack.get('version') or '—'}"
                      f"（{pack.get('rules', len(result.rules))}）    "
                      f"{t('engine')}{c}{labels.engine_label(result, lang, '—')}    "
                      f"{t('mapping_profile')}{c}{labels.mapping_label(str(meta.get('mapping_profile') or ''), lang)}",
          w.f_meta)
    row += 1
    if show_personal_data:
        w.put(ws, row, 0, t("personal_shown"), w.f_notice)
        row += 1
    for n in result.notices:
        w.put(ws, row, 0, "⚠ " + tr(n.message, lang), w.f_notice)
        row += 1
    for note in split_notes:
        w.put(ws, row, 0, "⚠ " + note, w.f_notice)
        row += 1
    row += 1

    themes = list(summary.themes)
    head = [t("rank"), t("squad"), t("cases"), t("cases_with_findings"), t("findings")]
    head += [labels.theme_label(th, lang) for th in themes]
    head += [labels.severity_label(s, lang) for s in SEVERITIES] + [t("warnings"), t("failed_cases"), t("score")]
    squad_w = min(max([16] + [display_width(s.squad) + 2 for s in summary.squads]), 40)  # full names
    widths = [5, squad_w, 9, 10, 7] + [7] * len(themes) + [6] * len(SEVERITIES) + [7, 8, 9]
    head_row = row
    w.header(ws, head_row, head, widths)
    w.page_titles(ws, t("report_title"), f"{t('as_of')} {result.as_of.isoformat()}", lang)
    for sq in summary.squads:
        row += 1
        vals = [sq.rank, sq.squad, sq.cases, sq.cases_with_findings, sq.findings]
        vals += [sq.by_theme.get(th, 0) for th in themes] + [sq.by_severity[s] for s in SEVERITIES]
        vals += [sq.warnings, sq.failed_cases]
        for c, v in enumerate(vals):
            w.put(ws, row, c, v)
        w.put(ws, row, len(vals), sq.score, w.f_score)
    last = row
    row += 1
    tot = summary.total
    vals = ["", t("total"), tot.cases, tot.cases_with_findings, tot.findings]
    vals += [tot.by_theme.get(th, 0) for th in themes] + [tot.by_severity[s] for s in SEVERITIES]
    vals += [tot.warnings, tot.failed_cases]
    for c, v in enumerate(vals):
        w.put(ws, row, c, v, w.f_total)
    w.put(ws, row, len(vals), tot.score, w.f_total_score)
    ws.freeze_panes(head_row + 1, 2)
    ws.autofilter(head_row, 0, max(last, head_row), len(head) - 1)
    row += 2
    w.put(ws, row, 0, describe_score(summary.model, lang, labels.severity_label), w.f_meta)
    row += 2
    w.put(ws, row, 0, t("load"), w.f_profile)
    ws.set_row(row, 20)  # the bigger title font must not run under the table header below
    row += 1
    for c, name in enumerate([t("table"), t("rows_in"), t("loaded"), t("rejected")]):
        ws.write_string(row, c + 1, name, w.f_head)
    for table, rows_in, loaded, rejected in load_counts(result):
        row += 1
        label = table if lang == "en" else TABLE_ZH.get(table, table)
        for c, v in enumerate([label, rows_in, loaded, rejected]):
            w.put(ws, row, c + 1, v)


def _squad_sheet(w: _Writer, ws, squad: str, findings: list, lang: str, exemptions: dict, as_of: date,
                 first: int = 1, max_rows: int = EXCEL_MAX_ROWS, tracking: Any = None) -> None:
    # Sized so the sheet prints one A4 landscape page wide at a readable scale: the long texts get
    # the room, the short ones wrap (a rule id breaks at its hyphens).
    widths = [4, 21, 14, 9, 18, 6, 40, 28, 32, 14, 11, 9, 10]
    # Case and rule ids vary by district and pack: fit those two columns to their content.
    widths[2] = min(max([widths[2]] + [display_width(f.case_id) + 2 for f in findings]), 32)
    widths[3] = min(max([widths[3]] + [display_width(f.rule_id) + 2 for f in findings]), 16)
    w.header(ws, 0, list(labels.CORRECTIONS_HEADER), widths)
    w.page_titles(ws, labels.text("squad_sheet_header", lang, squad=squad),
                  f"{labels.text('as_of', lang)} {as_of.isoformat()}", lang)
    text = lambda v: neutralise(xml_safe(v))[:_MAX_CELL]  # noqa: E731  (hot loop: no `put` dispatch)
    sep = "：" if lang != "en" else ": "
    state = labels.CORRECTION_STATES[0]
    for i, f in enumerate(findings, start=1):
        kind = text(f"{labels.theme_label(f.theme, lang)}{sep}{tr(f.title, lang)}")
        message = text(tr(f.message, lang))
        basis = text(basis_text(f.basis, lang))
        correction = text(tr(f.correction, lang))
        departments = text(departments_text(f.departments, lang))
        ws.write_number(i, 0, first + i - 1, w.f_num)
        ws.write_string(i, 1, f.fingerprint, w.f_text)
        ws.write_string(i, 2, text(f.case_id), w.f_text)
        ws.write_string(i, 3, text(f.rule_id), w.f_wrap)
        ws.write_string(i, 4, kind, w.f_wrap)
        ws.write_string(i, 5, labels.severity_label(f.severity, lang), w.f_sev.get(f.severity, w.f_text))
        ws.write_string(i, 6, message, w.f_wrap)
        ws.write_string(i, 7, basis, w.f_wrap)
        ws.write_string(i, 8, correction, w.f_wrap)
        ws.write_string(i, 9, departments, w.f_wrap)
        # A recorded run shows each item's progress carried forward: its status, the first 完成时限
        # still in force and the squad's 备注 (auditor.history.tracking).
        item = tracking.items.get(f.fingerprint) if tracking is not None else None
        due = item.due if item is not None else f.correction_due
        if due is not None:
            ws.write_datetime(i, 10, due, w.f_date)
        exempt = exemptions.get(f.fingerprint)
        # An exempted finding is listed as 已豁免 with its reason, so a returned sheet imports cleanly.
        ws.write_string(i, 11, item.status if item is not None else EXEMPT if exempt else state, w.f_text)
        if item is not None and item.note:
            ws.write_string(i, 12, text(item.note), w.f_wrap)
        elif exempt and item is None:  # a recorded run's 备注 is the squad's own: an import compares it as issued
            ws.write_string(i, 12, text(f"豁免：{exempt.get('reason', '')}（{exempt.get('approver', '')}）"), w.f_wrap)
        height = _row_height([(f.rule_id, widths[3]), (kind, widths[4]), (message, widths[6]), (basis, widths[7]),
                              (correction, widths[8]), (departments, widths[9])])
        if height:
            ws.set_row(i, height)
    n = len(findings)
    # The dropdown also covers a spare block below the list so hand-added rows get it too.
    ws.data_validation(1, 11, min(max(n, 1) + _SPARE_ROWS, max_rows - 1), 11, {
        "validate": "list", "source": list(labels.CORRECTION_STATES) + ([EXEMPT] if exemptions else []),
        "error_title": "整改状态", "error_message": "请选择：" + " / ".join(labels.CORRECTION_STATES),
    })
    ws.freeze_panes(1, 3)
    ws.autofilter(0, 0, max(n, 1), len(labels.CORRECTIONS_HEADER) - 1)


def _table_sheet(w: _Writer, ws, columns, rows: list[list[Any]], widths: list[float], lang: str,
                 wrap: tuple[int, ...] = ()) -> None:
    w.header(ws, 0, labels.headers(columns, lang), widths)
    for r, vals in enumerate(rows, start=1):
        for c, v in enumerate(vals):
            w.put(ws, r, c, v, w.f_wrap if c in wrap else None)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)


def _parts(rows: list, max_rows: int) -> list[list]:
    """`rows` cut into pieces that fit a sheet under its header row (at least one piece, maybe empty)."""
    size = max(1, max_rows - 1)
    return [rows[i:i + size] for i in range(0, len(rows), size)] or [[]]


def _part_name(name: str, k: int) -> str:
    """The k-th sheet of a list: the name, then "name (2)", ... (the suffix kept within 31 characters)."""
    suffix = f" ({k + 1})"
    return name if k == 0 else name[: 31 - len(suffix)] + suffix


def _split_note(what: str, parts: int, lang: str) -> str:
    return labels.text("sheet_split", lang, what=what, n=parts, limit=f"{EXCEL_MAX_ROWS:,}")


def write_xlsx(result: Any, path: str | Path, *, lang: str = "zh", show_personal_data: bool = False,
               max_rows: int = EXCEL_MAX_ROWS) -> list[Path]:
    """Write the workbook; returns [path]. `max_rows`: rows per sheet (Excel's limit; lower in tests)."""
    summary = summarize(result)
    reserved_keys = ("summary", "warnings", "rules", "rejected", "parameters")
    reserved = [labels.sheet_name(k, lang) for k in reserved_keys]
    by_squad: dict[str, list] = {s.squad: [] for s in summary.squads}
    for f in result.findings:
        by_squad.setdefault(f.squad, []).append(f)
    squad_parts = {sq: _parts(fs, max_rows) for sq, fs in by_squad.items()}
    warning_parts = _parts(result.warnings, max_rows)
    rejected_parts = _parts(load_list(result, "rejected"), max_rows)
    extra_reserved = [_part_name(reserved[1], k) for k in range(1, len(warning_parts))]
    extra_reserved += [_part_name(reserved[3], k) for k in range(1, len(rejected_parts))]
    extra_reserved.append("销项进度")  # auditor.report.progress_sheet.SHEET, for a recorded run
    extra_reserved += coverage_sheets.sheet_names(lang)
    names = sheet_names([_part_name(s.squad, k) for s in summary.squads for k in range(len(squad_parts[s.squad]))],
                        reserved + extra_reserved)
    split_notes = [_split_note(sq.squad, len(squad_parts[sq.squad]), lang) for sq in summary.squads
                   if len(squad_parts[sq.squad]) > 1]
    split_notes += [_split_note(name, len(parts), lang) for name, parts in
                    ((reserved[1], warning_parts), (reserved[3], rejected_parts)) if len(parts) > 1]
    exemptions = (result.metadata or {}).get("exemptions") or {}

    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd",
        })
        # Fixed document properties: xlsxwriter would otherwise stamp the current time.
        wb.set_properties({"title": labels.text("report_title", lang), "created": datetime(2000, 1, 1)})
        wb.set_calc_mode("manual")
        w = _Writer(wb)
        ws = wb.add_worksheet(reserved[0])
        _summary_sheet(w, ws, result, summary, lang, show_personal_data, split_notes)
        ws.activate()
        if getattr(result, "tracking", None) is not None:  # a recorded run: progress across months
            from auditor.report.progress_sheet import SHEET, write_progress_sheet

            write_progress_sheet(w, wb.add_worksheet(SHEET), result.tracking, lang)
        for sq in summary.squads:
            first = 1
            for k, part in enumerate(squad_parts[sq.squad]):
                _squad_sheet(w, wb.add_worksheet(names[_part_name(sq.squad, k)]), sq.squad, part, lang, exemptions,
                             result.as_of, first=first, max_rows=max_rows, tracking=getattr(result, "tracking", None))
                first += len(part)
        for k, part in enumerate(warning_parts):
            _table_sheet(w, wb.add_worksheet(_part_name(reserved[1], k)), labels.WARNING_COLUMNS,
                         [[x.due, int(x.days_left), x.squad, x.case_id, x.rule_id, tr(x.label, lang)]
                          for x in part], [12, 9, 22, 16, 10, 40], lang, wrap=(5,))
        _table_sheet(w, wb.add_worksheet(reserved[2]), labels.RULE_COLUMNS,
                     [[str(rule_attr(r, "id")), tr(rule_attr(r, "title"), lang),
                       labels.theme_label(str(rule_attr(r, "theme", "")), lang),
                       labels.severity_label(str(rule_attr(r, "severity", "")), lang),
                       basis_text(rule_attr(r, "basis", ()), lang),
                       departments_text(rule_attr(r, "departments", ()), lang),
                       summary.by_rule.get(str(rule_attr(r, "id")), 0)]
                      for r in sorted(result.rules, key=lambda r: str(rule_attr(r, "id")))],
                     [10, 30, 12, 8, 40, 30, 8], lang, wrap=(1, 4, 5))
        if getattr(result, "coverage", None) is not None:  # what the export did not show, apart from findings
            coverage_sheets.write_undetermined_sheet(w, wb.add_worksheet(coverage_sheets.UNDETERMINED_SHEET[lang]),
                                                     result, lang, max_rows)
            coverage_sheets.write_coverage_sheet(w, wb.add_worksheet(coverage_sheets.COVERAGE_SHEET[lang]),
                                                 result, lang)
        for k, part in enumerate(rejected_parts):
            _table_sheet(w, wb.add_worksheet(_part_name(reserved[3], k)), labels.REJECTED_COLUMNS,
                         [[str(r.table) if lang == "en" else TABLE_ZH.get(str(r.table), str(r.table)), str(r.file),
                           plain(r.line), field_text(r.field, lang, str(r.table)) or None, str(r.reason),
                           plain(masked_rejected_value(r, show_personal_data))]
                          for r in part],
                         [12, 30, 8, 16, 40, 30], lang, wrap=(4,))
        params_ws = wb.add_worksheet(reserved[4])
        params_ws.write_string(0, 0, labels.text("parameter", lang), w.f_head)
        params_ws.write_string(0, 1, labels.text("value", lang), w.f_head)
        params_ws.write_string(0, 2, labels.text("param_note", lang), w.f_head)
        params_ws.set_column(0, 0, 36)
        params_ws.set_column(1, 1, 40)
        params_ws.set_column(2, 2, 60)
        descriptions = param_descriptions(result, lang)
        w.put(params_ws, 1, 0, labels.text("profile", lang))
        w.put(params_ws, 1, 1, profile_name(result))
        overrides = profile_overrides(result)
        for r, (k, v) in enumerate(profile_params(result), start=2):
            w.put(params_ws, r, 0, str(k) + (" ★" if str(k) in overrides else ""))
            v = plain(v)
            w.put(params_ws, r, 1, v if isinstance(v, (int, float, str)) and not isinstance(v, bool)
                  else param_value_text(str(k), v, lang, full=True))
            w.put(params_ws, r, 2, descriptions.get(str(k)), w.f_wrap)
        params_ws.freeze_panes(1, 0)
        wb.close()
    return [Path(path)]
