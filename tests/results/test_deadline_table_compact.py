"""The deadline table's repeated texts are categorical: smaller, and read back exactly as before."""

from __future__ import annotations

from datetime import date

import pytest

from auditor.api import AuditConfig, run_audit
from auditor.generate import generate_export
from auditor.report.html import render_html
from auditor.results.deadline_table import CATEGORICAL


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    root = tmp_path_factory.mktemp("dl")
    generate_export(root, 300, 17, violation_rate=0.5, forms=("xml",))
    return run_audit(AuditConfig(exports=(str(root / "xml"),), as_of=date(2026, 11, 25)))


def test_repeated_columns_are_categorical_and_never_missing(result):
    dl = result.deadlines
    assert len(dl) > 1000
    for col in CATEGORICAL:
        assert dl[col].dtype == "category", col
        assert not dl[col].isna().any(), col
        assert all(type(v) is str for v in dl[col].tolist()), col
    as_objects = dl.astype({c: object for c in CATEGORICAL})
    assert dl.memory_usage(deep=True).sum() < as_objects.memory_usage(deep=True).sum() / 2
    assert (dl["status"] == "late").sum() == (as_objects["status"] == "late").sum() > 0


def test_case_pages_read_the_same(result):
    from dataclasses import replace

    plain = replace(result, deadlines=result.deadlines.astype({c: object for c in CATEGORICAL}))
    assert render_html(result) == render_html(plain)
