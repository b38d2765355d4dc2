"""Fast scalar working-day arithmetic for the generator, built once from `enrich.calendar.WorkCalendar`.

The generator asks tens of questions per case ("the 3rd working day after the decision"); the
vectorized calendar is made for columns, so this wraps a precomputed table of the same calendar.
Days outside the calendar's coverage (2027+ today, and before 2004) count Monday-Friday as working
days: the generator only reaches them for events planned after the as-of date, which are then
dropped, and for violation dates long before discovery, which need no working-day arithmetic;
`generate_export` refuses an as-of date whose discovery window is not covered.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from auditor.enrich.calendar import WorkCalendar


@dataclass(frozen=True)
class Workdays:
    """Working days between `first` and `last` (inclusive); `as_of` is the export's as-of date."""

    first: date
    last: date
    as_of: date
    covered_until: date
    _ordinals: tuple[int, ...]  # ordinals of all working days in [first, last], ascending
    _is_work: bytes  # one flag per day from `first`

    @classmethod
    def build(cls, first: date, last: date, as_of: date, calendar: WorkCalendar | None = None) -> Workdays:
        cal = calendar or WorkCalendar()
        covered_until = date(max(cal.covered_years), 12, 31)
        covered_from = date(min(cal.covered_years), 1, 1)
        flags = bytearray()
        ordinals = []
        d = first
        while d <= last:
            work = cal.is_workday(d) if covered_from <= d <= covered_until else d.weekday() < 5
            flags.append(1 if work else 0)
            if work:
                ordinals.append(d.toordinal())
            d += timedelta(days=1)
        return cls(first, last, as_of, covered_until, tuple(ordinals), bytes(flags))

    def is_workday(self, d: date) -> bool:
        return bool(self._is_work[d.toordinal() - self.first.toordinal()])

    def after(self, d: date, n: int) -> date:
        """The n-th working day after `d` (d itself not counted, 行政处罚法 85 / 民诉法 85); n >= 1."""
        if n < 1:
            raise ValueError("n must be >= 1")
        i = bisect_right(self._ordinals, d.toordinal()) + n - 1
        return date.fromordinal(self._ordinals[i])

    def on_or_after(self, d: date) -> date:
        """`d` if it is a working day, else the next one (a deadline ending on a rest day moves on)."""
        return d if self.is_workday(d) else self.after(d, 1)

    def count(self, start: date, end: date) -> int:
        """Working days d with start < d <= end."""
        return bisect_right(self._ordinals, end.toordinal()) - bisect_right(self._ordinals, start.toordinal())

    def pick(self, rng, d: date, lo: int, hi: int) -> date:
        """A working day `lo..hi` working days after `d` (lo = 0: `d` itself when it is a working day)."""
        n = rng.randint(lo, hi)
        return self.on_or_after(d) if n == 0 else self.after(d, n)


def add_months(d: date, months: int) -> date:
    """Same day `months` later, clamped to the month's end (2025-08-31 + 6 months = 2026-02-28)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")
