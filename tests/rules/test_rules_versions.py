"""Law versions by date: the text in force on the deciding date picks a deadline's limit, unit or
applicability, with 从旧兼从轻 when asked; both evaluators read the same result."""

import datetime as dt
import shutil
from pathlib import Path

import pytest

from auditor.api import audit_tables, get_evaluator
from auditor.enrich.calendar import WorkCalendar
from auditor.errors import RuleError
from auditor.model.frame import to_frame
from auditor.rules.loader import load_rule_pack
from auditor.rules.params import load_profile

PACK = Path(__file__).resolve().parents[2] / "rules"

RULE = """
rules:
  - id: TT-LIMIT
    title: {zh: 时效, en: limitation}
    theme: 程序
    severity: 一般
    basis: [{law: 测试法, article: 第一条, quote: 测试, confidence: P, source: 测试}]
    violation:
      deadline:
        name: limitation
        from: violation_date
        to: discovery_date
        limit: 60
        unit: months
        open: skip
        versions:
          by: violation_date
          texts:
            - {until: 2019-12-31, applies: false, text: 旧法无此期限}
            - {from: 2020-01-01, until: 2021-07-14, limit: 10, unit: calendar_days, text: 中间文本}
            - {from: 2021-07-15, text: 现行文本}
          %(lighter)s
    message: {zh: "期限 {dl.limitation.limit}{dl.limitation.unit}，{dl.limitation.due} 届满", en: "x {dl.limitation.due}"}
    correction: {zh: 改正, en: fix}
    departments: [案件审理科]
    due: {calendar_days: 30}
    examples:
      fire: [{violation_date: 2022-01-01, discovery_date: 2027-01-02}]
      pass: [{violation_date: 2022-01-01, discovery_date: 2027-01-01}]
"""


def make_pack(tmp_path, lighter=""):
    d = tmp_path / "pack"
    d.mkdir(parents=True)
    for name in ("params.yaml", "pack.yaml"):
        shutil.copy(PACK / name, d / name)
    shutil.copytree(PACK / "data", d / "data")
    (d / "t.yaml").write_text(RULE % {"lighter": lighter}, encoding="utf-8")
    return load_rule_pack(d)


CASES = [
    {"case_id": "before", "violation_date": dt.date(2019, 12, 31), "discovery_date": dt.date(2030, 1, 1)},
    {"case_id": "middle-late", "violation_date": dt.date(2020, 1, 1), "discovery_date": dt.date(2020, 1, 12)},
    {"case_id": "middle-ok", "violation_date": dt.date(2021, 7, 14), "discovery_date": dt.date(2021, 7, 24)},
    {"case_id": "new-ok", "violation_date": dt.date(2021, 7, 15), "discovery_date": dt.date(2026, 7, 15)},
    {"case_id": "new-late", "violation_date": dt.date(2021, 7, 15), "discovery_date": dt.date(2026, 7, 16)},
    {"case_id": "no-date", "discovery_date": dt.date(2026, 7, 16)},
]


def run(pack, engine, cases=CASES):
    profile = load_profile(None, pack.params, Path(pack.path))
    tables = {"cases": to_frame("cases", [{"squad": "s", **c} for c in cases])}
    result = audit_tables(tables, as_of=dt.date(2026, 11, 25), pack=pack, profile=profile, calendar=WorkCalendar(),
                          rule_ids=("TT-LIMIT",), evaluator=get_evaluator(engine))
    return {f.case_id: f for f in result.findings}


@pytest.mark.parametrize("engine", ["vectorized", "rete"])
def test_the_text_in_force_on_the_deciding_date_sets_limit_unit_and_applicability(tmp_path, engine):
    found = run(make_pack(tmp_path), engine)
    assert sorted(found) == ["middle-late", "new-late"]
    assert "期限 10日，2020-01-11 届满" in found["middle-late"].message["zh"]
    assert "期限 60个月，2026-07-15 届满" in found["new-late"].message["zh"]


@pytest.mark.parametrize("engine", ["vectorized", "rete"])
def test_lighter_text_at_decision_is_taken_when_asked(tmp_path, engine):
    pack = make_pack(tmp_path, "lighter_at: decision_date\n          lighter: earlier_due")
    cases = [
        # violation under the current text (60 months), decided while... the same text: no change
        {"case_id": "same", "violation_date": dt.date(2021, 7, 15), "discovery_date": dt.date(2021, 8, 1),
         "decision_date": dt.date(2021, 9, 1)},
        # violation under the middle text (10 days), decided under the current (60 months): the middle one
        # gives the earlier due date, lighter for the party → late
        {"case_id": "old-lighter", "violation_date": dt.date(2021, 7, 1), "discovery_date": dt.date(2021, 7, 20),
         "decision_date": dt.date(2021, 9, 1)},
    ]
    found = run(pack, engine, cases)
    assert sorted(found) == ["old-lighter"]
    pack_later = make_pack(tmp_path / "b", "lighter_at: decision_date\n          lighter: later_due")
    assert run(pack_later, engine, cases) == {}


def test_overlapping_texts_are_refused_with_file_and_line(tmp_path):
    d = tmp_path / "pack"
    d.mkdir()
    for name in ("params.yaml", "pack.yaml"):
        shutil.copy(PACK / name, d / name)
    shutil.copytree(PACK / "data", d / "data")
    text = (RULE % {"lighter": ""}).replace("- {from: 2021-07-15, text: 现行文本}", "- {from: 2021-07-01, text: 现行文本}")
    (d / "t.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RuleError, match="重叠") as err:
        load_rule_pack(d)
    assert "t.yaml:" in str(err.value)


def test_the_pack_uses_versions_for_articles_36_and_60():
    pack = load_rule_pack(PACK)
    for rule_id in ("CQ-HANDLING-LATE", "CX-LIMITATION-SERIOUS"):
        specs = pack.get(rule_id).deadlines
        assert any(s.versions is not None for s in specs), rule_id
