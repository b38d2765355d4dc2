"""Working-day calendar: statutory holidays and adjusted working weekends (调休), vectorized.

Years come from the chinese-calendar package (2004–2026 in 1.11.0) and from calendar files (YAML) that
add later years as the State Council publishes them. A day in a year neither covers is *unknown*: any
working-day computation touching it yields "unknown", never a silent guess that it is a plain weekday.

All vectorized functions take and return numpy ``datetime64[D]`` arrays; NaT in means NaT out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from auditor.errors import ConfigError

BASE = np.datetime64("2004-01-01", "D")
NAT = np.datetime64("NaT", "D")


@dataclass(frozen=True)
class YearSpec:
    year: int
    holidays: frozenset[dt.date]  # days off that would otherwise be working days (weekday holidays)
    workdays: frozenset[dt.date]  # weekend days that are working days (调休上班)
    source: str = ""


def _package_years() -> tuple[range, frozenset, frozenset]:
    """The years chinese-calendar covers, its holidays and its adjusted working days."""
    import chinese_calendar

    years = sorted({d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays})
    return (range(years[0], years[-1] + 1), frozenset(chinese_calendar.holidays),
            frozenset(chinese_calendar.workdays))


class WorkCalendar:
    """Which days are working days, for a contiguous run of covered years starting 2004."""

    def __init__(self, extra_years: dict[int, YearSpec] | None = None):
        pkg_years, pkg_holidays, pkg_workdays = _package_years()
        extra_years = dict(extra_years or {})
        covered = set(pkg_years) | set(extra_years)
        self.package_years = (pkg_years.start, pkg_years.stop - 1)
        self.extra_years = tuple(sorted(extra_years))
        last = max(covered)
        n_days = (np.datetime64(f"{last + 1}-01-01", "D") - BASE).astype(int)
        days = BASE + np.arange(n_days)
        years = days.astype("datetime64[Y]").astype(int) + 1970
        weekday = (days.astype(int) - 4) % 7  # 1970-01-01 was a Thursday; 0 = Monday
        known = np.isin(years, sorted(covered))
        work = np.zeros(n_days, dtype=bool)
        pkg_mask = (years >= pkg_years.start) & (years < pkg_years.stop)
        # Same answer as chinese_calendar.is_workday (a test checks), without 8,000 Python calls.
        work[pkg_mask] = weekday[pkg_mask] < 5
        for d in pkg_holidays:
            work[(np.datetime64(d, "D") - BASE).astype(int)] = False
        for d in pkg_workdays:
            work[(np.datetime64(d, "D") - BASE).astype(int)] = True
        for year, spec in extra_years.items():
            if year in pkg_years:
                continue  # the package is authoritative for its own years
            sel = years == year
            work[sel] = weekday[sel] < 5
            for d in spec.holidays:
                work[(np.datetime64(d, "D") - BASE).astype(int)] = False
            for d in spec.workdays:
                work[(np.datetime64(d, "D") - BASE).astype(int)] = True
        work &= known
        self._known = known
        self._work = work
        # cum_work[i] = working days in [BASE, BASE+i]; cum_unknown likewise for unknown days.
        self._cum_work = np.cumsum(work, dtype=np.int64)
        self._cum_unknown = np.cumsum(~known, dtype=np.int64)
        self._n = n_days
        self.covered_years = tuple(sorted(covered))

    # -- scalar helpers -------------------------------------------------------------------------
    def covers(self, day: dt.date) -> bool:
        i = (np.datetime64(day, "D") - BASE).astype(int)
        return 0 <= i < self._n and bool(self._known[i])

    def is_workday(self, day: dt.date) -> bool:
        if not self.covers(day):
            raise ConfigError(f"{day.year} 年的节假日安排未加载（工作日历缺失），无法判断 {day} 是否为工作日")
        return bool(self._work[(np.datetime64(day, "D") - BASE).astype(int)])

    def missing_year(self, day: dt.date) -> int | None:
        return None if self.covers(day) else day.year

    # -- vectorized -----------------------------------------------------------------------------
    def _index(self, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        days = np.asarray(days, dtype="datetime64[D]")
        nat = np.isnat(days)
        idx = np.where(nat, 0, (days - BASE).astype(np.int64))
        inside = ~nat & (idx >= 0) & (idx < self._n)
        idx = np.where(inside, idx, 0)
        return idx, inside

    def add_working_days(self, start: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The n-th working day after `start` (the start day itself is not counted).

        Returns (due, unknown): `unknown` is True where the answer needs a day the calendar does not
        cover; `due` is NaT there and where `start` is NaT.
        """
        start = np.asarray(start, dtype="datetime64[D]")
        n = np.broadcast_to(np.asarray(n, dtype=np.int64), start.shape)
        idx, inside = self._index(start)
        target = self._cum_work[idx] + n
        j = np.searchsorted(self._cum_work, target, side="left")
        found = inside & (j < self._n)
        j_safe = np.where(found, j, 0)
        unknown_between = self._cum_unknown[j_safe] - self._cum_unknown[idx]
        ok = found & (unknown_between == 0) & self._known[idx]
        # n <= 0 means "the start day itself"; keep it simple and exact.
        zero = n <= 0
        due = np.where(ok, BASE + j_safe, NAT)
        due = np.where(zero & inside & self._known[idx], start, due)
        unknown = ~np.isnat(start) & np.isnat(due)
        return due.astype("datetime64[D]"), unknown

    def working_days_between(self, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Working days d with start < d <= end (negative when end < start). Returns (count, unknown);
        count is meaningless where unknown (set to 0) and where either date is NaT (also 0)."""
        start = np.asarray(start, dtype="datetime64[D]")
        end = np.asarray(end, dtype="datetime64[D]")
        i, in_i = self._index(start)
        j, in_j = self._index(end)
        both = in_i & in_j
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        clean = both & (self._cum_unknown[hi] - self._cum_unknown[lo] == 0) & self._known[lo] & self._known[hi]
        count = np.where(clean, self._cum_work[j] - self._cum_work[i], 0)
        unknown = ~np.isnat(start) & ~np.isnat(end) & ~clean
        return count.astype(np.int64), unknown

    def roll_to_workday(self, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A calendar-day deadline ending on a rest day moves to the next working day (民诉法 85)."""
        days = np.asarray(days, dtype="datetime64[D]")
        idx, inside = self._index(days)
        is_work = inside & self._work[idx]
        rolled, unknown = self.add_working_days(days, np.ones(days.shape, dtype=np.int64))
        out = np.where(is_work, days, rolled)
        unknown = ~np.isnat(days) & ~is_work & (unknown | ~inside | ~self._known[idx])
        out = np.where(unknown, NAT, out)
        return out.astype("datetime64[D]"), unknown


def load_calendar_file(path: str | Path) -> dict[int, YearSpec]:
    """Read a calendar file adding years (see docs/calendar.md for the format)."""
    from auditor.yamlio import load_yaml

    path = Path(path)
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("years"), dict):
        raise ConfigError("工作日历文件须包含 years: 映射（年份 → holidays / workdays）", file=str(path))
    specs: dict[int, YearSpec] = {}
    years = data["years"]
    package = _package_years()[0]
    for year, body in years.items():
        line = years.line_of(year)
        if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200 \
                or not isinstance(body, dict):
            raise ConfigError(f"年份 {year!r} 的格式不正确（应为 1900–2200 的年份，下含 holidays / workdays）",
                              file=str(path), line=line)
        if year in package:  # it was silently ignored: the package is authoritative for its years
            raise ConfigError(f"{year} 年已由 chinese-calendar 按国务院公布的安排覆盖（{package.start}–{package.stop - 1}），"
                              "日历文件只能补充其后的年份，不能改写；如安排有误请升级 chinese-calendar",
                              file=str(path), line=line)
        unknown = set(body) - {"holidays", "workdays", "source"}
        if unknown:
            raise ConfigError(f"{year} 年含未知键: {', '.join(sorted(map(str, unknown)))}", file=str(path), line=line)
        specs[year] = YearSpec(
            year=year,
            holidays=frozenset(_expand_days(body.get("holidays") or [], year, path, body.line_of("holidays"))),
            workdays=frozenset(_expand_days(body.get("workdays") or [], year, path, body.line_of("workdays"))),
            source=str(body.get("source", "")),
        )
    return specs


def _expand_days(items: list, year: int, path: Path, line: int) -> list[dt.date]:
    if not isinstance(items, list):
        raise ConfigError(f"{year} 年的 holidays / workdays 应为日期列表", file=str(path), line=line)
    out: list[dt.date] = []
    for i, item in enumerate(items):
        line = items.line_of(i) if hasattr(items, "line_of") else line
        if isinstance(item, dt.date):
            days = [item]
        elif isinstance(item, list) and len(item) == 2 and all(isinstance(x, dt.date) for x in item):
            a, b = item
            if b < a:  # an empty range would silently drop the whole holiday
                raise ConfigError(f"区间 [{a}, {b}] 起止颠倒", file=str(path), line=line)
            days = [a + dt.timedelta(k) for k in range((b - a).days + 1)]
        else:
            raise ConfigError(f"{year} 年的日期 {item!r} 应为 YYYY-MM-DD 或 [起, 止]", file=str(path), line=line)
        for d in days:
            if d.year != year:
                raise ConfigError(f"日期 {d} 不属于 {year} 年", file=str(path), line=line)
        out.extend(days)
    return out
