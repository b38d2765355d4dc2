"""Text helpers shared by the reporters: legal citations and field names as people write them."""

from __future__ import annotations

import pytest

from auditor.findings import Basis
from auditor.report.common import basis_text, field_text


@pytest.mark.parametrize("law, article, cited", [
    ("中华人民共和国行政处罚法", "第六十条", "《中华人民共和国行政处罚法》第六十条"),
    ("《中华人民共和国行政强制法》", "第五十四条", "《中华人民共和国行政强制法》第五十四条"),
    ("静城管政〔2025〕7号", "整治重点 4", "静城管政〔2025〕7号 整治重点 4"),  # a number is not a title
    ("国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见（国办发〔2018〕118号）",
     "二、全面推行行政执法公示制度",
     "《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》"
     "（国办发〔2018〕118号） 二、全面推行行政执法公示制度"),
    ("最高人民法院关于适用《中华人民共和国行政诉讼法》的解释", "第一百五十六条",
     "《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》第一百五十六条"),
    ("GB 11643-1999 公民身份号码", "第 4.2 条 校验码", "GB 11643-1999 公民身份号码 第 4.2 条 校验码"),
    ("上海城管立案时限（区局参数 filing_working_days）", "未查到原文",
     "上海城管立案时限（区局参数 filing_working_days）：未查到原文"),
    ("上海市执法全过程记录上传归档时限", "（未查到原文）", "上海市执法全过程记录上传归档时限（未查到原文）"),
])
def test_citations_as_written_in_chinese(law, article, cited):
    assert basis_text((Basis(law, article, "", "P"),), "zh") == cited


def test_citations_only_no_confidence_notes_and_separator():
    # Confidence notes (二手来源, 待确认) stay in the rule catalogue; the corrections list cites the law only.
    basis = (Basis("中华人民共和国行政处罚法", "第五十七条第一款", "", "S"),
             Basis("区局案由库（参数 cause_catalogue）", "示例表", "", "UNCONFIRMED"))
    assert basis_text(basis, "zh") == ("《中华人民共和国行政处罚法》第五十七条第一款；"
                                       "区局案由库（参数 cause_catalogue）：示例表")


def test_field_names_for_people_keep_the_code_for_whoever_fixes_the_export():
    assert field_text("decision_no", "zh", "disclosures") == "行政处罚决定书文号（decision_no）"
    assert field_text("rec_stages", "zh") == "有记录的执法环节（rec_stages）"  # a derived fact
    assert field_text("no_such_field", "zh") == "no_such_field"
    assert field_text("decision_no", "en", "disclosures") == "decision no"
    assert field_text(None, "zh") == ""
