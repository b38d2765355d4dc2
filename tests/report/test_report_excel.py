"""The workbook: sheets, the corrections-list contract, dropdown, text-not-formula, real dates."""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest

from _report_factory import FORMULA_PAYLOADS, RULES, small_result
from auditor.report.excel import sheet_names, write_xlsx
from auditor.report.labels import CORRECTIONS_HEADER


@pytest.fixture(scope="module")
def wb(tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    write_xlsx(small_result(), path)
    return openpyxl.load_workbook(path)


def test_sheets_in_order(wb):
    assert wb.sheetnames == ["汇总", "南京西路中队", "机动执法中队", "江宁路中队", "早期预警", "规则", "拒收记录",
                             "参数方案"]


def test_summary_names_profile_and_ranks(wb):
    ws = wb["汇总"]
    assert "静安区" in ws["A2"].value and "参数方案" in ws["A2"].value
    notices = [c.value for c in ws["A"][:8] if c.value and "2027" in str(c.value)]
    assert notices, "the calendar notice is on the summary sheet"
    header_row = next(r for r in ws.iter_rows() if r[0].value == "排名")
    heads = [c.value for c in header_row]
    assert heads[:5] == ["排名", "承办中队", "审查案件数", "有问题案件数", "问题数"] and heads[-1] == "评查得分"
    r0 = header_row[0].row
    first = [c.value for c in ws[r0 + 1]]
    assert first[0] == 1 and first[1] == "南京西路中队" and first[2] == 3 and first[-1] == pytest.approx(94.33)
    assert ws.freeze_panes == f"C{r0 + 1}"
    assert ws.auto_filter.ref.startswith(f"A{r0}")
    total = [c.value for c in ws[r0 + 4]]
    assert total[1] == "合计" and total[4] == 13


def test_squad_sheet_contract(wb):
    ws = wb["江宁路中队"]
    assert [c.value for c in ws[1]] == list(CORRECTIONS_HEADER)
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    r = small_result()
    mine = [f for f in r.findings if f.squad == "江宁路中队"]
    assert [row[1] for row in rows] == [f.fingerprint for f in mine]
    assert [row[0] for row in rows] == list(range(1, len(mine) + 1))
    assert all(row[11] == "待整改" and row[12] is None for row in rows)
    assert isinstance(rows[0][10], datetime) and "yyyy" in ws.cell(2, 11).number_format
    assert ws.freeze_panes == "D2" and ws.auto_filter.ref == f"A1:M{len(mine) + 1}"
    dvs = ws.data_validations.dataValidation
    assert len(dvs) == 1 and dvs[0].type == "list"
    assert dvs[0].formula1 == '"待整改,整改中,已销项"'
    assert "L2" in str(dvs[0].sqref)


def test_payloads_are_text_not_formulas(wb):
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    texts.append(c.value)
                    assert not c.value.startswith(("=", "+", "-", "@", "\t", "\r")), (ws.title, c.coordinate)
    for payload in FORMULA_PAYLOADS:
        # A CR is stored as the OOXML escape _x000D_ (Excel shows it as CR; openpyxl leaves it escaped).
        assert "'" + payload in [t.replace("_x000D_", "\r") for t in texts], repr(payload)
    ws = wb["江宁路中队"]
    cell = next(c for r in ws.iter_rows() for c in r if c.value == "'" + FORMULA_PAYLOADS[0])
    assert cell.data_type == "s"


def test_other_sheets(wb):
    warn = wb["早期预警"]
    assert [c.value for c in warn[1]][:2] == ["到期日", "剩余天数"]
    assert warn["A2"].value == datetime(2026, 11, 25) and warn["B2"].value == 0
    rules = {r[0]: r for r in wb["规则"].iter_rows(min_row=2, values_only=True)}
    assert set(rules) == {r.id for r in RULES} and rules["DQ-001"][-1] == 3 and rules["DIS-001"][3] == "严重"
    rej = list(wb["拒收记录"].iter_rows(min_row=2, values_only=True))
    assert len(rej) == 3 and ("全过程记录", "exports/recordings.csv", 8, "证件号码 / 统一社会信用代码（party_id）",
                              "案件不存在", "**************4578") in rej
    params = {k: v for k, v, *_ in wb["参数方案"].iter_rows(min_row=2, values_only=True)}
    notes = {k: n for k, _, n in wb["参数方案"].iter_rows(min_row=2, values_only=True)}
    assert [c.value for c in wb["参数方案"][1]] == ["参数名", "取值", "参数说明"]
    assert notes["service_working_days"] == "决定书非当场送达的送达期限"  # from the pack's declarations
    assert notes["decision_days ★"] is None  # not a parameter the pack declares
    assert params["参数方案"] == "静安区" and params["decision_days ★"] == 90  # ★ = set by the district
    assert params["service_working_days"] == 7 and params["major_stages"] == "调查取证、送达"
    assert params["cause_catalogue"] == '[{"code":"CG-SR-002","fine_min":"50","name":"跨门营业"}]'
    assert params["av_required_extra"] == "—"


def test_english_workbook(tmp_path):
    path = tmp_path / "en.xlsx"
    write_xlsx(small_result(), path, lang="en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Summary" and "Early warnings" in wb.sheetnames
    assert [c.value for c in wb["江宁路中队"][1]] == list(CORRECTIONS_HEADER)  # the import contract


def test_sheet_names_legal_and_unique():
    names = sheet_names(["汇总", "a" * 40, "a" * 40 + "x", "x/y:z", "'q'"], ["汇总"])
    assert names["汇总"] == "汇总~2"
    assert len(names["a" * 40]) == 31 and names["a" * 40 + "x"].endswith("~2")
    assert len(names["a" * 40 + "x"]) == 31
    assert names["x/y:z"] == "x_y_z" and names["'q'"] == "q"
    assert len(set(names.values())) == 5


def test_workbook_bytes_deterministic(tmp_path):
    write_xlsx(small_result(), tmp_path / "a.xlsx")
    write_xlsx(small_result(), tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_personal_data_banner_and_unmasked_values(tmp_path):
    path = tmp_path / "p.xlsx"
    write_xlsx(small_result(), path, show_personal_data=True)
    wb = openpyxl.load_workbook(path)
    assert "报告含未脱敏个人信息" in [c.value for c in wb["汇总"]["A"][:6]]
    rej = [r[5] for r in wb["拒收记录"].iter_rows(min_row=2, values_only=True)]
    assert "110101199003074578" in rej
