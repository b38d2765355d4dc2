"""model/frame.py: a date outside what datetime64[ns] holds is refused loudly, never wrapped."""

from datetime import date, datetime

import pytest

from auditor.model.frame import to_frame


@pytest.mark.parametrize("column, values", [
    ("filing_date", [date(2025, 5, 7), None, date(1600, 1, 1)]),
    ("filing_date", [date(2300, 1, 1), date(2025, 5, 7)]),
    ("filing_date", [date(2025, 5, 7), datetime(2263, 1, 1, 8, 0)]),  # mixed kinds: each one looked at
])
def test_dates_outside_datetime64_ns_are_refused(column, values):
    with pytest.raises(ValueError, match="outside"):
        to_frame("cases", {column: values})


def test_dates_inside_the_range_are_kept():
    frame = to_frame("cases", {"filing_date": [date(1677, 9, 22), None, date(2262, 4, 11)]})
    assert str(frame["filing_date"].iloc[2].date()) == "2262-04-11" and frame["filing_date"].isna().tolist() == [
        False, True, False]
    times = to_frame("recordings", {"recorded_at": [datetime(2025, 5, 7, 9, 30), datetime(2024, 1, 1)]})
    assert times["recorded_at"].iloc[0].hour == 9
