"""The Rete (durable_rules) evaluator: translation of every operator, durable's traps, regex dialect."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from auditor.api import get_evaluator, load_pack_and_profile
from auditor.enrich.calendar import WorkCalendar
from auditor.model.fact_fields import case_fact_fields
from auditor.errors import RuleError
from auditor.evaluate import rete
from auditor.evaluate.rete import compiler, encoder
from auditor.evaluate.rete import host as rete_host
from auditor.evaluate.context import RunContext
from auditor.evaluate.facts import build_facts, full_condition
from auditor.evaluate.rete.regex import (
    Unsupported,
    check_pattern,
    disagreement,
    translate,
)
from auditor.model.frame import to_frame
from auditor.progress import Progress
from auditor.rules.condition_parser import ParseContext, parse_condition
from auditor.rules.conditions import (
    ALWAYS_TRUE,
    OPERATORS,
    Absent,
    AllOf,
    AnyOf,
    Compare,
    Const,
    Contains,
    Deadline,
    DeadlineSpec,
    FieldRef,
    In,
    Literal,
    Matches,
    Not,
    Present,
)

D = dt.date
AS_OF = D(2026, 11, 25)
CASES = [
    {"case_id": "A", "squad": "s", "fine_amount": 100.0, "procedure": "普通程序", "decision_date": D(2025, 5, 6),
     "filing_date": D(2025, 5, 1), "decision_type": ("罚款",), "party_name": "张三", "legal_reviewer": "张三",
     "officers": ("张三(31010600123)",)},
    {"case_id": "B", "squad": "s", "fine_amount": 5000.0, "procedure": "简易程序", "decision_date": D(2025, 5, 1),
     "filing_date": D(2025, 5, 3), "decision_type": ("警告", "罚款"), "party_name": "上海某某有限公司"},
    {"case_id": "C", "squad": "s"},
]
SPEC = DeadlineSpec(key="T/d", name="d", label={"zh": "d", "en": "d"}, from_field="filing_date",
                    to_field="decision_date", limit=0, unit="calendar_days")


def _hits(engine, pack, node, cases=CASES):
    rule = replace(pack.rules[0], id="T", scope="case", applies=ALWAYS_TRUE, violation=node, effective=None)
    ctx = RunContext(as_of=AS_OF, calendar=WorkCalendar(), params={})
    facts = build_facts({"cases": to_frame("cases", cases)}, [rule], ctx)
    return get_evaluator(engine).hits([rule], facts, ctx)["T"].tolist()


def _samples():
    """One node per operator of the table; a new operator without a sample fails the meta-test."""
    cmp = {op: Compare("fine_amount", op, Literal(100.0)) for op in ("eq", "ne", "lt", "le", "gt", "ge")}
    return {
        "all": AllOf((Present("fine_amount"), Compare("procedure", "eq", Literal("普通程序")))),
        "any": AnyOf((Absent("fine_amount"), Compare("fine_amount", "gt", Literal(1000.0)))),
        "not": Not(Present("decision_date")),
        **cmp,
        "in": In("procedure", Literal(("简易程序",))),
        "contains": Contains("officer_names", FieldRef("legal_reviewer")),
        "present": Present("party_name"),
        "absent": Absent("decision_type"),
        "matches": Matches("party_name", "公司$"),
        "deadline": Deadline(SPEC),
    }


def test_every_operator_is_translated_by_both_evaluators(pack):
    samples = _samples()
    assert set(samples) == set(OPERATORS)  # keep the samples in step with the operator table
    for name, node in samples.items():
        assert isinstance(node, OPERATORS[name])
        for negate in (False, True):
            n = Not(node) if negate else node
            assert _hits("rete", pack, n) == _hits("vectorized", pack, n), (name, negate)
    compiled = compiler.Compiler(compiler.Scope(case_fact_fields()))
    for cls in set(OPERATORS.values()):
        node = next(n for n in samples.values() if type(n) is cls)
        assert compiled.expr(node) not in (compiler.TRUE, compiler.FALSE), cls.__name__


def test_an_unknown_node_is_an_error_not_a_silent_false():
    class Strange:
        pass

    with pytest.raises(TypeError, match="no translation for Strange"):
        compiler.Compiler(compiler.Scope(case_fact_fields())).expr(Strange())


def test_negation_follows_the_missing_value_semantics():
    compiled = compiler.Compiler(compiler.Scope(case_fact_fields()))
    # not(x > 100) is true when x is missing: the negation is (x absent) or (x <= 100)
    assert compiled.expr(Compare("fine_amount", "gt", Literal(100.0)), True) == {
        "$or": [{"$nex": {"fine_amount": 1}}, {"$lte": {"fine_amount": 100.0}}]}
    # not(list holds v): list absent, or every element differs
    assert compiled.expr(Contains("decision_type", Literal("罚款")), True) == {
        "$or": [{"$nex": {"decision_type": 1}}, {"$iall": {"decision_type": {"$neq": {"$i": "罚款"}}}}]}


def test_dates_are_days_and_datetimes_seconds_since_epoch():
    dates = pd.Series(pd.to_datetime(["1970-01-02", None, "2026-11-25"]))
    assert encoder.encode_column(dates, "date", "") == [1, None, (D(2026, 11, 25) - D(1970, 1, 1)).days]
    assert encoder.encode_column(dates, "date", "s") == [86400, None, (D(2026, 11, 25) - D(1970, 1, 1)).days * 86400]
    stamps = pd.Series(pd.to_datetime(["1970-01-01 00:01:05"]))
    assert encoder.encode_column(stamps, "datetime", "") == [65]
    texts = pd.Series(["a", "", None], dtype=object)
    assert encoder.encode_column(texts, "str", "") == ["a", None, None]
    lists = pd.Series([("x",), (), None], dtype=object)
    assert encoder.encode_column(lists, "list", "") == [("x",), None, None]
    assert encoder.fragments("l", [("x", "中"), None]) == ['"l":["x","中"]', None]
    assert encoder.fragments("b", [True, None, False]) == ['"b":true', None, '"b":false']
    assert encoder.fragments("n", [1, 2.5, None]) == ['"n":1', '"n":2.5', None]


def test_a_date_compared_with_a_datetime_uses_the_same_unit(pack):
    ctx = ParseContext(file="t", rule_id="T", fields={**case_fact_fields()}, params=pack.params, definitions={})
    node = parse_condition({"field": "decision_date", "lt": D(2025, 5, 6)}, ctx)
    assert _hits("rete", pack, node) == _hits("vectorized", pack, node) == [1]


def test_sessions_are_deleted_so_memory_does_not_grow(pack):
    # durable keeps at most 1024 live sessions per ruleset: 3000 cases only pass if each is deleted
    cases = [{"case_id": f"M{i}", "squad": "s", "fine_amount": float(i)} for i in range(3000)]
    node = Compare("fine_amount", "ge", Literal(2990.0))
    assert _hits("rete", pack, node, cases) == list(range(2990, 3000))


def test_a_private_host_is_used_not_the_global_one(pack):
    import durable.lang

    before = durable.lang._main_host
    _hits("rete", pack, Present("fine_amount"))
    assert durable.lang._main_host is before and not durable.lang._rulesets
    host = rete.private_host({"x": {"r": {"all": [{"m": {"$ex": {"a": 1}}}], "run": lambda c: None}}})
    assert isinstance(host, rete_host.QuietHost) and host is not before


def test_an_exception_inside_a_consequent_is_raised(pack, monkeypatch):
    class Broken:
        def __init__(self, m):
            pass

        @property
        def m(self):
            raise KeyError("boom")

    # A Sink's own consequents are recorded without a call (host.assert_sessions); one without that
    # shortcut is called with the fact, and what it raises is raised after the run.
    plain = rete_host.Sink.consequent

    def consequent(self, tag):
        run = plain(self, tag)
        return lambda c: run(c)

    monkeypatch.setattr(rete_host.Sink, "consequent", consequent)
    monkeypatch.setattr(rete_host, "Fired", Broken)
    with pytest.raises(rete.ReteError, match="boom"):
        _hits("rete", pack, Present("fine_amount"))


def test_a_condition_too_big_for_one_durable_rule_is_split(pack):
    ctx = ParseContext(file="t", rule_id="T", fields=case_fact_fields(), params=pack.params, definitions={})
    raw = {"any": [{"all": [{"field": "fine_amount", "gt": i * 100},
                            {"not": {"field": "procedure", "eq": "普通程序"}},
                            {"any": [{"absent": "filing_date"}, {"field": "filing_date", "gt": {"field": "decision_date"}}]}]}
                   for i in range(4)]}
    node = parse_condition(raw, ctx)
    expr = compiler.Compiler(compiler.Scope(case_fact_fields())).expr(node)
    assert compiler.cost(compiler.anchor(expr)) > compiler.MAX_COST
    parts = compiler.split(expr)
    assert len(parts) > 1 and all(compiler.cost(p) <= compiler.MAX_COST for p in parts)
    assert _hits("rete", pack, node) == _hits("vectorized", pack, node) == [1]
    assert _hits("rete", pack, Not(node)) == _hits("vectorized", pack, Not(node)) == [0, 2]
    # and nothing is silently dropped when even splitting cannot help: the rule is refused
    huge = parse_condition({"any": raw["any"] * 3}, ctx)  # its negation: 3**12 conjunctions in DNF
    with pytest.raises(RuleError, match="过于复杂"):
        _hits("rete", pack, Not(huge))


def test_the_full_pack_compiles_to_json(pack):
    params = load_pack_and_profile(None, None)[1].values
    rules = [r.bind(params) for r in pack.rules]
    ctx = RunContext(as_of=AS_OF, calendar=WorkCalendar(), params=params)
    facts = build_facts({"cases": to_frame("cases", CASES)}, rules, ctx)
    doc = json.loads(rete.ruleset_json(rules, facts, ctx))
    compiled = {part["rule"] for scope in doc.values() for part in scope.values()}
    never = {r.id for r in rules if isinstance(full_condition(r, AS_OF), Const) or any(
        isinstance(c, Const) and not c.value for c in (r.applies, r.violation))}  # folded to false by the params
    assert compiled == {r.id for r in rules} - never and len(compiled) >= 40
    assert not rete.check_rules(pack.rules, params) and not rete.check_pack(pack)


# --------------------------------------------------------------------------------------------------
# The regex dialect


@pytest.mark.parametrize("pattern, durable", [
    ("公司$", ".*公司(\n)?"),
    ("^张", "张.*"),
    ("a.b", ".*a[^\n]b.*"),
    ("第150+", ".*第150+.*"),
    ("简|罚决", "(.*简.*)|(.*罚决.*)"),
    (r"\(x\)", ".*%(x%).*"),
    ("[a-c%]", ".*[a-c%%].*"),
])
def test_translate(pattern, durable):
    assert translate(pattern) == durable


@pytest.mark.parametrize("pattern, why", [
    (r"\d{4}", "[0-9]"),  # Python's \d is every Unicode digit; durable's %d only 0-9
    (r"(?i)abc", "标志"),
    (r"a(?=b)", "不支持"),
    (r"(a)\1", "不支持"),
    ("a^b", "开头和结尾"),
    ("[一-龥]", "过大"),
])
def test_untranslatable_patterns_are_refused(pattern, why):
    with pytest.raises(Unsupported, match=why.replace("[", r"\[").replace("]", r"\]")):
        check_pattern(pattern)


def test_patterns_durable_misjudges_are_refused_with_a_witness():
    # durable 2.0.28 builds a wrong DFA for `.*[0-9]{4}.*`: it misses "x2024y12z"
    why = disagreement("[0-9]{4}", translate("[0-9]{4}"))
    assert why and "durable_rules" in why
    with pytest.raises(Unsupported, match="不一致"):
        check_pattern("[0-9]{4}")
    assert disagreement("公司$", translate("公司$")) is None


def test_a_rule_with_a_refused_regex_is_reported_and_not_evaluated(pack):
    ctx = ParseContext(file="t", rule_id="T", fields=case_fact_fields(), params=pack.params, definitions={})
    node = parse_condition({"field": "decision_no", "matches": r"\d+号"}, ctx)
    rule = replace(pack.rules[0], id="T-RX", violation=node)
    errors = rete.check_rules([rule], {})
    assert len(errors) == 1 and "T-RX" in str(errors[0]) and "[0-9]" in str(errors[0])
    with pytest.raises(RuleError, match="正则"):
        _hits("rete", pack, node)  # the evaluator refuses it too, never silently differs


# --------------------------------------------------------------------------------------------------
# The progress bar


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_draws_only_on_a_terminal(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("AUDITOR_PROGRESS", raising=False)
    tty = _Tty()
    with Progress(10, "Rete", stream=tty) as bar:
        for _ in range(10):
            bar.advance()
    assert "10/10" in tty.getvalue() and tty.getvalue().endswith("\n") and "\r" in tty.getvalue()
    pipe = io.StringIO()
    with Progress(10, "Rete", stream=pipe) as bar:
        bar.advance(10)
    assert pipe.getvalue() == ""


def test_hits_are_sorted_positions(pack):
    out = _hits("rete", pack, Present("fine_amount"))
    assert out == sorted(out) == [0, 1]
    assert isinstance(rete.ReteEvaluator().hits([], build_facts(
        {"cases": to_frame("cases", CASES)}, [], RunContext(as_of=AS_OF, calendar=WorkCalendar(), params={})),
        RunContext(as_of=AS_OF, calendar=WorkCalendar(), params={})), dict)
    assert np.array_equal(np.array(out, dtype=np.int64), np.array([0, 1]))


def test_private_host_retries_a_spurious_durable_refusal(monkeypatch):
    import durable_rules_engine

    from auditor.evaluate import rete

    calls = []
    real = rete_host.QuietHost.register_rulesets

    def flaky(self, definitions):
        calls.append(sorted(definitions["t"]["r"]))
        if len(calls) == 1:
            raise durable_rules_engine.error("Could not create ruleset, error code: 102")
        return real(self, definitions)

    monkeypatch.setattr(rete_host.QuietHost, "register_rulesets", flaky)
    definition = {"t": {"r": {"all": [{"m": {"x": 1}}], "run": lambda c: None}}}
    host = rete.private_host(definition)
    assert len(calls) == 2 and calls[0] == calls[1] == ["all", "run"]  # the retry got the whole rule again
    assert host.get_ruleset("t") is not None


def test_a_fact_durable_drops_as_already_observed_is_judged_alone():
    # durable identifies a fact by a 32-bit hash of its content: in a session of many facts two can
    # collide and the second is dropped (code 2, "observed"). The session is then judged again one fact
    # per session. Identical facts provoke the same code.
    sink = rete_host.Sink()
    host = rete_host.private_host({"s": rete_host.ruleset({"r": ("big", {"$gt": {"x": 1}})}, sink)})
    same = '{"sid":"g0","~p":3,"x":5}'
    batch = ['{"sid":"g0","~p":1,"~s":1,"x":2}', same, '{"sid":"g0","~p":4,"x":0}', same]
    rete_host.assert_sessions(host, "s", iter([("g0", batch, 3)]), 3, "t", quiet=True)
    sink.check()
    assert sorted(sink.fired) == [("big", 1), ("big", 3), ("big", 3)]


def test_a_fact_too_wide_for_durables_alpha_stack_is_judged_by_smaller_rulesets():
    # durable walks a fact through the alpha network with a stack of 64 nodes: a fact passing the
    # leading tests of 100 rules at once cannot be asserted into their ruleset ("error code: 303",
    # met at 100,000 cases). The session is then asserted into rulesets of SPLIT rules each.
    sink = rete_host.Sink()
    exprs = {f"r{i}": (f"t{i}", {"$and": [{f"a{i}": 1}, {"~c": 1}]}) for i in range(100)}
    host = rete_host.private_host({"w": rete_host.ruleset(exprs, sink)})
    wide = '{"sid":"g0","~p":0,"~c":1,"~s":1,' + ",".join(f'"a{i}":1' for i in range(100)) + "}"
    narrow = ['{"sid":"g0","~p":1,"~c":1,"a5":1}', '{"sid":"g1","~p":2,"~c":1,"~s":1,"a7":1,"a9":2}']
    sessions = [("g0", [wide, narrow[0]], 2), ("g1", [narrow[1]], 1)]
    with pytest.raises(Exception, match="303"):  # durable's own refusal, without the split
        rete_host.assert_sessions(host, "w", iter(sessions[:1]), 2, "t", quiet=True)
    sink.fired.clear()
    rete_host.assert_sessions(host, "w", iter(sessions), 3, "t", quiet=True,
                              split=lambda: rete_host.split_rulesets(exprs, sink, "w"))
    sink.check()
    assert sorted(sink.fired) == sorted([(f"t{i}", 0) for i in range(100)] + [("t5", 1), ("t7", 2)])
