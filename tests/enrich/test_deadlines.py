"""Deadline computation at the edge of the calendar: certain outcomes are judged, uncertain ones are said."""

import datetime as dt

import numpy as np

from auditor.enrich.calendar import WorkCalendar
from auditor.enrich.deadlines import add_months, compute_deadline
from auditor.model.frame import to_frame
from auditor.rules.conditions import DeadlineSpec

CAL = WorkCalendar()


def spec(**kw):
    base = dict(key="T/d", name="d", label={"zh": "d", "en": "d"}, from_field="filing_date", to_field="decision_date",
                limit=90, unit="calendar_days", roll_over=True)
    base.update(kw)
    return DeadlineSpec(**base)


def frame(*rows):
    return to_frame("cases", [{"case_id": str(i), "squad": "s", **r} for i, r in enumerate(rows)])


def test_roll_over_into_an_uncovered_year_is_not_needed_when_the_case_is_clearly_open():
    f = frame({"filing_date": dt.date(2026, 11, 20)})
    r = compute_deadline(spec(), f, CAL, dt.date(2026, 11, 25), 7)
    assert r.status[0] == "open"


def test_working_days_into_an_uncovered_year_are_unknown_when_they_matter():
    f = frame({"filing_date": dt.date(2026, 12, 24), "decision_date": dt.date(2027, 1, 20)})
    r = compute_deadline(spec(limit=7, unit="working_days", roll_over=False), f, CAL, dt.date(2027, 2, 1), 7)
    assert r.status[0] == "unknown"
    assert r.unknown_years[0] == 2027


def test_working_days_not_yet_used_up_are_open_even_if_the_due_date_is_uncovered():
    f = frame({"filing_date": dt.date(2026, 12, 28)})
    r = compute_deadline(spec(limit=7, unit="working_days", roll_over=False), f, CAL, dt.date(2026, 12, 29), 7)
    assert r.status[0] == "open"


def test_month_arithmetic_clamps_to_month_end():
    days = np.array(["2025-08-31", "2024-02-29", "NaT"], dtype="datetime64[D]")
    assert list(add_months(days, 6).astype(str)) == ["2026-02-28", "2024-08-29", "NaT"]


def test_early_check_and_open_statuses():
    f = frame({"filing_date": dt.date(2025, 3, 3), "decision_date": dt.date(2025, 3, 5)},
              {"filing_date": dt.date(2025, 3, 3), "decision_date": dt.date(2025, 3, 20)},
              {"filing_date": dt.date(2025, 3, 3)})
    r = compute_deadline(spec(limit=10, unit="working_days", check="early", roll_over=False), f, CAL,
                         dt.date(2025, 3, 6), 7)
    assert list(r.status) == ["early", "met", "open"]
    assert r.over[0] == 8  # 3/5 is 8 working days short of 3/17


def test_overdue_and_due_soon_for_open_cases():
    f = frame({"filing_date": dt.date(2025, 1, 6)}, {"filing_date": dt.date(2025, 8, 1)})
    r = compute_deadline(spec(), f, CAL, dt.date(2025, 10, 27), 7)
    # 1/6 + 90 = 4/6 (清明) → 4/7; overdue.  8/1 + 90 = 10/30: within 7 days of 10/27 → due soon.
    assert list(r.status) == ["overdue", "due_soon"]
    assert r.due[0] == np.datetime64("2025-04-07")
