"""User-facing words of the reports, Chinese by default and English with lang="en".

One table per kind of label so that every format names things the same way.
"""

from __future__ import annotations

from auditor.findings import SEVERITY_EN, THEME_EN

LANGS = ("zh", "en")

# Corrections list (整改清单): the column order is a contract with `auditor corrections import`
# (docs/result-contract.md). The Chinese header is written whatever the language, because the
# importer keys on it; English reports add nothing here on purpose.
CORRECTIONS_HEADER = (
    "序号", "问题编号", "案件编号", "规则编号", "问题类型", "严重程度", "问题描述", "法律依据", "整改措施",
    "责任部门", "完成时限", "整改状态", "备注",
)
CORRECTION_STATES = ("待整改", "整改中", "已销项")

# One row per finding (CSV, HTML table). key -> (zh, en)
FINDING_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("fingerprint", "问题编号", "Finding ID"),
    ("squad", "承办中队", "Squad"),
    ("case_id", "案件编号", "Case ID"),
    ("rule_id", "规则编号", "Rule ID"),
    ("theme", "问题类别", "Theme"),
    ("severity", "严重程度", "Severity"),
    ("title", "问题", "Issue"),
    ("subject", "对象", "Subject"),
    ("message", "问题描述", "Description"),
    ("basis", "法律依据", "Legal basis"),
    ("correction", "整改措施", "Correction"),
    ("departments", "责任部门", "Responsible departments"),
    ("correction_due", "完成时限", "Due"),
    ("source", "来源文件", "Source file"),
)

WARNING_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("due", "到期日", "Due"),
    ("days_left", "剩余天数", "Days left"),
    ("squad", "承办中队", "Squad"),
    ("case_id", "案件编号", "Case ID"),
    ("rule_id", "规则编号", "Rule ID"),
    ("label", "期限事项", "What is due"),
)

RULE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("id", "规则编号", "Rule ID"),
    ("title", "规则名称", "Title"),
    ("theme", "问题类别", "Theme"),
    ("severity", "严重程度", "Severity"),
    ("basis", "法律依据", "Legal basis"),
    ("departments", "责任部门", "Responsible departments"),
    ("count", "问题数", "Findings"),
)

REJECTED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("table", "数据表", "Table"),
    ("file", "文件", "File"),
    ("line", "行号", "Line"),
    ("field", "字段", "Field"),
    ("reason", "原因", "Reason"),
    ("value", "原始值", "Raw value"),
)

DEADLINE_STATUS = {
    "met": ("按期", "met"),
    "late": ("超期", "late"),
    "early": ("过早", "too early"),
    "open": ("未到期", "open"),
    "due_soon": ("即将到期", "due soon"),
    "overdue": ("已超期未办", "overdue"),
    "unknown": ("无法计算（缺少日历）", "unknown (calendar missing)"),
}
DEADLINE_UNIT = {
    "working_days": ("个工作日", "working days"),
    "calendar_days": ("日", "calendar days"),
    "months": ("个月", "months"),
}

# Coded parameter values shown in Chinese (rules/params.yaml recording_required_stages: 行政处罚法第四十七条).
PARAM_VALUE_LABELS: dict[str, dict[str, str]] = {
    "recording_required_stages": {"start": "启动", "investigation": "调查取证", "review": "审核",
                                  "decision": "决定", "service": "送达", "enforcement": "执行"},
}
FORMS = {"xml": ("XML", "XML"), "csv": ("CSV", "CSV")}

