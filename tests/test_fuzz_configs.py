"""Property-based fuzzing of the configuration a district sends us: mapping profiles and parameter files.

Random mapping profiles built from the profile vocabulary, and random mutations of a real one, must
either load or fail with ConfigError naming the file; a profile that loads must then read an export
with only InputError or a reconciling load report (rows in = loaded + rejected). Random parameter
declarations (rules/params.yaml mutated) and district profiles with edge numbers must load with every
number inside its declared range, or fail with ConfigError — never any other exception.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _mutation import mutate
from auditor.errors import ConfigError, InputError
from auditor.ingest import load_exports
from auditor.ingest import load_mapping
from auditor.rules.loader import default_pack_path, load_rule_pack
from auditor.rules.params import load_param_declarations
from auditor.rules.params import load_profile as load_district

FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROOT = Path(__file__).resolve().parents[1]
CUSTOM = ROOT / "fixtures" / "edge" / "custom_profile"

PROFILE_KEYS = ["version", "name", "description", "encoding", "delimiter", "date_formats", "tables", "cases",
                "recordings", "disclosures", "files", "columns", "values"]
WORDS = ["案件号", "case_id", "squad", "filing_date", "procedure", "一般", "普通程序", "cases*.csv", "*", "%d/%m/%Y",
         "%Y-%d-%m", "%", "%Q", "gb18030", "utf-8", "rot13", "utf-16", "auto", "tab", ",", ";", "\t", "", "|"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True),
                    st.sampled_from(WORDS), st.text(max_size=10), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
KEYS = st.one_of(st.sampled_from(PROFILE_KEYS + WORDS), st.text(max_size=8))
TREES = st.recursive(SCALARS, lambda c: st.one_of(st.lists(c, max_size=4), st.dictionaries(KEYS, c, max_size=5)),
                     max_leaves=25)
TABLE = st.fixed_dictionaries({}, optional={
    "files": st.one_of(st.lists(st.sampled_from(["cases*.csv", "*.csv", "*", "", "[", "案件*.csv"]), max_size=3), TREES),
    "columns": st.one_of(st.dictionaries(st.sampled_from(WORDS), st.sampled_from(WORDS), max_size=4), TREES),
    "values": st.one_of(st.dictionaries(st.sampled_from(WORDS), st.dictionaries(st.sampled_from(WORDS),
                                                                                  st.sampled_from(WORDS), max_size=3),
                                        max_size=2), TREES),
    "date_formats": st.one_of(st.lists(st.sampled_from(WORDS), max_size=3), TREES),
    "encoding": st.one_of(st.sampled_from(WORDS), TREES),
    "delimiter": st.one_of(st.sampled_from(WORDS), TREES),
})
PROFILES = st.one_of(TREES, st.fixed_dictionaries({}, optional={
    "name": SCALARS, "encoding": st.sampled_from(WORDS), "delimiter": st.sampled_from(WORDS),
    "date_formats": st.lists(st.sampled_from(WORDS), max_size=3),
    "tables": st.dictionaries(st.sampled_from(["cases", "recordings", "disclosures", "bogus"]), TABLE, max_size=3)}))


def _reconciles(result) -> None:
    for table, count in result.counts.items():
        assert count.rows_in == count.loaded + count.rejected, (table, count)
        assert len(result.tables[table]) == count.loaded


def _try_profile(doc) -> None:
    with tempfile.TemporaryDirectory() as d:
        profile_path = Path(d) / "profile.yaml"
        profile_path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        try:
            profile = load_mapping(profile_path)
        except ConfigError as exc:
            assert exc.file and Path(exc.file).name == "profile.yaml", str(exc)
            assert len(str(exc)) < 2000  # the known names may be listed; the input only as an excerpt
            return
        export = Path(d) / "export"
        export.mkdir()
        shutil.copy(CUSTOM / "cases.csv", export / "cases.csv")
        try:
            result = load_exports(export, mapping=profile)
        except InputError as exc:
            assert exc.file and str(exc)
            return
        _reconciles(result)


@FUZZ
@given(PROFILES)
def test_random_mapping_profiles(doc):
    _try_profile(doc)


REAL_PROFILE = yaml.safe_load((CUSTOM / "profile.yaml").read_text(encoding="utf-8"))


@FUZZ
@given(st.integers(0, 10**6), st.sampled_from(["drop", "replace", "add"]), TREES, KEYS)
def test_mutated_real_mapping_profile(where, how, value, key):
    _try_profile(mutate(REAL_PROFILE, where, how, value, key))


def test_the_real_profile_reads_its_export():
    result = load_exports(CUSTOM, mapping=CUSTOM / "profile.yaml")
    _reconciles(result)
    assert result.counts["cases"].loaded >= 1


# --- parameter files -----------------------------------------------------------------------------

PACK = default_pack_path()
REAL_PARAMS = yaml.safe_load((PACK / "params.yaml").read_text(encoding="utf-8"))
EDGE_NUMBERS = st.one_of(st.integers(-10**40, 10**40), st.floats(allow_nan=True, allow_infinity=True),
                         st.sampled_from([0, -1, 1, 3660, 3661, 2600, 2601, 10**9, 10**9 + 1, 1e308, -0.0]))


def _bounds_hold(declarations, values) -> None:
    for name, param in declarations.items():
        if param.type not in ("int", "number", "map"):
            continue
        low, high = param.bounds()
        numbers = list(values[name].values()) if param.type == "map" else [values[name]]
        for n in numbers:
            assert not (isinstance(n, float) and not math.isfinite(n)) and low <= n <= high, (name, n)


@FUZZ
@given(st.integers(0, 10**6), st.sampled_from(["drop", "replace", "add"]), st.one_of(TREES, EDGE_NUMBERS),
       st.sampled_from(["default", "type", "unit", "min", "max", "confidence", "columns", "x"]))
def test_mutated_parameter_declarations(where, how, value, key):
    doc = mutate(REAL_PARAMS, where, how, value, key)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "params.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        try:
            declarations = load_param_declarations(path)
        except ConfigError as exc:
            assert exc.file and Path(exc.file).name == "params.yaml", str(exc)
            return
        _bounds_hold(declarations, {n: p.default for n, p in declarations.items()})


@pytest.fixture(scope="module")
def pack():
    return load_rule_pack()


@FUZZ
@given(data=st.data())
def test_district_numbers_are_in_range_or_refused(pack, data):
    numeric = sorted(n for n, p in pack.params.items() if p.type in ("int", "number"))
    params = data.draw(st.dictionaries(st.sampled_from(numeric), EDGE_NUMBERS, min_size=1, max_size=4))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "district.yaml"
        path.write_text(yaml.safe_dump({"profile": {"name": "测试区"}, "params": params}), encoding="utf-8")
        try:
            profile = load_district(path, pack.params, Path(pack.path))
        except ConfigError as exc:
            assert Path(exc.file).name == "district.yaml" and exc.line, str(exc)
            return
        _bounds_hold(pack.params, profile.values)
