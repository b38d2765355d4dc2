"""Deadlines, computed once per run for every deadline node of every rule (vectorized).

Conventions (the counting rules of 民法典 第二百零一条至第二百零四条 and the procedural laws):
* the start day is not counted: a limit of N runs to the N-th working / calendar day after `from`;
* working days honour statutory holidays and adjusted working weekends (enrich/calendar.py);
* a calendar-day or month deadline ending on a rest day moves to the next working day when the rule
  (or its parameter) asks for roll-over (民诉法 85);
* approved extension days and excluded days (hearing, notice, appraisal) are added to the limit;
* with no end date, an open deadline is measured against the as-of date.

Status: na (no start date, or not applicable), unknown (the calendar does not cover a needed year),
met, late, early, overdue (no end, as-of past due), due_soon (no end, due within the warning
horizon), open (no end, due later).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from auditor.enrich.calendar import WorkCalendar
from auditor.rules.conditions import DeadlineSpec

STATUSES = ("na", "unknown", "met", "late", "early", "overdue", "due_soon", "open")


@dataclass
class DeadlineResult:
    spec: DeadlineSpec
    start: np.ndarray  # datetime64[D]
    due: np.ndarray
    end: np.ndarray  # the recorded end date (NaT if none)
    status: np.ndarray  # object array of STATUSES
    elapsed: np.ndarray  # in the deadline's unit (days for months), from start to end-or-as-of
    over: np.ndarray  # how far past due (late/overdue) or short of it (early), in the unit; 0 otherwise
    unknown_years: np.ndarray  # int year the calendar lacks, 0 if none
    limits: np.ndarray | None = None  # per-row limit when it depends on the law text in force (versions)
    units: np.ndarray | None = None  # per-row unit, likewise

    def limit_at(self, pos: int) -> int:
        return int(self.limits[pos]) if self.limits is not None else int(self.spec.limit)

    def unit_at(self, pos: int) -> str:
        return str(self.units[pos]) if self.units is not None else self.spec.unit

    @property
    def hit(self) -> np.ndarray:
        if self.spec.check == "early":
            return self.status == "early"
        return (self.status == "late") | (self.status == "overdue")


def _dates(frame: pd.DataFrame, name: str | None) -> np.ndarray:
    if name is None:
        return np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[D]")
    return frame[name].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")


def _days(frame: pd.DataFrame, name: str | None) -> np.ndarray:
    if name is None:
        return np.zeros(len(frame), dtype=np.int64)
    return frame[name].fillna(0).to_numpy(dtype=np.int64)


def add_months(start: np.ndarray, months: int) -> np.ndarray:
    """Same day N months later; the month's last day when it has no such day (民诉法 85 ¶3)."""
    nat = np.isnat(start)
    safe = np.where(nat, np.datetime64("2000-01-01", "D"), start)
    month = safe.astype("datetime64[M]")
    day = (safe - month.astype("datetime64[D]")).astype(np.int64)
    target = month + months
    last = (target + 1).astype("datetime64[D]") - 1
    due = np.minimum(target.astype("datetime64[D]") + day, last)
    return np.where(nat, np.datetime64("NaT", "D"), due)


