"""CSV: BOM, headers in both languages, formula neutralisation, the early-warning file."""

from __future__ import annotations

import csv
import io

from _report_factory import FORMULA_PAYLOADS, small_result
from auditor.report.csv_report import warnings_path, write_csv
from auditor.report.labels import FINDING_COLUMNS, WARNING_COLUMNS


def _read(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def test_findings_and_warnings_files(tmp_path):
    paths = write_csv(small_result(), tmp_path / "findings.csv")
    assert [p.name for p in paths] == ["findings.csv", "warnings.csv"]
    rows = _read(paths[0])
    assert rows[0] == [c[1] for c in FINDING_COLUMNS] and rows[0][0] == "问题编号"
    assert len(rows) == 1 + len(small_result().findings)
    assert b"\r\n" in paths[0].read_bytes()
    warn = _read(paths[1])
    assert warn[0] == [c[1] for c in WARNING_COLUMNS]
    assert warn[1][:4] == ["2026-11-25", "0", "江宁路中队", "JA2026-0002"]


def test_english_headers_and_values(tmp_path):
    rows = _read(write_csv(small_result(), tmp_path / "findings.csv", lang="en")[0])
    assert rows[0][0] == "Finding ID" and rows[0][5] == "Severity"
    assert {r[5] for r in rows[1:]} == {"serious", "general", "notice"}


def test_formula_payloads_neutralised(tmp_path):
    rows = _read(write_csv(small_result(), tmp_path / "findings.csv")[0])
    cells = [c for r in rows[1:] for c in r]
    for payload in FORMULA_PAYLOADS:
        assert "'" + payload in cells, payload
        assert payload not in cells, payload
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "案由为“+1”。" in cells  # text not at the start of a cell is left alone


def test_other_file_name_gets_its_own_warnings_file(tmp_path):
    assert warnings_path(tmp_path / "x.csv") == tmp_path / "x-warnings.csv"
    paths = write_csv(small_result(), tmp_path / "x.csv")
    assert paths[1].name == "x-warnings.csv" and paths[1].exists()
