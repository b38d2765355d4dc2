"""Exports with no case, or a single one, audit like any other (pandas 3 once crashed on them)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main

REPO = Path(__file__).resolve().parents[2]
SAMPLE_CSV = REPO / "fixtures" / "sample" / "csv"


def _export(folder: Path, keep_cases: int) -> Path:
    """The sample's CSV export cut down to its first `keep_cases` cases and their recordings."""
    folder.mkdir(parents=True)
    with open(SAMPLE_CSV / "cases.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    kept = rows[: 1 + keep_cases]
    ids = {r[0] for r in kept[1:]}
    with open(folder / "cases.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(kept)
    with open(SAMPLE_CSV / "recordings.csv", encoding="utf-8-sig", newline="") as fh:
        recs = list(csv.reader(fh))
    id_col = recs[0].index("案件编号") if "案件编号" in recs[0] else 1
    with open(folder / "recordings.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([recs[0]] + [r for r in recs[1:] if r[id_col] in ids])
    return folder


@pytest.mark.parametrize("cases", [0, 1, 2])
def test_tiny_export_audits_without_crashing(tmp_path, cases):
    export = _export(tmp_path / "export", cases)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["audit", str(export), "--as-of", "2026-11-25", "--out", str(out),
                                       "--no-history", "--format", "json,xlsx,html"])
    assert result.exit_code in (0, 1), result.output
    report = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert report["load"]["counts"]["cases"] == {"rows_in": cases, "loaded": cases, "rejected": 0}
    audited = {f["case_id"] for f in report["findings"]}
    with open(export / "cases.csv", encoding="utf-8", newline="") as fh:
        ids = {r[0] for r in list(csv.reader(fh))[1:]}
    assert audited <= ids
    assert (out / "report.xlsx").stat().st_size > 0 and (out / "report.html").stat().st_size > 0
