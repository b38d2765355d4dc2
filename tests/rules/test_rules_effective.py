"""Rules apply by the case's own dates, so a revised law can coexist with the old text."""

import datetime as dt
import shutil
from pathlib import Path

from auditor.api import audit_tables
from auditor.model.frame import to_frame
from auditor.rules.loader import load_rule_pack
from auditor.rules.params import load_profile

PACK = Path(__file__).resolve().parents[2] / "rules"

RULES = """
rules:
  - id: TT-OLD
    title: {zh: 旧法, en: old law}
    theme: 程序
    severity: 一般
    basis: [{law: 行政处罚法（2017）, article: 第一条, quote: 旧文本, confidence: P}]
    violation: {field: fine_amount, gt: 100}
    effective: {field: [decision_date, filing_date], from: null, until: 2021-07-14}
    message: {zh: "旧法 {fine_amount}", en: "old {fine_amount}"}
    correction: {zh: 改正, en: fix}
    departments: [案件审理科]
    due: {calendar_days: 30}
    examples:
      fire: [{fine_amount: 200, decision_date: 2021-01-05}]
      pass: [{fine_amount: 200, decision_date: 2022-01-05}]
  - id: TT-NEW
    title: {zh: 新法, en: new law}
    theme: 程序
    severity: 一般
    basis: [{law: 行政处罚法（2021）, article: 第一条, quote: 新文本, confidence: P}]
    violation: {field: fine_amount, gt: 100}
    effective: {field: [decision_date, filing_date], from: 2021-07-15}
    message: {zh: "新法 {fine_amount}", en: "new {fine_amount}"}
    correction: {zh: 改正, en: fix}
    departments: [案件审理科]
    due: {calendar_days: 30}
    examples:
      fire: [{fine_amount: 200, decision_date: 2022-01-05}]
      pass: [{fine_amount: 200, decision_date: 2021-01-05}]
"""


def test_old_and_new_text_apply_by_the_cases_own_date(tmp_path):
    d = tmp_path / "pack"
    d.mkdir()
    for name in ("params.yaml", "pack.yaml"):
        shutil.copy(PACK / name, d / name)
    shutil.copytree(PACK / "data", d / "data")
    (d / "t.yaml").write_text(RULES, encoding="utf-8")
    pack = load_rule_pack(d)
    profile = load_profile(None, pack.params, d)
    cases = to_frame("cases", [
        {"case_id": "old", "squad": "s", "fine_amount": 500.0, "decision_date": dt.date(2021, 7, 14)},
        {"case_id": "new", "squad": "s", "fine_amount": 500.0, "decision_date": dt.date(2021, 7, 15)},
        {"case_id": "undecided-old", "squad": "s", "fine_amount": 500.0, "filing_date": dt.date(2020, 3, 1)},
        {"case_id": "no-dates", "squad": "s", "fine_amount": 500.0},  # judged by the as-of date: new law
    ])
    result = audit_tables({"cases": cases}, as_of=dt.date(2026, 11, 25), pack=pack, profile=profile)
    got = sorted((f.case_id, f.rule_id) for f in result.findings)
    assert got == [("new", "TT-NEW"), ("no-dates", "TT-NEW"), ("old", "TT-OLD"), ("undecided-old", "TT-OLD")]
    assert result.findings[0].correction_due == dt.date(2026, 12, 25)
