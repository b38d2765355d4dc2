"""An export that left a column out must not silently accuse every case: the run says so."""

import datetime as dt
import shutil

from auditor.api import AuditConfig, run_audit

from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "sample"


def test_missing_column_flags_the_findings_that_rest_on_it(tmp_path):
    # The CSV export without the 立案审批人 column: every filed case now "lacks" the filing approval.
    src = (SAMPLE / "csv" / "cases.csv").read_text(encoding="utf-8-sig").splitlines()
    header = src[0].split(",")
    col = header.index("立案审批人")
    import csv
    import io

    rows = list(csv.reader(io.StringIO("\n".join(src))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(row[:col] + row[col + 1:])
    d = tmp_path / "export"
    d.mkdir()
    (d / "cases.csv").write_text(out.getvalue(), encoding="utf-8-sig")
    shutil.copy(SAMPLE / "csv" / "recordings.csv", d / "recordings.csv")
    shutil.copy(SAMPLE / "csv" / "disclosures.csv", d / "disclosures.csv")
    result = run_audit(AuditConfig(exports=(d,), as_of=dt.date(2026, 11, 25)))
    notices = [n for n in result.notices if n.code == "field_empty"]
    assert any("filing_approver" in n.detail for n in notices), [n.message["zh"] for n in result.notices]
    flagged = next(n for n in notices if "filing_approver" in n.detail)
    assert flagged.count > 100 and "立案审批人" in flagged.message["zh"]


def test_complete_export_raises_no_such_notice():
    result = run_audit(AuditConfig(exports=(SAMPLE / "xml",), as_of=dt.date(2026, 11, 25)))
    assert not [n for n in result.notices if n.code == "field_empty"], [n.message["zh"] for n in result.notices]
