"""The condition language's semantics, operator by operator, on tiny canonical tables."""

import datetime as dt
import re

import pytest

from auditor.enrich.calendar import WorkCalendar
from auditor.evaluate.context import RunContext
from auditor.evaluate.facts import build_facts
from auditor.evaluate.vectorized import VectorizedEvaluator
from auditor.model.frame import to_frame
from auditor.enrich.deadlines import compute_deadline
from auditor.rules.condition_parser import ParseContext, parse_condition
from auditor.rules.conditions import bind, deadlines_of
from auditor.model.fact_fields import case_fact_fields
from auditor.rules.loader import load_rule_pack
from pathlib import Path

PACK = load_rule_pack(Path(__file__).resolve().parents[2] / "rules")
D = dt.date

CASES = [
    {"case_id": "A", "squad": "s", "fine_amount": 100.0, "procedure": "普通程序", "decision_date": D(2025, 5, 6),
     "filing_date": D(2025, 5, 1), "officers": ("张伟(31010600123)", "李强(31010600456)"), "decision_type": ("罚款",),
     "legal_reviewer": "李强", "party_name": "张三", "rights_waived": True},
    {"case_id": "B", "squad": "s", "fine_amount": 5000.0, "procedure": "简易程序", "decision_date": D(2025, 5, 1),
     "filing_date": D(2025, 5, 3), "officers": ("王五(31010600789)",), "decision_type": ("警告", "罚款"),
     "legal_reviewer": "赵六", "party_name": "上海某某有限公司", "rights_waived": False},
    {"case_id": "C", "squad": "s"},  # everything missing
]


def evaluate(raw):
    ctx = ParseContext(file="t", rule_id="T", fields=case_fact_fields(), params=PACK.params, definitions={})
    node = bind(parse_condition(raw, ctx), {k: p.default for k, p in PACK.params.items()})
    tables = {"cases": to_frame("cases", CASES)}
    run = RunContext(as_of=D(2026, 11, 25), calendar=WorkCalendar(), params={})
    facts = build_facts(tables, [], run)
    for spec in deadlines_of(node):
        facts.deadlines[spec.key] = compute_deadline(spec, facts.frames["case"], run.calendar, run.as_of, 7)
    mask = VectorizedEvaluator().masks({"x": ("case", node)}, facts)["x"]
    return "".join(c for c, m in zip("ABC", mask) if m)


def verdicts(raw):
    """T (certainly true), F (certainly false) or U (the export cannot say) for cases A, B, C."""
    ctx = ParseContext(file="t", rule_id="T", fields=case_fact_fields(), params=PACK.params, definitions={})
    node = bind(parse_condition(raw, ctx), {k: p.default for k, p in PACK.params.items()})
    run = RunContext(as_of=D(2026, 11, 25), calendar=WorkCalendar(), params={})
    facts = build_facts({"cases": to_frame("cases", CASES)}, [], run)
    t, f = VectorizedEvaluator().judge({"x": ("case", node, None)}, facts)["x"]
    return "".join("T" if a else "F" if b else "U" for a, b in zip(t, f))


@pytest.mark.parametrize("raw, expected", [
    # C has no values: its empty dates and amounts mean "not done" (known), its empty procedure, officers,
    # decision types and names mean "not recorded" (unknown) — see model/fields.py `empty`.
    ({"field": "fine_amount", "gt": 200}, "FTF"),
    ({"field": "fine_amount", "le": 100}, "TFF"),
    ({"field": "fine_amount", "ne": 100}, "FTF"),  # a known-empty value is never equal nor unequal
    ({"not": {"field": "fine_amount", "gt": 200}}, "TFT"),
    ({"field": "procedure", "eq": "普通程序"}, "TFU"),
    ({"not": {"field": "procedure", "eq": "普通程序"}}, "FTU"),  # not keeps unknown unknown
    ({"field": "procedure", "in": ["普通程序", "简易程序"]}, "TTU"),
    ({"field": "decision_date", "lt": {"field": "filing_date"}}, "FTF"),
    ({"field": "decision_date", "ge": D(2025, 5, 6)}, "TFF"),
    ({"present": "decision_date"}, "TTF"),
    ({"absent": "officers"}, "FFU"),
    ({"field": "decision_type", "contains": "警告"}, "FTU"),
    ({"field": "decision_type", "in": ["警告"]}, "FTU"),
    ({"field": "officer_names", "contains": {"field": "legal_reviewer"}}, "TFU"),
    ({"field": "party_name", "matches": "公司$"}, "FTU"),
    ({"field": "rights_waived", "eq": True}, "TFF"),
    ({"field": "rights_waived", "eq": False}, "FTF"),
    ({"field": "officer_cert_count", "lt": 2}, "FTU"),
    ({"all": [{"present": "fine_amount"}, {"field": "fine_amount", "lt": 1000}]}, "TFF"),
    ({"any": [{"field": "fine_amount", "lt": 1000}, {"absent": "fine_amount"}]}, "TFT"),
    ({"field": "fine_amount", "ge": {"param": "review_fine_person"}}, "FTF"),
    ({"param": "recording_required_stages", "contains": "start"}, "TTT"),
    ({"param": "recording_required_stages", "contains": "nonsense"}, "FFF"),
    # Kleene: an unknown child decides nothing when another child already does
    ({"any": [{"field": "procedure", "eq": "普通程序"}, {"present": "decision_date"}]}, "TTU"),
    ({"all": [{"field": "procedure", "eq": "普通程序"}, {"present": "decision_date"}]}, "TFF"),
    ({"all": [{"field": "procedure", "eq": "普通程序"}, {"absent": "decision_date"}]}, "FFU"),
    ({"any": [{"field": "procedure", "eq": "简易程序"}, {"absent": "decision_date"}]}, "FTT"),
])
def test_operator_semantics(raw, expected):
    assert verdicts(raw) == expected
    assert evaluate(raw) == "".join(c for c, v in zip("ABC", expected) if v == "T")


def test_deadline_node_uses_precomputed_status():
    raw = {"deadline": {"name": "d", "from": "filing_date", "to": "decision_date", "limit": 3,
                        "unit": "working_days"}}
    # A: 5/1 (holiday) → 3 WD = 5/8 (5/1–5/5 off); decided 5/6: met.  B: decision before due: met.  C: no start.
    assert evaluate(raw) == ""
    raw["deadline"]["limit"] = 1
    # A: due 5/6 → met exactly on the boundary; B: filing 5/3 (Sat, holiday) due 5/6, decided 5/1 → met.
    assert evaluate(raw) == ""
    raw["deadline"]["limit"] = 0
    assert evaluate(raw) == "A"


def test_every_operator_has_a_vectorized_translation():
    from auditor.rules.conditions import OPERATORS
    import inspect
    from auditor.evaluate import vectorized

    source = inspect.getsource(vectorized._Judge) + inspect.getsource(vectorized._raw)
    for cls in set(OPERATORS.values()):
        assert re.search(rf"isinstance\(node, \(?[\w, ]*\b{cls.__name__}\b", source), cls.__name__
