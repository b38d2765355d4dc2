"""Property-based fuzzing of the rule loader and the district-profile loader.

Random YAML-ish mappings built from the rule language's own vocabulary, and random mutations of the
real rule files (a key dropped, a value replaced, a key added, deep inside a rule), must either load
or fail with RuleError / ConfigError naming the file — never any other exception.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _mutation import mutate
from auditor.errors import ConfigError
from auditor.rules.loader import default_pack_path, load_rule_pack, rule_files
from auditor.rules.params import load_profile as load_district

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

RULE_KEYS = ["id", "title", "description", "theme", "severity", "scope", "basis", "applies", "violation",
             "params", "message", "correction", "departments", "due", "effective", "subject", "tags",
             "examples", "zh", "en", "law", "article", "quote", "confidence", "fire", "pass"]
COND_KEYS = ["all", "any", "not", "present", "absent", "ref", "field", "param", "eq", "ne", "lt", "le",
             "gt", "ge", "in", "contains", "matches", "is", "deadline", "working_days", "calendar_days"]
WORDS = ["filing_date", "decision_date", "fine_amount", "status", "已结案", "严重", "case", "recording",
         "handling_days", "{filing_date}", "{dl.x.due}", "{param.nope}", "(", "[a-", "R-1", ""]

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.sampled_from(WORDS), st.text(max_size=12), st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)))
KEYS = st.one_of(st.sampled_from(RULE_KEYS + COND_KEYS), st.text(max_size=8))
TREES = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=5)), max_leaves=25)


def _load_rules(data) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "fuzz.yaml"
        p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        try:
            load_rule_pack(p)
        except ConfigError as exc:  # RuleError is a ConfigError
            assert exc.file and Path(exc.file).name == "fuzz.yaml", str(exc)


@FUZZ
@given(st.one_of(TREES, st.fixed_dictionaries({"rules": st.lists(st.dictionaries(KEYS, TREES, max_size=8),
                                                                   max_size=3)})))
def test_random_rule_files(data):
    _load_rules(data)


def _real_rules() -> list[dict]:
    rules = []
    for f in rule_files(default_pack_path()):
        rules += yaml.safe_load(f.read_text(encoding="utf-8")).get("rules") or []
    return rules


REAL = _real_rules()


def test_there_are_real_rules_to_mutate():
    assert len(REAL) >= 20 and all("id" in r for r in REAL)


@FUZZ
@given(st.integers(0, 10**6), st.integers(0, 10**6), st.sampled_from(["drop", "replace", "add"]), TREES, KEYS)
def test_mutated_real_rules(which, where, how, value, key):
    rule = mutate(REAL[which % len(REAL)], where, how, value, key)
    _load_rules({"rules": [rule]})


PARAM_VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3), st.dictionaries(st.text(max_size=4), SCALARS,
                                                                                 max_size=2))


@FUZZ
@given(data=st.data())
def test_random_district_profiles(pack, data):
    names = sorted(pack.params)
    params = data.draw(st.dictionaries(st.one_of(st.sampled_from(names), st.text(max_size=6)), PARAM_VALUES,
                                       max_size=4))
    doc = data.draw(st.one_of(st.just({"profile": {"name": "测试区"}, "params": params}), TREES))
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "district.yaml"
        p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        try:
            profile = load_district(p, pack.params, Path(pack.path))
        except ConfigError as exc:
            assert exc.file and Path(exc.file).name in ("district.yaml",) or "数据表" in str(exc), str(exc)
        else:
            assert set(profile.values) >= set(pack.params)
