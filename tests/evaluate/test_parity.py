"""One parity suite, written once, run against both evaluators (vectorized and Rete).

Every evaluator must pass every rule's embedded examples, judge each operator (and its negation) the
same way on tiny tables, and produce identical findings on random partial cases and on a generated
sample export. `check_parity` must notice when the two disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.api import audit_tables, get_evaluator, load_pack_and_profile
from auditor.enrich.calendar import WorkCalendar
from auditor.model.fact_fields import case_fact_fields
from auditor.evaluate.context import RunContext
from auditor.evaluate.facts import build_facts
from auditor.evaluate import registry
from auditor.evaluate.parity import check_parity
from auditor.evaluate.prepare import prepare
from auditor.model.fields import CASE_FIELDS, RECORDING_FIELDS, TABLES
from auditor.model.frame import to_frame
from auditor.rules.condition_parser import ParseContext, parse_condition
from auditor.rules.conditions import ALWAYS_TRUE, bind, fields_of

ENGINES = registry.names()  # every registered evaluator, the reference first
REFERENCE = registry.default_name()
AS_OF = dt.date(2026, 11, 25)
D = dt.date


@pytest.fixture(scope="module")
def pack_profile(pack, profile):
    return pack, profile


def _findings(result):
    return [(f.fingerprint, f.rule_id, f.message["zh"], f.message["en"], f.correction["zh"]) for f in result.findings]


# --------------------------------------------------------------------------------------------------
# Operator by operator, and each one negated (missing values: a comparison is false, `not` is plain)

CASES = [
    {"case_id": "A", "squad": "s", "fine_amount": 100.0, "procedure": "普通程序", "decision_date": D(2025, 5, 6),
     "filing_date": D(2025, 5, 1), "officers": ("张伟(31010600123)", "李强(31010600456)"),
     "decision_type": ("罚款",), "legal_reviewer": "李强", "party_name": "张三", "rights_waived": True,
     "decision_no": "沪静城管罚决字〔2025〕第150000001号", "extension_days": 5},
    {"case_id": "B", "squad": "s", "fine_amount": 5000.0, "procedure": "简易程序", "decision_date": D(2025, 5, 1),
     "filing_date": D(2025, 5, 3), "officers": ("王五(31010600789)",), "decision_type": ("警告", "罚款"),
     "legal_reviewer": "赵六", "party_name": "上海某某有限公司", "rights_waived": False,
     "decision_no": "静城管简〔2025〕7号\n附件"},
    {"case_id": "C", "squad": "s", "party_name": ""},  # everything missing ("" is missing too)
]

CONDITIONS = [
    {"field": "fine_amount", "gt": 200},
    {"field": "fine_amount", "le": 100},
    {"field": "fine_amount", "ne": 100},
    {"field": "extension_days", "ge": 5},
    {"field": "procedure", "eq": "普通程序"},
    {"field": "procedure", "ne": "普通程序"},
    {"field": "procedure", "lt": "普通程序"},
    {"field": "party_name", "ge": "上海"},
    {"field": "procedure", "in": ["普通程序", "简易程序"]},
    {"field": "decision_date", "lt": {"field": "filing_date"}},
    {"field": "decision_date", "ne": {"field": "filing_date"}},
    {"field": "decision_date", "ge": D(2025, 5, 6)},
    {"field": "decision_date", "in": [D(2025, 5, 1), D(2024, 1, 1)]},
    {"present": "decision_date"},
    {"absent": "officers"},
    {"present": "party_name"},
    {"field": "decision_type", "contains": "警告"},
    {"field": "decision_type", "in": ["警告", "没收违法所得"]},
    {"field": "officer_names", "contains": {"field": "legal_reviewer"}},
    {"field": "party_name", "matches": "公司$"},
    {"field": "party_name", "matches": "^张"},
    {"field": "decision_no", "matches": "第150+"},
    {"field": "decision_no", "matches": "号$"},
    {"field": "decision_no", "matches": "简|罚决"},
    {"field": "rights_waived", "eq": True},
    {"field": "rights_waived", "eq": False},
    {"field": "rights_waived", "lt": True},
    {"field": "rights_waived", "ge": False},
    {"field": "officer_cert_count", "lt": 2},
    {"all": [{"present": "fine_amount"}, {"field": "fine_amount", "lt": 1000}]},
    {"any": [{"field": "fine_amount", "lt": 1000}, {"absent": "fine_amount"}]},
    {"any": [{"all": [{"present": "filing_date"}, {"not": {"field": "procedure", "eq": "简易程序"}}]},
             {"field": "decision_type", "contains": "警告"}]},
    {"field": "fine_amount", "ge": {"param": "review_fine_person"}},
    {"deadline": {"name": "d", "from": "filing_date", "to": "decision_date", "limit": 0, "unit": "working_days"}},
]

EXPECTED = {  # the documented semantics, for a few of them (the rest must merely agree)
    0: "B", 1: "A", 2: "B", 3: "A", 4: "A", 9: "B", 13: "AB", 14: "", 15: "AB",  # 14: C's officers unrecorded 16: "B", 18: "A", 19: "B",
    20: "A", 21: "A", 22: "A", 23: "AB", 24: "A", 25: "B", 33: "A",
}


def _rule(pack, node, rule_id="T-PARITY"):
    return replace(pack.rules[0], id=rule_id, scope="case", applies=ALWAYS_TRUE, violation=node, effective=None,
                   subject=None)


def _judge(engine, pack, raw, cases=CASES):
    ctx = ParseContext(file="t", rule_id="T", fields=case_fact_fields(), params=pack.params, definitions={})
    node = bind(parse_condition(raw, ctx), {k: p.default for k, p in pack.params.items()})
    rule = _rule(pack, node)
    run = RunContext(as_of=AS_OF, calendar=WorkCalendar(), params={})
    facts = build_facts({"cases": to_frame("cases", cases)}, [rule], run)
    outcome = get_evaluator(engine).outcomes([rule], facts, run, every_outcome=True)[rule.id]
    hits = get_evaluator(engine).hits([rule], facts, run)[rule.id]
    assert hits.tolist() == outcome.violated.tolist()
    # T certainly true, F certainly false, U the export cannot say (applies is always true: no 不适用)
    return "".join({"违规": "T", "合规": "F", "无法判定": "U"}[v] for v in outcome.verdicts())


@pytest.mark.parametrize("index", range(len(CONDITIONS)))
def test_operator_and_its_negation(engine, pack_profile, index):
    pack, _ = pack_profile
    raw = CONDITIONS[index]
    got = _judge(engine, pack, raw)
    negated = _judge(engine, pack, {"not": raw})
    assert negated == got.translate(str.maketrans("TF", "FT"))  # not swaps true and false, keeps unknown
    if index in EXPECTED:
        assert "".join(c for c, v in zip("ABC", got) if v == "T") == EXPECTED[index]
    # and both evaluators agree, whichever one is under test
    other = ENGINES[1 - ENGINES.index(engine)]
    assert got == _judge(other, pack, raw)


def test_empty_cells_are_unknown_or_known_as_the_catalogue_says(pack_profile):
    pack, _ = pack_profile
    # C has nothing: an empty procedure / party name / officers is not recorded (U), an empty amount,
    # extension or date means none (F for a comparison), and a present test on a date is certain.
    assert _judge("vectorized", pack, {"field": "procedure", "eq": "普通程序"}) == "TFU"
    assert _judge("vectorized", pack, {"field": "fine_amount", "gt": 200}) == "FTF"
    assert _judge("vectorized", pack, {"absent": "officers"}) == "FFU"
    assert _judge("vectorized", pack, {"present": "decision_date"}) == "TTF"
    assert _judge("rete", pack, {"any": [{"field": "procedure", "eq": "简易程序"}, {"absent": "decision_date"}]}) \
        == "FTT"


# --------------------------------------------------------------------------------------------------
# Random partial cases over the fields the pack reads

_KIND_VALUES = {
    "date": st.dates(D(2023, 1, 1), D(2026, 12, 31)),
    "datetime": st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2026, 12, 31)).map(lambda d: d.replace(microsecond=0)),
    "bool": st.booleans(),
    "int": st.integers(0, 60),
    "decimal": st.sampled_from([0.0, 50.0, 100.0, 200.5, 1000.0, 5000.0, 10000.0, 50000.0]),
    "str": st.sampled_from(["", "王局长", "李强", "张伟", "上海某某有限公司", "沪静城管罚决字〔2025〕第150000001号",
                            "11010519491231002X", "91350100M000100Y43", "CG-SR-002", "未说明"]),
    "list": st.lists(st.sampled_from(["张伟(31010600123)", "李强(31010600456)", "王五", "赵六(31010600789)"]),
                     max_size=3).map(tuple),
}


def _value(field):
    if field.choices and field.kind == "enum_list":
        return st.lists(st.sampled_from(field.choices), max_size=3, unique=True).map(tuple)
    if field.choices:
        return st.sampled_from(field.choices)
    return _KIND_VALUES.get(field.kind, _KIND_VALUES["str"])


def _pack_fields(pack):
    used = set()
    for rule in pack.rules:
        used.update(fields_of(rule.applies))
        used.update(fields_of(rule.violation))
        if rule.effective:
            used.update(rule.effective.fields)
    return used


@st.composite
def _tables(draw, case_fields, rec_fields):
    n = draw(st.integers(1, 6))
    cases = []
    for i in range(n):
        case = {"case_id": f"H{i}", "squad": draw(st.sampled_from(["一中队", "二中队"]))}
        for f in draw(st.lists(st.sampled_from(case_fields), max_size=len(case_fields), unique=True)):
            case[f.name] = draw(_value(f))
        cases.append(case)
    recordings = []
    for j in range(draw(st.integers(0, 4))):
        rec = {"case_id": f"H{draw(st.integers(0, n - 1))}", "recording_id": f"R{j}",
               "stage": draw(st.sampled_from(RECORDING_FIELDS[2].choices))}
        for f in draw(st.lists(st.sampled_from(rec_fields), max_size=len(rec_fields), unique=True)):
            rec[f.name] = draw(_value(f))
        recordings.append(rec)
    return {"cases": to_frame("cases", cases),
            "recordings": to_frame("recordings", recordings) if recordings else to_frame("recordings", {})}


def _strategy():
    pack, _ = load_pack_and_profile(None, None)
    used = _pack_fields(pack)
    case_fields = [f for f in CASE_FIELDS if f.name in used and f.name not in ("case_id", "squad")]
    rec_fields = [f for f in RECORDING_FIELDS if f.name not in ("case_id", "recording_id", "stage")]
    return _tables(case_fields, rec_fields)


_PACK_PROFILE = load_pack_and_profile(None, None)


def _unsupplied_strategy():
    pack, _ = _PACK_PROFILE
    used = sorted(f.name for f in CASE_FIELDS if f.name in _pack_fields(pack) and not f.required)
    return st.tuples(st.lists(st.sampled_from(used), max_size=8, unique=True),
                     st.lists(st.sampled_from(["recordings", "disclosures"]), max_size=2, unique=True))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tables=_strategy(), as_of=st.sampled_from([D(2026, 11, 25), D(2025, 10, 9), D(2026, 2, 14)]),
       missing=_unsupplied_strategy())
def test_random_partial_cases_agree(tables, as_of, missing):
    """Both evaluators give the same findings and 无法判定 items, and the same verdict of all four on every
    (rule, row), also when the export lacks random columns or tables."""
    pack, profile = _PACK_PROFILE
    columns, dropped = missing
    supplied = {t: frozenset(f.name for f in fields) - (set(columns) if t == "cases" else set())
                for t, fields in TABLES.items() if t not in dropped}
    results = [audit_tables(tables, as_of=as_of, pack=pack, profile=profile, engine=e, supplied=supplied)
               for e in ENGINES]
    assert _findings(results[0]) == _findings(results[1])
    assert results[0].undetermined == results[1].undetermined
    report = check_parity(prepare(tables, as_of=as_of, pack=pack, profile=profile, supplied=supplied))
    assert report.ok, report.format()


def test_random_cases_reach_the_rules(pack_profile):
    """The generator is not vacuous: over a fixed sample of draws, many different rules fire."""
    pack, profile = pack_profile
    fired = set()

    @settings(max_examples=40, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(_strategy())
    def collect(tables):
        fired.update(f.rule_id for f in audit_tables(tables, as_of=AS_OF, pack=pack, profile=profile).findings)

    collect()
    assert len(fired) >= 8, fired


# --------------------------------------------------------------------------------------------------
# A generated sample export


@pytest.fixture(scope="module")
def sample_tables(tmp_path_factory):
    from auditor.generate import generate_export
    from auditor.ingest import load_exports

    out = tmp_path_factory.mktemp("sample")
    generate_export(out, 400, 20251, violation_rate=0.3, forms=("csv",))
    return load_exports([out / "csv"]).tables


def test_generated_export_findings_are_identical(pack_profile, sample_tables):
    pack, profile = pack_profile
    results = {e: audit_tables(sample_tables, as_of=AS_OF, pack=pack, profile=profile, engine=e) for e in ENGINES}
    assert [r.metadata["engine"] for r in results.values()] == list(ENGINES)
    reference = results[REFERENCE]
    assert len(reference.findings) >= 50 and len({f.rule_id for f in reference.findings}) >= 15
    assert all(_findings(r) == _findings(reference) for r in results.values())


def test_check_parity_passes_on_the_sample(pack_profile, sample_tables):
    pack, profile = pack_profile
    report = check_parity(prepare(sample_tables, as_of=AS_OF, pack=pack, profile=profile))
    assert report.ok and report.agreed >= 50 and report.rows["case"] == 400
    assert "0 项不一致" in report.format()


# --------------------------------------------------------------------------------------------------
# check_parity must fail when the evaluators do not judge the same rules


class _Tampered:
    """The Rete evaluator, but one rule's violation is replaced before it judges."""

    name = "rete-tampered"

    def __init__(self, rule_id, node):
        self.rule_id, self.node = rule_id, node

    def outcomes(self, rules, facts, ctx, every_outcome=False):
        rules = [replace(r, violation=self.node) if r.id == self.rule_id else r for r in rules]
        return get_evaluator("rete").outcomes(rules, facts, ctx, every_outcome=every_outcome)

    def hits(self, rules, facts, ctx):
        return {rule_id: o.violated for rule_id, o in self.outcomes(rules, facts, ctx).items()}


