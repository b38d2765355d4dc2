"""What reaches a squad's corrections list fits the case: no placeholder text, no act-by date in the past."""

import re
from datetime import date
from pathlib import Path

import pytest

from auditor.api import AuditConfig, run_audit
from auditor.report.common import basis_text

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample" / "xml"
AS_OF = date(2026, 11, 25)
PLACEHOLDERS = ("未查到", "二手来源", "原文未见", "待确认")
ACT_BY = re.compile(r"于 (\d{4}-\d{2}-\d{2}) 前")


@pytest.fixture(scope="module")
def findings():
    return run_audit(AuditConfig(exports=(SAMPLE,), as_of=AS_OF)).findings


def test_no_placeholder_text_reaches_the_corrections_list(findings):
    assert findings
    for f in findings:
        text = " ".join([f.correction["zh"], f.message["zh"], basis_text(f.basis, "zh"), "、".join(f.departments)])
        assert not [p for p in PLACEHOLDERS if p in text], (f.rule_id, text)


def test_no_correction_sends_a_squad_to_a_past_date(findings):
    dated = 0
    for f in findings:
        for day in ACT_BY.findall(f.correction["zh"]):
            dated += 1
            assert date.fromisoformat(day) >= AS_OF, (f.rule_id, f.case_id, f.correction["zh"])
        dated += f.correction["zh"].count("立即（期限已于")
    assert dated  # the sample has enforcement corrections that name the window


def test_the_demolition_team_is_named_only_on_illegal_building_cases(findings):
    named = [f for f in findings if "拆违专班" in f.departments and f.rule_id.startswith("ZX-")]
    assert not any("拆违专班（违法建筑案件）" in f.departments for f in findings)
    from auditor.ingest import load_exports
    cases = load_exports([SAMPLE]).tables["cases"].set_index("case_id")
    for f in named:
        assert "搭建" in str(cases.loc[f.case_id, "cause"]) or cases.loc[f.case_id, "cause_code"] == "CG-SR-001"
