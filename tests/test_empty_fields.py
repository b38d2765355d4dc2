"""An export that left a column out must not silently accuse every case: the run says so."""

import datetime as dt
import shutil

from auditor.api import AuditConfig, run_audit

from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "sample"


def _export_without(tmp_path, label, blank_only=False):
    """The CSV sample with the cases column `label` removed (or kept with every cell blank)."""
    import csv
    import io

    src = (SAMPLE / "csv" / "cases.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(src)))
    col = rows[0].index(label)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for i, row in enumerate(rows):
        writer.writerow(row[:col] + ([row[col] if i == 0 else ""] if blank_only else []) + row[col + 1:])
    d = tmp_path / "export"
    d.mkdir()
    (d / "cases.csv").write_text(out.getvalue(), encoding="utf-8-sig")
    shutil.copy(SAMPLE / "csv" / "recordings.csv", d / "recordings.csv")
    shutil.copy(SAMPLE / "csv" / "disclosures.csv", d / "disclosures.csv")
    return d


def test_missing_column_makes_its_findings_undetermined_not_accusations(tmp_path):
    # The CSV export without the 立案审批人 column: no filed case can be accused of lacking the approval.
    full = run_audit(AuditConfig(exports=(SAMPLE / "csv",), as_of=dt.date(2026, 11, 25)))
    result = run_audit(AuditConfig(exports=(_export_without(tmp_path, "立案审批人"),), as_of=dt.date(2026, 11, 25)))
    assert not [f for f in result.findings if f.rule_id == "JL-STAGE-START"]
    assert [f for f in full.findings if f.rule_id == "JL-STAGE-START"]
    undetermined = [u for u in result.undetermined if u.rule_id == "JL-STAGE-START"]
    assert len(undetermined) > 100
    assert all(u.missing == ("filing_approver",) and "立案审批人（导出无此列）" in u.missing_labels["zh"]
               for u in undetermined)
    # every other finding is still there, none added
    key = lambda f: (f.rule_id, f.case_id, f.subject)  # noqa: E731
    assert {key(f) for f in result.findings} == {key(f) for f in full.findings if f.rule_id != "JL-STAGE-START"}
    assert not result.coverage.column_supplied("cases", "filing_approver")


def test_column_blank_in_every_row_still_flags_the_findings_that_rest_on_it(tmp_path):
    # The column is there but blank everywhere: for JL-STAGE-START an empty approver is the breach (the
    # rule says so in its `empty:`), yet a column blank in every row is flagged for checking.
    result = run_audit(AuditConfig(exports=(_export_without(tmp_path, "立案审批人", blank_only=True),),
                                   as_of=dt.date(2026, 11, 25)))
    notices = [n for n in result.notices if n.code == "field_empty"]
    flagged = next(n for n in notices if "filing_approver" in n.detail)
    assert flagged.count > 100 and "立案审批人" in flagged.message["zh"]
    assert len([f for f in result.findings if f.rule_id == "JL-STAGE-START"]) == flagged.count


def test_complete_export_raises_no_such_notice():
    result = run_audit(AuditConfig(exports=(SAMPLE / "xml",), as_of=dt.date(2026, 11, 25)))
    assert not [n for n in result.notices if n.code == "field_empty"], [n.message["zh"] for n in result.notices]
