import datetime as dt

import chinese_calendar
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.enrich.calendar import WorkCalendar, load_calendar_file
from auditor.errors import ConfigError

CAL = WorkCalendar()
D = lambda s: np.array([np.datetime64(s, "D")])  # noqa: E731

dates = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31))


def reference_count(a: dt.date, b: dt.date) -> int:
    """Working days d with a < d <= b, straight from chinese_calendar."""
    sign = 1
    if b < a:
        a, b, sign = b, a, -1
    return sign * sum(chinese_calendar.is_workday(a + dt.timedelta(k)) for k in range(1, (b - a).days + 1))


@settings(max_examples=300, deadline=None)
@given(dates, dates)
def test_working_days_between_agrees_with_chinese_calendar(a, b):
    count, unknown = CAL.working_days_between(D(a.isoformat()), D(b.isoformat()))
    assert not unknown[0]
    assert int(count[0]) == reference_count(a, b)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 11, 30)), st.integers(1, 20))
def test_add_working_days_lands_on_the_nth_working_day(start, n):
    due, unknown = CAL.add_working_days(D(start.isoformat()), np.array([n]))
    assert not unknown[0]
    due = due[0].astype(dt.date)
    assert chinese_calendar.is_workday(due)
    assert reference_count(start, due) == n


def test_national_day_2025_span_with_adjusted_working_weekends():
    # 2025-09-26 (Fri) + 7 WD: 9/28 Sun (调休上班), 9/29, 9/30, 10/9, 10/10, 10/11 Sat (调休上班), 10/13.
    due, _ = CAL.add_working_days(D("2025-09-26"), np.array([7]))
    assert due[0] == np.datetime64("2025-10-13")


def test_spring_festival_2026_span():
    # 2026-02-13 (Fri) + 3 WD: 2/14 Sat (调休上班), then 2/15–2/23 off, 2/24, 2/25.
    due, _ = CAL.add_working_days(D("2026-02-13"), np.array([3]))
    assert due[0] == np.datetime64("2026-02-25")
    count, _ = CAL.working_days_between(D("2026-02-13"), D("2026-02-28"))
    assert int(count[0]) == reference_count(dt.date(2026, 2, 13), dt.date(2026, 2, 28))


def test_roll_over_moves_rest_day_to_next_working_day():
    rolled, unknown = CAL.roll_to_workday(np.array(["2025-06-01", "2025-06-03"], dtype="datetime64[D]"))
    assert list(rolled.astype(str)) == ["2025-06-03", "2025-06-03"]
    assert not unknown.any()


def test_2027_is_unknown_not_a_plain_weekday():
    assert not CAL.covers(dt.date(2027, 1, 4))
    with pytest.raises(ConfigError, match="2027"):
        CAL.is_workday(dt.date(2027, 1, 4))
    due, unknown = CAL.add_working_days(D("2026-12-28"), np.array([7]))
    assert unknown[0] and np.isnat(due[0])
    count, unknown = CAL.working_days_between(D("2026-12-01"), D("2027-01-10"))
    assert unknown[0]


def test_calendar_file_adds_a_year(tmp_path):
    f = tmp_path / "cal.yaml"
    f.write_text("years:\n  2027:\n    source: test\n    holidays: [2027-01-01, [2027-02-08, 2027-02-10]]\n"
                 "    workdays: [2027-02-06]\n", encoding="utf-8")
    cal = WorkCalendar(load_calendar_file(f))
    assert cal.covers(dt.date(2027, 3, 1))
    assert cal.is_workday(dt.date(2027, 2, 6))  # a Saturday made a working day
    assert not cal.is_workday(dt.date(2027, 2, 9))  # a Tuesday holiday
    due, unknown = cal.add_working_days(D("2026-12-31"), np.array([1]))
    assert not unknown[0] and due[0] == np.datetime64("2027-01-04")  # 1/1 holiday, 1/2–1/3 weekend


def test_calendar_file_errors_name_the_file(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("years:\n  2027:\n    holidays: [2028-01-01]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.yaml"):
        load_calendar_file(f)


def test_every_package_day_matches_is_workday():
    day = dt.date(2004, 1, 1)
    while day <= dt.date(2026, 12, 31):
        assert CAL.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