TEXT: dict[str, tuple[str, str]] = {
    "report_title": ("城管执法案卷合规审计报告", "Case-file compliance audit report"),
    "as_of": ("审计基准日", "As of"),
    "profile": ("参数方案", "Parameter profile"),
    "rule_pack": ("规则包", "Rule pack"),
    "mapping_profile": ("字段映射", "Mapping profile"),
    "engine": ("引擎", "Engine"),
    "tool_version": ("程序版本", "Tool version"),
    "squad_filter": ("中队范围", "Squads audited"),
    "all_squads": ("全部", "all"),
    "personal_shown": ("报告含未脱敏个人信息", "Report shows personal data unmasked"),
    "rank": ("排名", "Rank"),
    "squad": ("承办中队", "Squad"),
    "cases": ("审查案件数", "Cases audited"),
    "cases_with_findings": ("有问题案件数", "Cases with findings"),
    "findings": ("问题数", "Findings"),
    "warnings": ("预警数", "Warnings"),
    "score": ("评查得分", "Score"),
    "failed_cases": ("不合格卷", "Failed files"),
    "total": ("合计", "Total"),
    "district_mean": ("全区平均得分", "District mean score"),
    "filtered_mean": ("所审中队平均得分", "Mean score of the squads audited"),
    "filter_note": ("本次只审查 {squads} 的案件（{n} 件），上表为整个导出文件的读入情况。",
                    "Only the cases of {squads} were audited ({n}); the table counts the whole export."),
    "summary": ("汇总", "Summary"),
    "ranking": ("中队排名", "Squad ranking"),
    "charts": ("统计图", "Charts"),
    "chart_squad_theme": ("各中队问题数（按问题类别）", "Findings by squad and theme"),
    "chart_rule": ("各规则问题数", "Findings by rule"),
    "findings_table": ("问题清单", "Findings"),
    "early_warnings": ("早期预警（即将到期）", "Early warnings (deadlines due soon)"),
    "no_warnings": ("无即将到期的期限。", "No deadline falls due within the warning horizon."),
    "notices": ("重要提示", "Notices"),
    "partial_read": ("导出未读完，仅部分案件", "export not read to its end: partial"),
    "load": ("数据载入情况", "Data loaded"),
    "table": ("数据表", "Table"),
    "rows_in": ("读入行数", "Rows in"),
    "loaded": ("载入", "Loaded"),
    "rejected": ("拒收", "Rejected"),
    "rejected_rows": ("拒收记录", "Rejected rows"),
    "input_warnings": ("数据提示", "Input warnings"),
    "rules": ("规则", "Rules"),
    "parameters": ("参数", "Parameters"),
    "parameter": ("参数名", "Parameter"),
    "value": ("取值", "Value"),
    "cases_section": ("案件详情", "Case pages"),
    "timeline": ("办案时间线", "Timeline"),
    "deadlines": ("期限计算", "Deadlines"),
    "deadline": ("期限", "Deadline"),
    "start": ("起算", "Start"),
    "due": ("到期日", "Due"),
    "end": ("完成", "Done"),
    "limit": ("时限", "Limit"),
    "status": ("状态", "Status"),
    "event": ("事项", "Event"),
    "date": ("日期", "Date"),
    "basis": ("法律依据", "Legal basis"),
    "correction": ("整改措施", "Correction"),
    "departments": ("责任部门", "Responsible departments"),
    "correction_due": ("完成时限", "Due"),
    "evidence": ("证据", "Evidence"),
    "filter": ("筛选", "Filter"),
    "filter_text": ("搜索文字", "Search text"),
    "filter_all": ("全部", "all"),
    "shown": ("显示", "Showing"),
    "of": ("共", "of"),
    "cap_cases": (
        "另有 {n} 件有问题的案件未在此列出详情（上限 {cap} 件），请查看 Excel 或 JSON 报告。",
        "{n} more cases with findings are not detailed here (limit {cap}); see the Excel or JSON report.",
    ),
    "cap_table": (
        "问题清单仅列出前 {cap} 条（共 {n} 条），完整清单请查看 Excel 或 JSON 报告。",
        "The table lists the first {cap} of {n} findings; see the Excel or JSON report for all.",
    ),
    "no_findings": ("未发现问题。", "No findings."),
    "cap_warnings": ("此处列出前 {cap} 条预警（共 {n} 条），完整清单请查看 Excel 或 JSON 报告。",
                     "The first {cap} of {n} warnings are listed here; see the Excel or JSON report for all."),
    "paged_note": ("共 {n} 条问题，按中队分页列出；每个中队的案件详情另成页面。点击中队名称查看。",
                   "{n} findings, listed squad by squad on pages of their own, with each squad's case pages. "
                   "Click a squad to open its findings."),
    "findings_pages": ("问题清单分页", "Findings pages"),
    "page_rows": ("本页为第 {a}–{b} 条（共 {n} 条）。", "Findings {a}–{b} of {n} on this page."),
    "back_to_summary": ("返回汇总", "Back to the summary"),
    "party": ("当事人", "Party"),
    "cause": ("案由", "Cause"),
    "procedure": ("程序类型", "Procedure"),
    "case_status": ("案件状态", "Case status"),
    "source": ("来源", "Source"),
    "days_left": ("剩余天数", "Days left"),
    "score_note": (
        "评分：每件案卷基础分 {base} 分，每个问题按严重程度扣分（{ded}），最低 0 分；中队得分为其全部审查案件的平均分。",
        "Score: each case file starts at {base}, each finding deducts by severity ({ded}), floor 0; "
        "a squad's score is the mean over all its audited cases.",
    ),
    "squad_sheet_note": ("整改清单", "Corrections list"),
    "count": ("数量", "Count"),
    "theme": ("问题类别", "Theme"),
    "severity": ("严重程度", "Severity"),
    "generated_by": ("由 auditor {v} 生成", "Generated by auditor {v}"),
    "unconfirmed": ("（依据待确认）", " (basis unconfirmed)"),
    "secondary": ("（二手来源）", " (secondary source)"),
    "input_files": ("输入文件", "Input files"),
    "file": ("文件", "File"),
    "rows": ("行数", "Rows"),
    "form": ("格式", "Form"),
    "case": ("案件", "Case"),
    "reconcile_note": ("读入行数 = 载入 + 拒收；被拒收的行见“拒收记录”。",
                       "Rows in = loaded + rejected; rejected rows are listed under “Rejected rows”."),
    "override_note": ("本区参数方案设定的取值（其余为规则包默认值）", "set by the district profile (others are the rule pack's defaults)"),
    "rule": ("规则", "Rule"),
    "description": ("问题描述", "Description"),
    "line": ("行号", "Line"),
    "field": ("字段", "Field"),
    "reason": ("原因", "Reason"),
    "mapping_default": ("默认（标准表头）", "default (standard headers)"),
    "no_rejected": ("无拒收记录。", "No row was rejected."),
    "rejected_and_warnings": ("拒收记录与数据提示", "Rejected rows and input warnings"),
    "rows_in_of": ("共读入 {n} 行", "of {n} rows read"),
    "param_note": ("参数说明", "Description"),
    "not_a_finding": ("（本案未构成问题）", " (not a finding here)"),
    "sheet_split": ("{what} 超过 Excel 每个工作表 {limit} 行的上限，已分为 {n} 个工作表（“(2)”“(3)”…依次续接）。",
                    "{what} exceeds Excel's {limit} rows per sheet and continues over {n} sheets (“(2)”, “(3)”, …)."),
    "squad_sheet_header": ("整改清单 · {squad}", "Corrections list · {squad}"),
    "page_of": ("第 &P 页，共 &N 页", "Page &P of &N"),
}

