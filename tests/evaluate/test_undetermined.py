"""Findings a legal officer can trust: what the export does not show is 无法判定, never a breach.

* the bundled sample with and without recordings.csv / disclosures.csv: the same 违规 findings except
  those resting on the removed table, which become 无法判定 naming it;
* a generated export with random columns left out never yields a 违规 that the complete export
  does not (an unknown value cannot create an accusation), and both evaluators agree on every outcome;
* every derived fact says how it inherits unknowns.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.api import AuditConfig, audit_tables, load_pack_and_profile, run_audit
from auditor.coverage import measure_coverage
from auditor.enrich.unknowns import DERIVED_CASE, DERIVED_RECORDING
from auditor.evaluate.outcome import reads_table
from auditor.evaluate.parity import check_parity
from auditor.evaluate.prepare import prepare
from auditor.model.fact_fields import case_fact_fields, recording_fact_fields
from auditor.model.fields import CASE_FIELDS, RECORDING_FIELDS, TABLES
from auditor.rules.conditions import fields_of

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample"
AS_OF = dt.date(2026, 11, 25)
PACK, PROFILE = load_pack_and_profile(None, None)


def _key(item):
    return (item.rule_id, item.case_id, item.subject)


def _sample_without(tmp_path, *tables):
    d = tmp_path / ("without-" + "-".join(tables))
    d.mkdir()
    for name in ("cases", "recordings", "disclosures"):
        if name not in tables:
            shutil.copy(SAMPLE / "csv" / f"{name}.csv", d / f"{name}.csv")
    return run_audit(AuditConfig(exports=(d,), as_of=AS_OF))


@pytest.fixture(scope="module")
def full():
    return run_audit(AuditConfig(exports=(SAMPLE / "csv",), as_of=AS_OF))


@pytest.mark.parametrize("removed", [("recordings",), ("disclosures",), ("recordings", "disclosures")])
def test_a_missing_table_turns_only_its_findings_into_undetermined(tmp_path, full, removed):
    partial = _sample_without(tmp_path, *removed)
    rules = {r.id: r for r in PACK.rules}
    resting = {r for r in rules if any(reads_table(rules[r], t) for t in removed)}
    assert {r for t in removed for r in partial.coverage.rules_without[t]} == resting
    full_keys = {_key(f) for f in full.findings}
    kept = {_key(f) for f in partial.findings}
    # nothing new is accused, and every finding not resting on the removed tables stays
    assert kept <= full_keys
    assert {k for k in full_keys if k[0] not in resting} == {k for k in kept if k[0] not in resting}
    lost = full_keys - kept
    assert lost, "the sample has findings resting on the removed table"
    undetermined = {_key(u): u for u in partial.undetermined}
    for k in lost:  # each lost finding is now 无法判定, naming what is missing (a recording-scope
        if rules[k[0]].scope == "recording":  # rule has no rows to judge: it is listed as not evaluated)
            continue
        assert k in undetermined, k
        assert undetermined[k].missing, k
    labels = " ".join(u.missing_labels["zh"] for u in partial.undetermined)
    for t in removed:
        assert {"recordings": "执法全过程记录表（导出未提供）", "disclosures": "公示信息表（导出未提供）"}[t] in labels
        assert not partial.coverage.table_supplied(t)
    # severity counts never grow, and no squad's score drops, because a table is missing
    for severity in ("严重", "一般", "提示"):
        assert sum(f.severity == severity for f in partial.findings) <= sum(f.severity == severity for f in full.findings)
    from auditor.report.summary import summarize

    before = {s.squad: s for s in summarize(full).squads}
    after = {s.squad: s for s in summarize(partial).squads}
    assert after.keys() == before.keys()
    for squad, s in after.items():
        assert s.score >= before[squad].score and s.failed_cases <= before[squad].failed_cases, squad


def test_the_sample_findings_and_undetermined_do_not_overlap(full):
    assert not {_key(f) for f in full.findings} & {_key(u) for u in full.undetermined}
    assert full.coverage.table_supplied("recordings") and full.coverage.table_supplied("disclosures")


def test_undetermined_as_findings_is_asked_for_and_marked(tmp_path):
    d = tmp_path / "e"
    d.mkdir()
    shutil.copy(SAMPLE / "csv" / "cases.csv", d / "cases.csv")
    plain = run_audit(AuditConfig(exports=(d,), as_of=AS_OF))
    asked = run_audit(AuditConfig(exports=(d,), as_of=AS_OF, undetermined_as_findings=True))
    assert len(asked.findings) == len(plain.findings) + len(plain.undetermined)
    extra = [f for f in asked.findings if f.message["zh"].startswith("【数据缺失，待核实】")]
    assert len(extra) == len(plain.undetermined) > 0


def test_every_derived_fact_declares_how_it_inherits_unknowns():
    base_case = {f.name for f in CASE_FIELDS}
    base_rec = {f.name for f in RECORDING_FIELDS}
    assert set(case_fact_fields()) - base_case == set(DERIVED_CASE)
    assert set(recording_fact_fields()) - base_rec == set(DERIVED_RECORDING)


# --------------------------------------------------------------------------------------------------
# Random columns left out of a generated export


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from auditor.generate import generate_export
    from auditor.ingest import load_exports

    out = tmp_path_factory.mktemp("gen")
    generate_export(out, 150, 20261, violation_rate=0.4, forms=("csv",))
    return load_exports([out / "csv"]).tables


# Every column an export may lack, in every table ("cases.x", "recordings.x", "disclosures.x"); the
# recording id is left alone (it names the finding's subject: a blank one is the line number).
_OPTIONAL = sorted(f"{t}.{f.name}" for t, fields in TABLES.items() for f in fields
                   if not f.required and (t, f.name) != ("recordings", "recording_id"))


def _with(tables, names, how):
    """`tables` with the columns `names` ("table.field") emptied (`how` = "blank") or rotated by one row
    ("rotate")."""
    import pandas as pd

    from auditor.model.frame import to_frame

    out = dict(tables)
    for qualified in names:
        table, name = qualified.split(".")
        frame = out[table] = out[table].copy()
        if not len(frame):
            continue
        col = tables[table][name]
        if how == "blank":
            seed = {"cases": {"case_id": "x", "squad": "s"}, "recordings": {"case_id": "x", "stage": "其他"},
                    "disclosures": {"decision_no": "x"}}[table]
            frame[name] = to_frame(table, [dict(seed) for _ in range(len(frame))])[name].array
        else:
            frame[name] = pd.concat([col.iloc[-1:], col.iloc[:-1]]).array
    return out


@settings(max_examples=16, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(blanked=st.lists(st.sampled_from(_OPTIONAL), min_size=1, max_size=6, unique=True))
def test_blanked_columns_never_create_an_accusation(generated, blanked):
    """An export without some columns: every 违规 is one that stands whatever the missing columns would
    have held — the complete export's values, or another row's — and both evaluators agree."""
    supplied = {t: frozenset(f.name for f in fields) - {q.split(".")[1] for q in blanked if q.startswith(t + ".")}
                for t, fields in TABLES.items()}
    partial_tables = _with(generated, blanked, "blank")
    partial = audit_tables(partial_tables, as_of=AS_OF, pack=PACK, profile=PROFILE, supplied=supplied)
    accused = {_key(f) for f in partial.findings}
    full = audit_tables(generated, as_of=AS_OF, pack=PACK, profile=PROFILE)
    assert accused <= {_key(f) for f in full.findings}
    other = audit_tables(_with(generated, blanked, "rotate"), as_of=AS_OF, pack=PACK, profile=PROFILE)
    assert accused <= {_key(f) for f in other.findings}
    assert all(u.missing for u in partial.undetermined)
    report = check_parity(prepare(partial_tables, as_of=AS_OF, pack=PACK, profile=PROFILE, supplied=supplied))
    assert report.ok, report.format()
    coverage = measure_coverage(partial_tables, supplied)
    for table in TABLES:
        expected = {q.split(".")[1] for q in blanked if q.startswith(table + ".")}
        assert set(coverage.tables[table].missing_columns) == expected
