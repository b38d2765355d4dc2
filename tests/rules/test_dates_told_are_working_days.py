"""Every date the pack tells a user to act by, or names as a period's last day, is a working day: a
working-day count ends on one by construction, and a calendar or month period whose last day is a rest
day moves to the next working day (民法典 第二百零三条). Checked over the whole pack, statically and on
a generated district audited on days around the holidays."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from auditor.api import AuditConfig, run_audit
from auditor.enrich.calendar import WorkCalendar
from auditor.evaluate.context import RunContext
from auditor.generate import generate_export
from auditor.results.finding_text import correction_due
from auditor.rules.conditions import ParamRef

CAL = WorkCalendar()


def _workday(day: dt.date) -> bool:
    return CAL.is_workday(day)


def _period_ends(rule):
    """Deadlines that name a period's last day (a `late` check with a limit above 0)."""
    for spec in rule.deadlines:
        if spec.check == "late" and spec.limit != 0:
            yield spec


def test_every_calendar_or_month_period_rolls_off_rest_days(pack):
    unrolled = []
    for rule in pack.rules:
        for spec in _period_ends(rule):
            units = {spec.unit} | ({t.unit for t in spec.versions.texts if t.unit} if spec.versions else set())
            if units <= {"working_days"}:
                continue
            roll = spec.roll_over
            rolls = pack.params[roll.name].default if isinstance(roll, ParamRef) else roll
            if rolls is not True:
                unrolled.append((rule.id, spec.name, sorted(units)))
    assert unrolled == []


def _ctx(pack, profile, as_of):
    return RunContext(as_of=as_of, calendar=CAL, params=dict(profile.values), warning_days=7)


def test_every_correction_deadline_is_a_working_day(pack, profile):
    days = [dt.date(2026, 1, 20) + dt.timedelta(days=k) for k in range(50)]  # around 春节 2026
    days += [dt.date(2025, 9, 20) + dt.timedelta(days=k) for k in range(25)]  # around 国庆 2025
    calendar_rule = dataclasses.replace(pack.rules[0], due=dataclasses.replace(pack.rules[0].due, unit="calendar_days",
                                                                                amount=10))
    bad = []
    for as_of in days:
        ctx = _ctx(pack, profile, as_of)
        for rule in [*pack.rules, calendar_rule]:
            due = correction_due(rule, ctx)
            if due is None or not _workday(due):
                bad.append((rule.id, as_of, due))
    assert bad == []
    # the calendar-day deadline is really moved: 2026-02-05 + 10 days is 2/15, in the Spring Festival
    assert correction_due(calendar_rule, _ctx(pack, profile, dt.date(2026, 2, 5))) == dt.date(2026, 2, 24)


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    root = tmp_path_factory.mktemp("district")
    generate_export(root, 800, seed=41, as_of=dt.date(2026, 11, 25), forms=("xml",), violation_scale=2)
    return root


@pytest.mark.parametrize("as_of", [dt.date(2026, 2, 13), dt.date(2026, 10, 9), dt.date(2026, 11, 25)])
def test_every_period_end_and_act_by_date_of_a_district_is_a_working_day(district, pack, as_of):
    result = run_audit(AuditConfig(exports=(Path(district) / "xml",), as_of=as_of))
    ends = {(r.id, s.name) for r in pack.rules for s in _period_ends(r)}
    table = result.deadlines
    rows = table[[(rid, name) in ends for rid, name in zip(table["rule_id"], table["name"])]]
    dues = [d.date() for d in rows["due"].dropna()]
    assert len(dues) > 500
    assert [d for d in dues if not _workday(d)] == []
    corrections = {f.correction_due for f in result.findings}
    assert corrections and all(d is not None and _workday(d) for d in corrections)
