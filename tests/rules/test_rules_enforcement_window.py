"""The court-enforcement window: the party's 起诉期 runs from service, a deferral only delays the
window's start, last days move off holidays, and corrections never name a past date without saying
what to do now."""

import datetime as dt
from pathlib import Path

import pytest

from auditor.api import audit_tables, get_evaluator
from auditor.enrich.calendar import WorkCalendar
from auditor.results.finding_text import act_by
from auditor.model.frame import to_frame
from auditor.rules.loader import load_rule_pack
from auditor.rules.params import load_profile

PACK = load_rule_pack(Path(__file__).resolve().parents[2] / "rules")
PROFILE = load_profile(None, PACK.params, Path(PACK.path))


def audit(cases, as_of, engine="vectorized", rules=()):
    tables = {"cases": to_frame("cases", [{"squad": "一中队", "procedure": "普通程序", **c} for c in cases])}
    return audit_tables(tables, as_of=as_of, pack=PACK, profile=PROFILE, calendar=WorkCalendar(),
                        rule_ids=tuple(rules) or None, evaluator=get_evaluator(engine)).findings


@pytest.mark.parametrize("engine", ["vectorized", "rete"])
def test_window_end_is_rolled_off_the_spring_festival(engine):
    # served 2025-08-20: 起诉期 ends 2026-02-20 (春节 holiday) → 2/24; window to 2026-05-24 (Sunday) → 5/25
    case = {"case_id": "C1", "service_date": dt.date(2025, 8, 20), "fine_amount": 1000.0, "status": "执行中"}
    found = audit([case], dt.date(2026, 6, 1), engine, ["ZX-RIGHT-LOST"])
    assert len(found) == 1
    text = found[0].message["zh"]
    assert "起诉期至 2026-02-24 届满" in text and "2026-02-20" not in text
    assert "至 2026-05-25 届满" in text


@pytest.mark.parametrize("engine", ["vectorized", "rete"])
def test_a_deferral_does_not_move_the_lawsuit_period(engine):
    base = {"service_date": dt.date(2025, 1, 6), "deferral_until": dt.date(2025, 3, 31), "fine_amount": 5000.0,
            "demand_notice_date": dt.date(2025, 4, 20), "status": "执行中"}
    lawful = {**base, "case_id": "lawful", "enforcement_application_date": dt.date(2025, 8, 1)}
    late = {**base, "case_id": "late", "enforcement_application_date": dt.date(2025, 10, 10)}
    found = audit([lawful, late], dt.date(2026, 11, 25), engine,
                  ["ZX-APPLICATION-BEFORE-LAWSUIT", "ZX-COURT-LATE"])
    assert sorted((f.case_id, f.rule_id) for f in found) == [("late", "ZX-COURT-LATE")]
    assert "至 2025-10-09 届满" in found[0].message["zh"]


def test_corrections_say_what_to_do_when_the_date_has_passed():
    assert act_by(dt.date(2026, 3, 2), dt.date(2026, 3, 1))["zh"] == "于 2026-03-02 前"
    assert act_by(dt.date(2026, 3, 1), dt.date(2026, 3, 1))["zh"] == "于 2026-03-01 前"
    past = act_by(dt.date(2026, 2, 27), dt.date(2026, 3, 1))["zh"]
    assert past.startswith("立即") and "已于 2026-02-27 届满" in past


def test_no_correction_names_a_bare_past_window_date():
    # unpaid, demand served, never applied: ZX-COURT-LATE at an as-of long after the window
    case = {"case_id": "C2", "service_date": dt.date(2024, 1, 8), "fine_amount": 800.0,
            "demand_notice_date": dt.date(2024, 2, 1), "status": "执行中"}
    found = audit([case], dt.date(2026, 11, 25), rules=["ZX-COURT-LATE"])
    assert len(found) == 1
    correction = found[0].correction["zh"]
    assert "立即（期限已于 2024-10-08 届满" in correction