SHEET_NAMES = {
    "summary": ("汇总", "Summary"),
    "warnings": ("早期预警", "Early warnings"),
    "rules": ("规则", "Rules"),
    "rejected": ("拒收记录", "Rejected rows"),
    "parameters": ("参数方案", "Parameters"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def text(key: str, lang: str, **fmt) -> str:
    """The UI string `key` in `lang`, formatted with `fmt`."""
    s = _pick(TEXT[key], lang)
    return s.format(**fmt) if fmt else s


def headers(columns: tuple[tuple[str, str, str], ...], lang: str) -> list[str]:
    return [c[2] if lang == "en" else c[1] for c in columns]


def severity_label(severity: str, lang: str) -> str:
    return SEVERITY_EN.get(severity, severity) if lang == "en" else severity


def theme_label(theme: str, lang: str) -> str:
    return THEME_EN.get(theme, theme) if lang == "en" else theme


def status_label(status: str, lang: str) -> str:
    pair = DEADLINE_STATUS.get(status)
    return _pick(pair, lang) if pair else str(status)


def unit_label(unit: str, lang: str) -> str:
    pair = DEADLINE_UNIT.get(unit)
    return _pick(pair, lang) if pair else str(unit)


def engine_label(result, lang: str, missing: str = "") -> str:
    """The engine as the result names it (the evaluator registry's label), else its bare name."""
    return result.engine_label.get(lang) or str(result.metadata.get("engine") or missing)


def mapping_label(mapping: str, lang: str) -> str:
    return text("mapping_default", lang) if mapping in ("", "default") else mapping


def form_label(form: str, lang: str) -> str:
    pair = FORMS.get(form)
    return _pick(pair, lang) if pair else form


def sheet_name(key: str, lang: str) -> str:
    return _pick(SHEET_NAMES[key], lang)
