"""The monthly feedback form (seed 000 annex 3): figures per squad and district, and the sheet layout."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner

from _history_factory import cases, finding, result, write_corrections_workbook
from auditor.cli import main
from auditor.errors import ConfigError, UsageError
from auditor.history import import_corrections, record_run
from auditor.history.monthly import form_source, monthly_figures
from auditor.history.monthly_form import write_monthly

A, B = "南京西路街道综合行政执法队", "铁路上海站执法中队"
G0 = finding("R000", "C0", A, severity="严重", due=date(2025, 1, 15))
F1 = finding("R001", "C1", A, due=date(2025, 4, 15))
F2 = finding("R002", "C2", A, severity="严重", due=date(2025, 4, 15))
F3 = finding("R003", "C3", B)
F4 = finding("R004", "C4", A, severity="严重", due=date(2025, 5, 20))
F5 = finding("R005", "C5", B, severity="严重", due=date(2025, 6, 20))
TABLE = cases([("C0", A, "巡查发现"), ("C1", A, "投诉举报"), ("C2", A, "信访"), ("C3", B, "巡查发现"),
               ("C4", A, "上级交办"), ("C5", B, "部门移送")])


@pytest.fixture()
def store(tmp_path):
    db = tmp_path / "auditor-history.sqlite"
    record_run(db, result(date(2024, 12, 31), [G0], cases=TABLE))
    record_run(db, result(date(2025, 3, 31), [G0, F1, F2, F3], cases=TABLE))
    record_run(db, result(date(2025, 4, 30), [F1, F3, F4], cases=TABLE))
    book = tmp_path / "back.xlsx"
    write_corrections_workbook(book, {A: [{"问题编号": F4.fingerprint, "整改状态": "整改中"}]})
    import_corrections(book, db, on=date(2025, 5, 10))
    record_run(db, result(date(2025, 5, 31), [F2, F4, F5], cases=TABLE))
    return db


def test_source_mapping():
    assert [form_source(s) for s in ("投诉举报", "信访", "上级交办", "部门移送", "巡查发现", "其他", None)] == [
        "群众举报反映", "信访渠道收集", "上级部门移交", "上级部门移交", "主动排查发现", "主动排查发现", "主动排查发现"]
    assert form_source() == "主动排查发现"  # the audit found it


def test_may_figures(store):
    fig = monthly_figures(store, "2025-05")
    assert (fig.month, fig.month_end, fig.runs) == (date(2025, 5, 1), date(2025, 5, 31), 4)
    units = {u.unit: u for u in fig.squads}
    assert list(units) == [A, B]
    a, b, d = units[A], units[B], fig.district
    order = ("群众举报反映", "信访渠道收集", "主动排查发现", "上级部门移交", "其中列入重点整治清单")
    # The audit found every problem itself: 主动排查发现, whatever the case's 案件来源 (信访, 投诉举报 …).
    assert [a.found_month[k] for k in order] == [0, 0, 1, 0, 1]  # F2 reopened
    assert [a.found_year[k] for k in order] == [0, 0, 3, 0, 2]  # F1, F2, F4; G0 was found in 2024
    assert (a.fixed_month, a.fixed_year, a.key_fixed_month, a.key_fixed_year) == (1, 2, 0, 1)  # F1; F1 + G0
    assert [(i["case_id"], i["status"]) for i in a.key_open] == [("C2", "待整改"), ("C4", "整改中")]
    assert (a.open_end, a.overdue_end) == (2, 2)  # F2 (due 04-15) and F4 (due 05-20), both past due on 05-31
    assert (b.open_end, b.overdue_end) == (1, 0)  # F5 due 06-20
    assert [b.found_month[k] for k in order] == [0, 0, 1, 0, 1]
    assert [b.found_year[k] for k in order] == [0, 0, 2, 0, 1]
    assert (b.fixed_month, b.fixed_year, b.key_fixed_month) == (1, 1, 0)
    assert [d.found_month[k] for k in order] == [0, 0, 2, 0, 2]
    assert [d.found_year[k] for k in order] == [0, 0, 5, 0, 3]
    assert (d.fixed_month, d.fixed_year, d.key_fixed_month, d.key_fixed_year) == (2, 3, 0, 1)
    assert len(d.key_open) == 3
    april = monthly_figures(store, "2025-04")
    assert (april.district.fixed_month, april.district.key_fixed_month) == (2, 2)  # G0 and F2 closed in April


def test_form_layout(store, tmp_path):
    out = tmp_path / "月度反馈表.xlsx"
    write_monthly(store, "2025-05", out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["全区", A, B]
    ws = wb[A]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:G1", "A3:A5", "A6:A8", "E6:G6", "A9:B11", "A12:B12", "C15:G15"} <= merged
    assert ws["A1"].value == "静安区城管执法系统“整治城管执法不规范问题”整治工作月度情况反馈表"
    assert ws["A2"].value == f"填报单位：{A}"
    assert [ws.cell(3, c).value for c in range(2, 8)] == [
        "问题线索来源", "群众举报反映", "信访渠道收集", "主动排查发现", "上级部门移交", "其中列入重点\n整治清单"]
    assert [ws.cell(4, c).value for c in range(2, 8)] == ["2025年5月", 0, 0, 1, 0, 1]
    assert [ws.cell(5, c).value for c in range(2, 8)] == ["2025年起至今", 0, 0, 3, 0, 2]
    assert [ws.cell(6, c).value for c in range(2, 6)] == ["整治时间", "2025年5月", "2025年起至今", "备注"]
    assert [ws.cell(7, c).value for c in range(2, 5)] == ["整治完成城管执法不规范问题", 1, 2]
    assert [ws.cell(8, c).value for c in range(2, 5)] == ["完成重点整治问题", 0, 1]
    assert (ws["E7"].value, ws["E8"].value) == ("月底仍未整改 2 个，其中超期 2 个", "月底重点整治问题未完成 2 个")
    # 重点整治问题进展情况: a header row, then one row per open 严重 item.
    assert ws["A9"].value == "重点整治问题进展情况"
    assert [ws.cell(9, c).value for c in range(3, 8)] == ["发现日期及来源", "案件编号", "问题概况", "整治情况", "完成时限"]
    assert [ws.cell(10, c).value for c in range(3, 8)] == [
        "1. 2025年3月31日\n主动排查发现", "C2\n（规则 R002）", "R002 问题", "待整改", "2025-04-15"]
    assert [ws.cell(11, c).value for c in range(4, 8)] == ["C4\n（规则 R004）", "R004 问题", "整改中", "2025-05-20"]
    assert [(ws.cell(r, 1).value, ws.cell(r, 3).value) for r in range(12, 16)] == [
        ("督导情况", "无"), ("教育培训情况", "无"), ("长效机制建立情况", "无"), ("其它情况", "无")]
    district = wb["全区"]
    assert [district.cell(4, c).value for c in range(3, 8)] == [0, 0, 2, 0, 2]
    listed = [district.cell(r, 4).value for r in range(10, 13)]
    assert len(listed) == 3 and all(v and "（规则 R" in v for v in listed)  # three open serious items
    assert any(v.startswith(B) for v in listed)
    assert wb[B]["C11"].value == "无" or wb[B]["D10"].value.startswith("C5")


def test_month_without_audit_is_refused_unless_asked(store, tmp_path):
    with pytest.raises(ConfigError, match="没有 2025-06 月内的审计记录（最近一次审计截止 2025-05-31）"):
        monthly_figures(store, "2025-06")
    out = tmp_path / "june.xlsx"
    res = CliRunner().invoke(main, ["monthly", "--month", "2025-06", "--history", str(store), "--out", str(out)])
    assert res.exit_code == 2 and "--allow-no-audit" in res.output and not out.exists()
    res = CliRunner().invoke(main, ["monthly", "--month", "2025-06", "--history", str(store), "--out", str(out),
                                    "--allow-no-audit"])
    assert res.exit_code == 0 and "按 2025-05-31 的审计状态填报" in res.output, res.output
    fig = monthly_figures(store, "2025-06", allow_no_audit=True)
    assert (fig.runs_in_month, fig.last_as_of, fig.district.fixed_month) == (0, date(2025, 5, 31), 0)
    ws = openpyxl.load_workbook(out)["全区"]
    assert any("2025年6月没有审计记录" in str(c.value) for row in ws.iter_rows() for c in row if c.value)


def test_form_is_deterministic(store, tmp_path):
    one, two = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    write_monthly(store, "2025-05", one)
    write_monthly(store, "2025-05", two)
    assert one.read_bytes() == two.read_bytes()


def test_month_errors(store, tmp_path):
    with pytest.raises(UsageError, match="2025-05"):
        monthly_figures(store, "2025/5")
    with pytest.raises(ConfigError, match="2024-11 月底及以前"):
        monthly_figures(store, "2024-11")


def test_monthly_command(store, tmp_path):
    out = tmp_path / "f.xlsx"
    res = CliRunner().invoke(main, ["monthly", "--month", "2025-05", "--history", str(store), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "全区及 2 个中队" in res.output
    assert "本月发现问题 2 个（重点 2），本月整治完成 2 个（重点 0），重点问题未完成 3 个" in res.output
    assert openpyxl.load_workbook(out).sheetnames == ["全区", A, B]
    bad = CliRunner().invoke(main, ["monthly", "--month", "May", "--history", str(store), "--out", str(out)])
    assert bad.exit_code == 2 and "月份应写作" in bad.output


def test_cases_without_source_or_due_are_still_reported(tmp_path):
    db = tmp_path / "h.sqlite"
    known = finding("R010", "K1", A, severity="严重", due=date(2025, 6, 30))
    unknown = finding("R011", "K2", A, severity="严重")  # no due date, and its case has no 案件来源
    record_run(db, result(date(2025, 5, 31), [known, unknown], cases=cases([("K1", A, "投诉举报"), ("K2", A, None)])))
    fig = monthly_figures(db, "2025-05")
    assert fig.district.found_month["群众举报反映"] == 0 and fig.district.found_month["主动排查发现"] == 2
    out = tmp_path / "f.xlsx"
    write_monthly(db, "2025-05", out)
    ws = openpyxl.load_workbook(out)[A]
    rows = [[ws.cell(r, c).value for c in range(4, 8)] for r in (10, 11)]
    text = str(rows)
    assert "nan" not in text and "None" not in text
    assert rows == [["K1\n（规则 R010）", "R010 问题", "待整改", "2025-06-30"], ["K2\n（规则 R011）", "R011 问题", "待整改", "未定"]]


def test_an_exempted_item_counts_as_fixed_and_the_remark_says_so(tmp_path):
    db = tmp_path / "auditor-history.sqlite"
    record_run(db, result(date(2025, 4, 30), [F1, F2, F3], cases=TABLE))
    exempt = {F2.fingerprint: {"reason": "系统迁移", "approver": "法制科", "approved": "2025-05-02",
                               "expires": "2025-12-31", "entry": "exceptions.yaml:2"}}
    record_run(db, result(date(2025, 5, 31), [F1, F2], cases=TABLE, exemptions=exempt))
    fig = monthly_figures(db, "2025-05")
    a = {u.unit: u for u in fig.squads}[A]
    # F2 (严重) exempted in May: 销项 by exemption, counted as fixed and as a key item fixed; F1 still open.
    assert (a.fixed_month, a.key_fixed_month, a.exempt_month, a.open_end) == (1, 1, 1, 1)
    assert fig.district.fixed_month == 2  # F3 (B) no longer found, F2 exempted
    out = tmp_path / "form.xlsx"
    write_monthly(db, "2025-05", out)
    ws = openpyxl.load_workbook(out)[A]
    assert ws.cell(7, 5).value == "月底仍未整改 1 个，其中超期 1 个；本月完成数含经批准豁免 1 个"
    assert openpyxl.load_workbook(out)[B].cell(7, 5).value == "月底仍未整改 0 个，其中超期 0 个"


def _register(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "问题线索来源.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_referred_problems_are_counted_by_their_source(store, tmp_path):
    from auditor.history.problem_sources import load_problem_sources

    register = load_problem_sources(_register(tmp_path, (
        "案件编号,规则编号,问题线索来源,依据\n"
        "C2,,上级交办,督查通报〔2025〕3号\n"      # every problem of C2: F2 (reopened in May)
        "C4,R004,群众举报反映,12345 工单\n"        # F4 only (opened in April)
        "C4,R999,信访,\n"                          # no such problem: listed, not counted
        "C9,,信访渠道收集,\n"), "gb18030"))        # no such case
    fig = monthly_figures(store, "2025-05", sources=register)
    a = {u.unit: u for u in fig.squads}[A]
    order = ("群众举报反映", "信访渠道收集", "主动排查发现", "上级部门移交", "其中列入重点整治清单")
    assert [a.found_month[k] for k in order] == [0, 0, 0, 1, 1]  # F2: referred by a superior, not the audit
    assert [a.found_year[k] for k in order] == [1, 0, 1, 1, 2]  # F4 complaint, F1 audit, F2 superior
    assert [r.line for r in fig.unmatched] == [4, 5]
    out = tmp_path / "form.xlsx"
    write_monthly(store, "2025-05", out, sources=register)
    ws = openpyxl.load_workbook(out)[A]
    cells = [ws.cell(r, 3).value for r in range(1, ws.max_row + 1)]
    assert "1. 2025年3月31日\n上级部门移交" in cells and "2. 2025年4月30日\n群众举报反映" in cells
    # Without the register every problem is the audit's own find, whatever the case's 案件来源.
    plain = {u.unit: u for u in monthly_figures(store, "2025-05").squads}[A]
    assert [plain.found_year[k] for k in order] == [0, 0, 3, 0, 2]


@pytest.mark.parametrize(("text", "message", "line"), [
    ("案件编号,来源\nC1,信访\n", "表头应含 案件编号 与 问题线索来源", 1),
    ("案件编号,问题线索来源\nC1,路人告知\n", "问题线索来源 '路人告知' 无效", 2),
    ("案件编号,问题线索来源\n,信访\n", "缺少案件编号", 2),
    ("案件编号,规则编号,问题线索来源\nC1,R1,信访\nC1,R1,上级交办\n", "案件 C1 规则 R1 已在第 2 行登记", 3),
    # a quoted 依据 over two lines: the next record starts on line 4 of the file, not the 3rd record's "3"
    ("案件编号,问题线索来源,依据\nC1,信访,\"第一行\n第二行\"\nC2,路人告知,x\n", "'路人告知' 无效", 4),
    ("案件编号,问题线索来源,依据\nC1,信访,\"" + "x" * 200_000 + "\"\n", "单元格超过 10000 个字符", 2),
    ("案件编号,问题线索来源,依据\nC1,信访,x\nC2,信访," + "y" * 10_001 + "\n", "单元格超过 10000 个字符", 3),
])
def test_a_bad_register_names_file_and_line(tmp_path, text, message, line):
    from auditor.history.problem_sources import load_problem_sources

    path = _register(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as err:
        load_problem_sources(path)
    assert (err.value.file, err.value.line) == (str(path), line)


def test_cli_sources_warns_of_rows_that_match_nothing(store, tmp_path):
    path = _register(tmp_path, "案件编号,规则编号,问题线索来源\nC2,,上级交办\nC9,,信访\n")
    res = CliRunner().invoke(main, ["monthly", "--month", "2025-05", "--history", str(store), "--sources", str(path),
                                    "--out", str(tmp_path / "f.xlsx")])
    assert res.exit_code == 0, res.output
    assert f"注意: {path}:3: 登记的问题在历史库中没有对应的整改问题" in res.output
    assert f"{path}:2" not in res.output