def test_check_parity_fails_on_a_different_rule(pack_profile):
    pack, profile = pack_profile
    rule = pack.get("JL-OFFICERS-CASE")  # fires when fewer than two certified officers
    tables = {"cases": to_frame("cases", [
        {"case_id": "P1", "squad": "s", "officers": ("张伟(31010600123)",)},
        {"case_id": "P2", "squad": "s", "officers": ("张伟(31010600123)", "李强(31010600456)")},
    ])}
    ctx = ParseContext(file="t", rule_id=rule.id, fields=case_fact_fields(), params=pack.params, definitions={})
    lenient = parse_condition({"field": "officer_cert_count", "lt": 1}, ctx)  # the tampered rule
    report = check_parity(prepare(tables, as_of=AS_OF, pack=pack, profile=profile),
                          engines=("vectorized", _Tampered(rule.id, lenient)))
    assert not report.ok
    assert [(d.case_id, d.rule_id, d.found_by) for d in report.differences] == [("P1", rule.id, "vectorized")]
    text = report.format()
    assert "P1" in text and rule.id in text and "1 项不一致" in text
    assert "P1" in report.format(lang="en") and "only vectorized" in report.format(lang="en")


@pytest.mark.parametrize("group", [1, 7])
def test_rete_sessions_of_any_size_judge_alike(pack_profile, sample_tables, monkeypatch, group):
    # The Rete evaluator asserts about encoder.GROUP facts per durable session (many cases at once);
    # one case per session (1) and sessions cut inside a case's recordings (7) judge every row alike,
    # and agree with the reference engine.
    from auditor.evaluate.rete import encoder

    pack, profile = pack_profile
    run = prepare(sample_tables, as_of=AS_OF, pack=pack, profile=profile)
    grouped = get_evaluator("rete").outcomes(run.rules, run.facts, run.ctx, every_outcome=True)
    monkeypatch.setattr(encoder, "GROUP", group)
    sessions = []
    plain = encoder.sessions
    monkeypatch.setattr("auditor.evaluate.rete.evaluator.sessions",
                        lambda *a: (sessions.append(s[2]) or s for s in plain(*a)))
    small = get_evaluator("rete").outcomes(run.rules, run.facts, run.ctx, every_outcome=True)
    assert sum(sessions) == 400 and (len(sessions) == 400 if group == 1 else 50 < len(sessions) < 400)
    assert sum(len(o.violated) for o in small.values()) >= 50
    for rule_id, outcome in grouped.items():
        other = small[rule_id]
        for part in ("violated", "unknown", "not_applicable"):
            assert getattr(outcome, part).tolist() == getattr(other, part).tolist(), (rule_id, part)
    report = check_parity(run)
    assert report.ok
