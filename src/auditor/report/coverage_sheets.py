"""Workbook sheets for what the export did not show: 数据缺失，待核实 (the 无法判定 items) and 数据完整性
(which tables and columns were supplied, how many rows carry a value, what an empty cell means).

The 无法判定 items are never findings: they are listed here for checking, apart from the squads'
corrections lists, and counted per rule and per squad.
"""

from __future__ import annotations

from typing import Any

from auditor.coverage import coverage_line, table_label

UNDETERMINED_SHEET = {"zh": "数据缺失，待核实", "en": "Undetermined"}
COVERAGE_SHEET = {"zh": "数据完整性", "en": "Data coverage"}
_UNDETERMINED_HEAD = {
    "zh": ["中队", "案件编号", "规则", "规则名称", "规则严重程度", "记录编号", "缺失的数据"],
    "en": ["Squad", "Case", "Rule", "Rule title", "Rule severity", "Subject", "Missing data"],
}
_COVERAGE_HEAD = {
    "zh": ["表", "字段", "中文名", "导出中有此列", "有值行数", "总行数", "空值的含义"],
    "en": ["Table", "Field", "Label", "Column supplied", "Rows with a value", "Rows", "An empty cell means"],
}
_MEANS = {"zh": {"not_done": "未发生", "unrecorded": "未记载"},
          "en": {"not_done": "did not happen", "unrecorded": "not recorded"}}


def sheet_names(lang: str) -> list[str]:
    return [UNDETERMINED_SHEET[lang], COVERAGE_SHEET[lang]]


def write_undetermined_sheet(w, ws, result: Any, lang: str, max_rows: int) -> None:
    items = list(getattr(result, "undetermined", ()) or ())
    head = _UNDETERMINED_HEAD[lang]
    w.header(ws, 0, head, [22, 20, 22, 30, 10, 20, 50])
    ws.write_string(0, len(head), coverage_line(result.coverage, len(items), lang))
    for r, u in enumerate(items[: max(0, max_rows - 2)], start=1):
        for c, v in enumerate([u.squad, u.case_id, u.rule_id, u.title.get(lang, u.title.get("zh", "")),
                               u.severity, u.subject or None, u.missing_labels.get(lang, "")]):
            w.put(ws, r, c, v, w.f_wrap if c == 6 else None)
    if len(items) > max_rows - 2:
        ws.write_string(max_rows - 1, 0, ("另有 %d 项未列出，见 findings.json" if lang == "zh" else
                                          "%d more not listed here; see findings.json") % (len(items) - max_rows + 2))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(items), 1), len(head) - 1)


def write_coverage_sheet(w, ws, result: Any, lang: str) -> None:
    coverage = result.coverage
    items = list(getattr(result, "undetermined", ()) or ())
    ws.write_string(0, 0, coverage_line(coverage, len(items), lang), w.f_head)
    head = _COVERAGE_HEAD[lang]
    w.header(ws, 2, head, [18, 26, 30, 12, 12, 10, 12])
    r = 3
    for table, tc in coverage.tables.items():
        label = table_label(table, lang)
        if not tc.supplied:
            w.put(ws, r, 0, label)
            w.put(ws, r, 3, "导出未提供此表" if lang == "zh" else "table not supplied")
            r += 1
            continue
        for c in tc.columns:
            for col, v in enumerate([label, c.name, c.zh, ("是" if c.supplied else "否") if lang == "zh"
                                     else ("yes" if c.supplied else "no"), c.filled if c.supplied else None,
                                     tc.rows, _MEANS[lang][c.empty_means]]):
                w.put(ws, r, col, v)
            r += 1
    r += 1
    by_rule: dict[str, int] = {}
    by_squad: dict[str, int] = {}
    for u in items:
        by_rule[u.rule_id] = by_rule.get(u.rule_id, 0) + 1
        by_squad[u.squad] = by_squad.get(u.squad, 0) + 1
    for title, counts in ((("无法判定（按规则）", "Undetermined by rule"), by_rule),
                          (("无法判定（按中队）", "Undetermined by squad"), by_squad)):
        ws.write_string(r, 0, title[0] if lang == "zh" else title[1], w.f_head)
        r += 1
        for key, n in sorted(counts.items()):
            w.put(ws, r, 0, key)
            w.put(ws, r, 1, n)
            r += 1
        r += 1
    ws.freeze_panes(3, 0)
