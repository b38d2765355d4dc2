"""The tables as they stood: no copy of the export when nothing happened after the as-of date; a cut
never changes the loaded tables."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from auditor.generate import generate_export
from auditor.ingest import load_exports
from auditor.model.snapshot import snapshot_tables


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    root = tmp_path_factory.mktemp("snap")
    generate_export(root, 200, 23, violation_rate=0.3, as_of=date(2026, 11, 25), forms=("csv",))
    return load_exports([root / "csv"]).tables


def test_nothing_later_no_copy(tables):
    out, info = snapshot_tables(tables, date(2026, 11, 25))
    for name in ("cases", "recordings", "disclosures"):
        assert out[name] is tables[name], name
    assert not info.out_of_scope and info.dates_cleared == 0 and info.recordings_dropped == 0


def test_a_cut_copies_and_leaves_the_export_alone(tables):
    before = {name: frame.copy() for name, frame in tables.items()}
    out, info = snapshot_tables(tables, date(2026, 6, 30))
    assert info.out_of_scope and info.dates_cleared and info.recordings_dropped
    assert len(out["cases"]) < len(tables["cases"]) and out["cases"] is not tables["cases"]
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, before[name])
