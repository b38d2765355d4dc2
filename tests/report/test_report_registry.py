"""The format registry and write_reports."""

from __future__ import annotations

import pytest

from _report_factory import small_result
from auditor.errors import UsageError
from auditor.report import FORMATS, RUN_MARKER, write_reports


def test_every_format_written(tmp_path):
    paths = write_reports(small_result(), tmp_path / "out", list(FORMATS), lang="zh", show_personal_data=False)
    names = [p.name for p in paths]
    assert names == ["findings.json", "findings.csv", "warnings.csv", "findings.sarif", "findings.junit.xml",
                     "report.xlsx", "report.html"]
    assert all(p.exists() and p.stat().st_size > 200 for p in paths)
    # no temp files left; the run marker says which run wrote the set
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([*names, RUN_MARKER])
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left beside it


def test_unknown_format_and_language_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="pdf"):
        write_reports(small_result(), tmp_path, ["json", "pdf"])
    with pytest.raises(UsageError, match="fr"):
        write_reports(small_result(), tmp_path, ["json"], lang="fr")
    assert not list(tmp_path.iterdir())


def test_each_writer_keeps_the_signature(tmp_path):
    for name, fmt in FORMATS.items():
        out = fmt.writer(small_result(), tmp_path / fmt.file_name, lang="en", show_personal_data=True)
        assert out[0] == tmp_path / fmt.file_name, name


def test_minimal_result_without_cases_load_or_rules(tmp_path):
    import json
    from datetime import date
    from importlib import resources

    import jsonschema

    from _report_factory import _finding
    from auditor.findings import AuditResult

    r = AuditResult(as_of=date(2026, 1, 5), findings=[_finding("DIS-001", {"case_id": "C1", "squad": "甲"})])
    paths = write_reports(r, tmp_path, list(FORMATS))
    assert len(paths) == 7
    doc = json.loads((tmp_path / "findings.json").read_text("utf-8"))
    schema = json.loads(resources.files("auditor").joinpath("data/findings.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["summary"]["squads"][0] == {**doc["summary"]["squads"][0], "squad": "甲", "cases": 1, "score": 90.0}
    assert doc["rules"] == [] and doc["load"]["counts"] == {} and doc["findings"][0]["source"] is None
    assert "甲" in (tmp_path / "report.html").read_text("utf-8")
