"""The month as it stood: auditing one late export as of earlier month-ends (auditor.model.snapshot).

The reference is independent of the snapshot code: the generator writes the same district as its
systems showed it on each month-end (`generate --view-as-of`). Auditing the final export as of a
month-end must give exactly the findings of auditing that month's own export.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from click.testing import CliRunner

from auditor.api import AuditConfig, run_audit
from auditor.cli import main
from auditor.model.snapshot import snapshot_tables

FINAL = date(2026, 11, 25)
MONTH_ENDS = (date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31))


def _generate(out, view=None):
    args = ["generate", "--cases", "240", "--seed", "31", "--out", str(out), "--form", "xml",
            "--as-of", FINAL.isoformat(), "--violation-rate", "0.3"]
    if view:
        args += ["--view-as-of", view.isoformat()]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    root = tmp_path_factory.mktemp("months")
    _generate(root / "final")
    for day in MONTH_ENDS:
        _generate(root / day.isoformat(), day)
    return root


def _key(result):
    return {f.fingerprint: (f.rule_id, f.case_id, f.message["zh"]) for f in result.findings}


def test_three_month_ends_of_one_export_match_the_exports_of_those_months(exports):
    final_cases = len(run_audit(AuditConfig(exports=(str(exports / "final" / "xml"),), as_of=FINAL)).cases)
    snapshots = []
    for day in MONTH_ENDS:
        cut = run_audit(AuditConfig(exports=(str(exports / "final" / "xml"),), as_of=day))
        then = run_audit(AuditConfig(exports=(str(exports / day.isoformat() / "xml"),), as_of=day))
        assert sorted(cut.cases["case_id"]) == sorted(then.cases["case_id"])
        assert _key(cut) == _key(then)
        assert (dict(zip(cut.cases["case_id"], cut.cases["status"]))
                == dict(zip(then.cases["case_id"], then.cases["status"])))
        meta = cut.metadata["snapshot"]
        assert meta["mode"] == "as_of"
        assert meta["cases_out_of_scope"] == final_cases - len(then.cases) > 0
        assert sum(meta["out_of_scope_by_squad"].values()) == meta["cases_out_of_scope"]
        assert any(n.code == "snapshot" and str(meta["cases_out_of_scope"]) in n.message["zh"] for n in cut.notices)
        snapshots.append(_key(cut))
    assert snapshots[0] != snapshots[1] != snapshots[2] != snapshots[0]


def test_all_known_audits_everything_the_export_knows(exports):
    day = MONTH_ENDS[0]
    every = run_audit(AuditConfig(exports=(str(exports / "final" / "xml"),), as_of=day, all_known=True))
    final = run_audit(AuditConfig(exports=(str(exports / "final" / "xml"),), as_of=FINAL))
    assert len(every.cases) == len(final.cases)
    assert every.metadata["snapshot"]["mode"] == "all_known"
    assert any(n.code == "snapshot" and "--all-known" in n.message["zh"] for n in every.notices)


def test_explain_says_a_later_case_is_out_of_scope(exports):
    final = run_audit(AuditConfig(exports=(str(exports / "final" / "xml"),), as_of=FINAL)).cases
    late = final.loc[final["filing_date"] > pd.Timestamp(MONTH_ENDS[0]), "case_id"].iloc[0]
    res = CliRunner().invoke(main, ["explain", late, str(exports / "final" / "xml"), "--as-of", "2026-08-31"])
    assert res.exit_code == 2 and "不在该日的审计范围" in res.output and "--all-known" in res.output
    res = CliRunner().invoke(main, ["explain", late, str(exports / "final" / "xml"), "--as-of", "2026-08-31",
                                    "--all-known"])
    assert res.exit_code == 0, res.output


def _cases(**cols):
    frame = pd.DataFrame(cols)
    for name in frame:
        if name.endswith("_date"):
            frame[name] = pd.to_datetime(frame[name])
    return frame


def test_later_dates_and_their_companions_are_cleared_and_the_status_follows():
    cases = _cases(case_id=["A", "B", "C", "D"], squad=["s1", "s1", "s2", "s2"],
                   discovery_date=["2026-08-01", "2026-08-02", "2026-09-03", None],
                   filing_date=["2026-08-02", "2026-08-03", "2026-09-04", None],
                   decision_date=["2026-08-20", "2026-09-10", "2026-09-20", None],
                   decision_no=["N1", "N2", "N3", None], decision_type=[("罚款",)] * 3 + [()],
                   fine_amount=[100.0, 200.0, 300.0, float("nan")],
                   closure_date=["2026-08-25", "2026-09-20", "2026-09-30", None],
                   status=["已结案", "已结案", "已结案", "已立案"])
    recordings = pd.DataFrame({"case_id": ["A", "B", "B", "C"], "stage": ["现场检查", "询问", "送达", "现场检查"],
                               "recorded_at": pd.to_datetime(["2026-08-01 09:00", "2026-08-02 10:00",
                                                              "2026-09-10 10:00", "2026-09-03 09:00"]),
                               "uploaded_at": pd.to_datetime(["2026-08-01 12:00", "2026-09-01 08:00",
                                                              "2026-09-10 12:00", "2026-09-03 12:00"])})
    disclosures = pd.DataFrame({"decision_no": ["N1", "N2"],
                                "disclosure_date": pd.to_datetime(["2026-08-22", "2026-09-12"]),
                                "withdrawn_date": pd.to_datetime([None, None])})
    out, info = snapshot_tables({"cases": cases, "recordings": recordings, "disclosures": disclosures},
                                date(2026, 8, 31))
    got = out["cases"].set_index("case_id")
    assert list(got.index) == ["A", "B", "D"]  # C first known in September; D has no date and stays
    assert info.out_of_scope == {"s2": 1}
    assert got.at["A", "status"] == "已结案" and got.at["A", "decision_no"] == "N1"
    assert got.at["B", "status"] == "调查中"  # decided and closed only in September
    assert pd.isna(got.at["B", "decision_date"]) and pd.isna(got.at["B", "decision_no"])  # None or NaN (pandas 3)
    assert got.at["B", "decision_type"] == () and pd.isna(got.at["B", "fine_amount"])
    assert got.at["D", "status"] == "已立案"  # untouched: keeps the export's status
    assert (info.dates_cleared, info.cases_changed) == (2, 1)
    rec = out["recordings"]
    assert list(rec["case_id"]) == ["A", "B"] and info.recordings_dropped == 2
    assert rec["uploaded_at"].notna().tolist() == [True, False]  # archived only in September
    assert list(out["disclosures"]["decision_no"]) == ["N1"] and info.disclosures_dropped == 1
    assert "s2 1" in info.message("zh") and "--all-known" in info.message("zh")


def test_snapshot_is_in_the_json_report_and_valid(exports):
    import json
    from importlib import resources

    import jsonschema

    from auditor.report.json_report import build_document

    schema = json.loads(resources.files("auditor").joinpath("data/findings.schema.json").read_text("utf-8"))
    cut = run_audit(AuditConfig(exports=(str(exports / "final" / "xml"),), as_of=MONTH_ENDS[0]))
    doc = json.loads(json.dumps(build_document(cut), ensure_ascii=False, default=str))
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["metadata"]["snapshot"]["mode"] == "as_of" and doc["metadata"]["snapshot"]["cases_out_of_scope"] > 0
    bad = json.loads(json.dumps(doc))
    bad["metadata"]["snapshot"]["mode"] = "later"
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(bad))
