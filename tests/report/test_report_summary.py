"""Per-squad statistics and the 100-point score shared by every report."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from _report_factory import RULES, _finding, small_result
from auditor.findings import AuditResult
from auditor.report.summary import summarize


def _result(cases: list[tuple[str, str]], findings: list, **meta) -> AuditResult:
    frame = pd.DataFrame({"case_id": [c for c, _ in cases], "squad": [s for _, s in cases]})
    return AuditResult(as_of=date(2026, 11, 25), findings=findings, metadata=meta, rules=list(RULES),
                       cases=frame)


def test_small_result_figures():
    s = summarize(small_result())
    by = {q.squad: q for q in s.squads}
    assert [q.squad for q in s.squads] == ["南京西路中队", "机动执法中队", "江宁路中队"]
    assert [q.rank for q in s.squads] == [1, 2, 3]
    # 江宁路: case 1 loses 10+10+5, case 2 loses 1+5, case 3 none -> (75 + 94 + 100) / 3
    assert by["江宁路中队"].score == round((75 + 94 + 100) / 3, 2)
    assert by["江宁路中队"].cases == 3 and by["江宁路中队"].cases_with_findings == 2
    assert by["江宁路中队"].by_severity == {"严重": 2, "一般": 2, "提示": 1}
    assert by["南京西路中队"].by_theme["全过程记录"] == 2
    assert s.total.findings == 13 and s.total.cases == 9 and s.total.warnings == 3
    assert s.by_rule["DQ-001"] == 3 and s.by_rule["OVD-001"] == 2
    assert s.by_rule_squad[("DQ-001", "江宁路中队")] == 1
    assert sum(s.by_rule.values()) == len(small_result().findings)


def test_score_floored_at_zero_and_configurable():
    case = {"case_id": "C1", "squad": "甲"}
    # 15 rules with a 严重 finding each (a rule deducts once per case, however many items it names)
    many = [replace(_finding("LRV-001", case, subject=str(i)), rule_id=f"LRV-{i:03d}") for i in range(15)]
    r = _result([("C1", "甲"), ("C2", "甲")], many)
    sq = summarize(r).squads[0]
    assert sq.score == 50.0  # C1 floored at 0, C2 keeps 100
    r2 = _result([("C1", "甲"), ("C2", "甲")], many[:1],
                 score={"deductions": {"严重": 20}, "base": 100})
    assert summarize(r2).squads[0].score == 90.0
    same_rule = [_finding("LRV-001", case, subject=str(i)) for i in range(15)]
    assert summarize(_result([("C1", "甲"), ("C2", "甲")], same_rule)).squads[0].score == 95.0


def test_ties_broken_by_squad_name_and_ranks_unique():
    r = _result([("A1", "乙队"), ("B1", "甲队"), ("C1", "丙队")],
                [_finding("REC-002", {"case_id": "C1", "squad": "丙队"})])
    s = summarize(r)
    assert [(q.squad, q.rank) for q in s.squads] == [("乙队", 1), ("甲队", 2), ("丙队", 3)]


def test_cases_without_findings_count_and_rules_without_findings_listed():
    r = _result([("C1", "甲"), ("C2", "甲"), ("C3", "乙")], [])
    s = summarize(r)
    assert {q.squad: q.cases for q in s.squads} == {"甲": 2, "乙": 1}
    assert all(q.score == 100.0 for q in s.squads)
    assert set(s.by_rule) == {r.id for r in RULES} and not any(s.by_rule.values())


def test_case_only_in_findings_is_counted():
    r = _result([("C1", "甲")], [_finding("DIS-001", {"case_id": "X9", "squad": "乙"})])
    by = {q.squad: q for q in summarize(r).squads}
    assert by["乙"].cases == 1 and by["乙"].score == 90.0


def test_unknown_theme_kept_after_known_themes():
    f = replace(_finding("DIS-001", {"case_id": "C1", "squad": "甲"}), theme="新类别")
    s = summarize(_result([("C1", "甲")], [f]))
    assert s.themes[-1] == "新类别" and s.squads[0].by_theme["新类别"] == 1
