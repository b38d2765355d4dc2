"""An independent system's export (issue 11): officers as bare certificate numbers, case columns left out.

On a generated 10,000-case CSV export rewritten as such a system writes it (tests/_independent_export.py):

* officers written as bare numbers ("31010012、31010034", "执法证号31010012,31010034", spaces, slashes,
  full-width) raise no officer finding the complete export does not, in both evaluators;
* without 立案审批人, 申请法院强制执行日期 and four more columns, no 违规 rests on an absent column: every
  finding is one the complete export has and still has whatever the absent columns held (another
  case's values); every finding lost is listed as 无法判定, severity counts only shrink, and no early
  warning rests on an absent column.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pandas as pd
import pytest

from _independent_export import MISSING_CASE_COLUMNS, independent_export
from auditor.api import AuditConfig, audit_tables, load_pack_and_profile, run_audit
from auditor.evaluate.parity import check_parity
from auditor.evaluate.prepare import prepare
from auditor.ingest import load_exports
from auditor.model.fields import TABLES

CASES, SEED = 10_000, 20261125
AS_OF = dt.date(2026, 11, 25)
PACK, PROFILE = load_pack_and_profile(None, None)
OFFICER_RULES = ("JL-OFFICERS-CASE", "JL-OFFICER-CERT-MISSING", "JL-REC-OFFICERS", "JL-REC-NOT-IN-CASE")
_ZH = {f.zh: f.name for f in TABLES["cases"]}


def _key(item):
    return (item.rule_id, item.case_id, item.subject)


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    from auditor.generate import generate_export

    out = tmp_path_factory.mktemp("district")
    generate_export(out, CASES, SEED, forms=("csv",))
    return out / "csv"


@pytest.fixture(scope="module")
def complete(district):
    return run_audit(AuditConfig(exports=(district,), as_of=AS_OF))


def test_officers_as_bare_numbers_raise_no_officer_finding(district, complete, tmp_path):
    folder = independent_export(district, tmp_path / "bare", drop_columns=False)
    loaded = load_exports([folder])
    officers = loaded.tables["cases"]["officers"]
    bare = officers.map(lambda t: bool(t) and not any("(" in o or "（" in o for o in t))
    assert bare.mean() > 0.9, "the rewrite wrote most cases' officers as bare numbers"
    result = run_audit(AuditConfig(exports=(folder,), as_of=AS_OF))
    mine = {_key(f) for f in result.findings if f.rule_id in OFFICER_RULES}
    theirs = {_key(f) for f in complete.findings if f.rule_id in OFFICER_RULES}
    assert mine <= theirs and len(mine) >= len(theirs) * 0.9
    # a case whose officers are written by name only, with recordings rewritten to numbers only, cannot
    # be compared: 无法判定, not a finding either way
    lost = theirs - mine
    assert {k[0] for k in lost} <= {"JL-REC-NOT-IN-CASE"}
    assert lost <= {_key(u) for u in result.undetermined}
    assert {_key(f) for f in result.findings} <= {_key(f) for f in complete.findings}
    # a case officer written by number has no name on record: the reviewer cannot be compared with it
    unnamed = {u.case_id for u in result.undetermined if u.rule_id == "FH-REVIEWER-IS-OFFICER"}
    assert unnamed and unnamed <= set(loaded.tables["cases"].loc[bare.to_numpy(), "case_id"])
    # both evaluators agree on every outcome (a slice of the district: Rete judges case by case)
    ids = set(loaded.tables["cases"]["case_id"].iloc[:800])
    tables = {t: frame[frame["case_id"].isin(ids)] if "case_id" in frame.columns else frame
              for t, frame in loaded.tables.items()}
    report = check_parity(prepare(tables, as_of=AS_OF, pack=PACK, profile=PROFILE, supplied=loaded.supplied))
    assert report.ok, report.format()


def test_missing_columns_never_carry_an_accusation(district, complete, tmp_path):
    folder = independent_export(district, tmp_path / "independent")
    result = run_audit(AuditConfig(exports=(folder,), as_of=AS_OF))
    absent = {_ZH[name] for name in MISSING_CASE_COLUMNS}
    assert set(result.coverage.tables["cases"].missing_columns) == absent
    accused, full = {_key(f) for f in result.findings}, {_key(f) for f in complete.findings}
    assert accused <= full
    undetermined = {_key(u) for u in result.undetermined}
    assert full - accused <= undetermined, "a finding the export cannot show is listed as 无法判定"
    assert any(set(u.missing) & absent for u in result.undetermined)
    # an early warning needs the deadline's end to be known open: none rests on an absent column
    warned = {(w.rule_id, w.case_id) for w in result.warnings}
    assert warned <= {(w.rule_id, w.case_id) for w in complete.warnings}
    assert not any(w.rule_id == "ZX-COURT-LATE" for w in result.warnings)  # reads 申请法院强制执行日期
    assert any(w.rule_id == "ZX-COURT-LATE" for w in complete.warnings)
    for severity, n in Counter(f.severity for f in result.findings).items():
        assert n <= sum(f.severity == severity for f in complete.findings)
    # whatever the absent columns held, the accusations stand: the complete export with those columns
    # taken from the next case still has every one of them
    tables = load_exports([district]).tables
    cases = tables["cases"].copy()
    for name in absent:
        cases[name] = pd.concat([cases[name].iloc[1:], cases[name].iloc[:1]]).array
    rotated = audit_tables({**tables, "cases": cases}, as_of=AS_OF, pack=PACK, profile=PROFILE)
    assert accused <= {_key(f) for f in rotated.findings}
