"""The XML and CSV forms of one generated export load into identical canonical tables."""

from __future__ import annotations

from datetime import date

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.generate import generate_export
from auditor.ingest import load_exports


def _tables(result) -> dict[str, pd.DataFrame]:
    return {t: df.drop(columns=["_file", "_line"]).reset_index(drop=True) for t, df in result.tables.items()}


def _assert_same_load(out) -> None:
    xml, csv = load_exports(out / "xml"), load_exports(out / "csv")
    for result in (xml, csv):
        assert result.rejected == []
        assert all(c.rejected == 0 for c in result.counts.values())
    assert {t: c.loaded for t, c in xml.counts.items()} == {t: c.loaded for t, c in csv.counts.items()}
    x, c = _tables(xml), _tables(csv)
    assert set(x) == set(c) == {"cases", "recordings", "disclosures"}
    for table in x:
        pd.testing.assert_frame_equal(x[table], c[table], check_exact=True)


def test_xml_and_csv_load_identically(tmp_path):
    summary = generate_export(tmp_path, 600, seed=20251, violation_rate=0.3, as_of=date(2026, 11, 25))
    _assert_same_load(tmp_path)
    loaded = load_exports(tmp_path / "xml")
    assert loaded.counts["cases"].loaded == summary.cases == 600
    assert loaded.counts["recordings"].loaded == summary.recordings
    assert loaded.counts["disclosures"].loaded == summary.disclosures
    cases = loaded.tables["cases"]
    assert cases["officers"].map(len).min() == 1  # JL-OFFICERS-CASE injected somewhere
    assert str(cases["filing_date"].dtype).startswith("datetime64")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=10_000), cases=st.integers(min_value=0, max_value=25),
       rate=st.sampled_from([0.0, 0.5, 1.0]),
       as_of=st.dates(min_value=date(2024, 6, 1), max_value=date(2026, 12, 31)))
def test_xml_and_csv_load_identically_for_small_seeds(tmp_path_factory, seed, cases, rate, as_of):
    out = tmp_path_factory.mktemp("g")
    generate_export(out, cases, seed=seed, violation_rate=rate, as_of=as_of)
    _assert_same_load(out)