def compute_deadline(spec: DeadlineSpec, frame: pd.DataFrame, calendar: WorkCalendar, as_of: dt.date,
                     warning_days: int) -> DeadlineResult:
    if spec.versions is not None:
        from auditor.enrich.versioned import compute_versioned

        return compute_versioned(spec, frame, calendar, as_of, warning_days, compute_deadline)
    n = len(frame)
    start = _dates(frame, spec.from_field)
    end = _dates(frame, spec.to_field)
    extra = _days(frame, spec.extension_field) + _days(frame, spec.excluded_field)
    limit = int(spec.limit)
    as_of_d = np.datetime64(as_of, "D")
    has_start = ~np.isnat(start)
    has_end = ~np.isnat(end)
    measured = np.where(has_end, end, as_of_d if spec.open == "as_of" else np.datetime64("NaT", "D"))
    # `beyond`: the calendar cannot place the due date, but it surely lies after the measured date
    # (fewer working days have passed than the limit, or only a roll-over is unknown). Nothing is late.
    beyond = np.zeros(n, dtype=bool)
    if spec.unit == "working_days":
        due, unknown = calendar.add_working_days(start, limit + extra)
        if unknown.any():
            counted, count_unknown = calendar.working_days_between(start, measured)
            beyond = unknown & ~count_unknown & ~np.isnat(measured) & (counted < limit + extra)
    else:
        if spec.unit == "calendar_days":
            due = start + (limit + extra).astype("timedelta64[D]")
        else:
            due = add_months(start, limit) + extra.astype("timedelta64[D]")
        unknown = np.zeros(n, dtype=bool)
        if spec.roll_over:
            rolled, roll_unknown = calendar.roll_to_workday(due)
            # Rolling only ever extends a deadline: a date on or before the unrolled due is on time anyway.
            beyond = roll_unknown & ~np.isnat(measured) & (measured <= due)
            unknown = roll_unknown
            due = np.where(roll_unknown, np.datetime64("NaT", "D"), rolled)
    unknown = unknown & ~beyond
    status = np.full(n, "na", dtype=object)
    known = has_start & ~unknown & ~beyond
    status[has_start & unknown] = "unknown"
    if spec.check == "early":
        status[known & has_end & (end >= due)] = "met"
        status[known & has_end & (end < due)] = "early"
        status[(known | beyond) & ~has_end] = "open" if spec.open == "as_of" else "na"
        status[beyond & has_end] = "early"
    else:
        status[known & has_end & (end <= due)] = "met"
        status[known & has_end & (end > due)] = "late"
        status[beyond & has_end] = "met"
        if spec.open == "as_of":
            pending = known & ~has_end
            days_left = (due - as_of_d).astype(np.int64)
            status[pending & (days_left < 0)] = "overdue"
            status[pending & (days_left >= 0) & (days_left <= warning_days)] = "due_soon"
            status[pending & (days_left > warning_days)] = "open"
            status[beyond & ~has_end] = "open"
    elapsed, over = _measure(spec, calendar, start, due, np.where(has_end, end, as_of_d), status)
    years = np.zeros(n, dtype=np.int64)
    if unknown.any():
        probe = np.where(np.isnat(due), start, due)
        years = np.where(unknown, _first_missing_year(calendar, probe), 0)
    return DeadlineResult(spec, start, due, end, status, elapsed, over, years)


def _measure(spec, calendar, start, due, measured, status):
    n = len(start)
    elapsed = np.zeros(n, dtype=np.int64)
    over = np.zeros(n, dtype=np.int64)
    ok = (status != "na") & (status != "unknown") & ~np.isnat(measured)
    if not ok.any():
        return elapsed, over
    if spec.unit == "working_days":
        e, e_unknown = calendar.working_days_between(start, measured)
        elapsed = np.where(ok & ~e_unknown, e, 0)
        late = (status == "late") | (status == "overdue")
        o, _ = calendar.working_days_between(due, measured)
        s, _ = calendar.working_days_between(measured, due)
        over = np.where(late, o, np.where(status == "early", s, 0))
    else:
        days = (measured - start).astype("timedelta64[D]").astype(np.int64)
        elapsed = np.where(ok, days, 0)
        delta = (measured - due).astype("timedelta64[D]").astype(np.int64)
        late = (status == "late") | (status == "overdue")
        over = np.where(late, delta, np.where(status == "early", -delta, 0))
    return np.where(ok, elapsed, 0), np.where(ok, over, 0)


def _first_missing_year(calendar: WorkCalendar, days: np.ndarray) -> np.ndarray:
    last = max(calendar.covered_years)
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    return np.where(np.isnat(days), last + 1, np.maximum(years, last + 1))
