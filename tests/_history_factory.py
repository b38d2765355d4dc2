"""Hand-built findings and audit results for the history tests (no rule engine needed)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd

from auditor.findings import AuditResult, Basis, Finding, fingerprint


def finding(rule_id: str, case_id: str, squad: str, *, severity: str = "一般", subject: str = "",
            due: date | None = None, theme: str = "程序") -> Finding:
    return Finding(
        fingerprint=fingerprint(rule_id, case_id, subject), rule_id=rule_id, case_id=case_id, squad=squad,
        theme=theme, severity=severity, subject=subject,
        title={"zh": f"{rule_id} 问题", "en": f"{rule_id} issue"},
        message={"zh": f"案件 {case_id} 存在 {rule_id} 问题", "en": f"case {case_id}: {rule_id}"},
        correction={"zh": "按规定整改", "en": "correct it"}, departments=("案件审理科",),
        correction_due=due, basis=(Basis("中华人民共和国行政处罚法", "第三十九条", "……", "P"),),
        evidence=(("case_id", case_id),),
    )


def result(as_of: date, findings: list[Finding], *, cases: pd.DataFrame | None = None,
           squad_filter: list[str] | None = None, exemptions: dict | None = None) -> AuditResult:
    meta = {
        "tool_version": "0.1.0", "as_of": as_of.isoformat(),
        "rule_pack": {"path": "rules/", "version": "2025.1", "sha256": "ab" * 32, "rules": 40},
        "profile": {"name": "default", "path": None, "params": {"service_days": 7, "since": date(2025, 1, 1)}},
        "inputs": [{"path": "cases.xml", "sha256": "cd" * 32, "table": "cases", "form": "xml", "rows": 3}],
        "squad_filter": squad_filter,
    }
    if exemptions is not None:
        meta["exemptions"] = exemptions
    return AuditResult(as_of=as_of, findings=sorted(findings, key=Finding.sort_key), metadata=meta, cases=cases)


def cases(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """(case_id, squad, source) triples as a canonical-looking case table."""
    return pd.DataFrame(rows, columns=["case_id", "squad", "source"])


def many_findings(n: int, squad: str = "石门二路街道综合行政执法队", as_of: date = date(2025, 5, 31),
                  prefix: str = "C") -> list[Finding]:
    return [finding(f"R{i % 40:03d}", f"{prefix}{i:06d}", squad, due=as_of + timedelta(days=15)) for i in range(n)]


CONTRACT_HEADER = ("序号", "问题编号", "案件编号", "规则编号", "问题类型", "严重程度", "问题描述", "法律依据",
                   "整改措施", "责任部门", "完成时限", "整改状态", "备注")


def write_corrections_workbook(path, sheets: dict[str, list[dict | None] | None], *, title_rows: int = 0) -> None:
    """A returned 整改清单 in the contract layout: one sheet per squad, header in the first row (after
    `title_rows` title lines when given), 完成时限 a real date, 整改状态 with a dropdown. A row is a dict
    of column -> value (None = an empty row); text goes in with write_string, so '=...' stays text."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name[:31])
        if rows is None:  # a sheet of instructions, not a list
            ws.write_string(0, 0, "填表说明：整改状态请从下拉列表选择；备注填写整改措施落实情况。")
            continue
        for t in range(title_rows):
            ws.write_string(t, 0, f"{name} 整改清单")
        top = title_rows
        for col, label in enumerate(CONTRACT_HEADER):
            ws.write_string(top, col, label)
        ws.data_validation(top + 1, 11, top + max(len(rows), 1), 11,
                           {"validate": "list", "source": ["待整改", "整改中", "已销项"]})
        for i, row in enumerate(rows, start=1):
            if row is None:
                continue
            values = {"序号": i, **row}
            for col, label in enumerate(CONTRACT_HEADER):
                value = values.get(label)
                if value is None:
                    continue
                if isinstance(value, date):
                    ws.write_datetime(top + i, col, datetime.combine(value, datetime.min.time()), date_fmt)
                elif isinstance(value, (int, float)):
                    ws.write_number(top + i, col, value)
                else:
                    ws.write_string(top + i, col, str(value))
    wb.close()
