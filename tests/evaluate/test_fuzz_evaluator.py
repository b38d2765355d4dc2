"""Property-based fuzzing of the evaluator: random partial cases (any subset of the fields, any values
of the right kind, odd orders of dates, dates outside the holiday calendar) must be audited without an
exception, and every finding must point at a case that was given, with a message in both languages.

Both evaluators are run (`check_parity`): the Rete one must hit exactly what the vectorized one hits on
these odd inputs too (tests/evaluate/test_parity.py covers the well-formed ones).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.api import audit_tables, load_pack_and_profile
from auditor.enrich.calendar import WorkCalendar
from auditor.evaluate.parity import check_parity
from auditor.evaluate.prepare import prepare
from auditor.model.fields import CASE_FIELDS, RECORDING_FIELDS
from auditor.model.frame import empty_frame, to_frame

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])
AS_OF = dt.date(2026, 11, 25)
PLACEHOLDER = re.compile(r"\{(?:param\.|dl\.)?[a-z_]+(?:\.[a-z_]+)?\}")

# Mostly inside the calendar's years, sometimes far outside them.
DATES = st.one_of(st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)),
                  st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31)))
OFFICERS = st.lists(st.sampled_from(["张伟(31010600123)", "李娜(31010600456)", "王强", "(", ""]), max_size=3)
TEXTS = st.one_of(st.sampled_from(["", "占道经营", "CG-LJ-003", "=1+1", "<script>", "91310104MA33FKD554",
                                   "310106199001011234", "沪静城管罚〔2025〕1号"]), st.text(max_size=10))


def _value(f):
    if f.kind == "date":
        return DATES
    if f.kind == "datetime":
        return st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2027, 12, 31))
    if f.kind == "bool":
        return st.booleans()
    if f.kind == "int":
        return st.integers(0, 400)
    if f.kind == "decimal":
        return st.integers(0, 10**8).map(lambda c: c / 100)
    if f.kind == "enum":
        return st.sampled_from(f.choices)
    if f.kind == "enum_list":
        return st.lists(st.sampled_from(f.choices), max_size=3).map(tuple)
    if f.kind == "list":
        return OFFICERS.map(tuple)
    return TEXTS


def _partial(fields, required: dict):
    optional = [f for f in fields if f.name not in required]
    return st.fixed_dictionaries(required, optional={f.name: st.one_of(st.none(), _value(f)) for f in optional})


CASE = _partial(CASE_FIELDS, {"squad": st.sampled_from(["一中队", "二中队"])})
RECORDING = _partial(RECORDING_FIELDS, {"stage": st.sampled_from(
    next(f for f in RECORDING_FIELDS if f.name == "stage").choices)})


@pytest.fixture(scope="module")
def setup():
    pack, profile = load_pack_and_profile(None, None)
    return pack, profile, WorkCalendar()


@FUZZ
@given(st.lists(st.tuples(CASE, st.lists(RECORDING, max_size=3)), min_size=1, max_size=6))
def test_random_partial_cases(setup, cases):
    pack, profile, calendar = setup
    case_rows, rec_rows = [], []
    for i, (case, recordings) in enumerate(cases):
        cid = f"F{i:03d}"
        case_rows.append({**case, "case_id": cid, "_file": "fuzz", "_line": i + 2})
        for j, rec in enumerate(recordings):
            rec_rows.append({**rec, "case_id": cid, "recording_id": f"{cid}-{j}", "_file": "fuzz", "_line": j + 2})
    tables = {"cases": to_frame("cases", case_rows),
              "recordings": to_frame("recordings", rec_rows) if rec_rows else empty_frame("recordings"),
              "disclosures": empty_frame("disclosures")}
    result = audit_tables(tables, as_of=AS_OF, pack=pack, profile=profile, calendar=calendar)
    ids = {r["case_id"] for r in case_rows}
    for f in result.findings:
        assert f.case_id in ids
        assert f.message.get("zh") and f.message.get("en")
        assert not PLACEHOLDER.search(f.message["zh"]), f"unfilled placeholder: {f.message['zh']}"
    assert all(w.case_id in ids for w in result.warnings)
    report = check_parity(prepare(tables, as_of=AS_OF, pack=pack, profile=profile, calendar=calendar))
    assert report.ok, report.format("en")
