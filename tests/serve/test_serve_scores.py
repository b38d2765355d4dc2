"""The board's case-file scores are the reports' scores: the same model (the run's own parameters, each
rule deducting once per case, 不合格卷 capped) over the same findings, squad by squad."""

from datetime import date

from _history_factory import cases, finding, result
from auditor.history.store import open_store, record_run
from auditor.report.summary import summarize
from auditor.scoring import model_from_params
from auditor.serve import queries
from auditor.serve.accounts import User

A, B = "石门二路街道综合行政执法队", "南京西路街道综合行政执法队"
PARAMS = {"score_deduction_serious": 30, "score_deduction_general": 15, "score_deduction_notice": 5,
          "score_fail_rules": ["R009"], "score_rule_deductions": {"R007": 2}}


def _result():
    findings = [
        finding("R001", "A-1", A, severity="严重"), finding("R002", "A-1", A, severity="一般"),
        finding("R001", "A-1", A, severity="严重", subject="rec-2"),  # the same rule again: deducts once
        finding("R009", "A-2", A, severity="提示"),  # a fail rule: 不合格卷, capped
        finding("R007", "B-1", B, severity="严重"),  # the rule's own points
    ]
    table = cases([("A-1", A, "巡查发现"), ("A-2", A, "巡查发现"), ("A-3", A, "投诉举报"), ("B-1", B, "巡查发现"),
                   ("B-2", B, "巡查发现")])
    res = result(date(2025, 5, 31), findings, cases=table)
    res.metadata["profile"] = {"name": "district", "path": None, "params": PARAMS}
    res.metadata["score"] = model_from_params(PARAMS).as_metadata()
    return res


def test_the_board_scores_squads_as_the_reports_do(tmp_path):
    res = _result()
    db = tmp_path / "h.sqlite"
    record_run(db, res)
    supervisor = User(user_id=1, name="sup", role="监督", squad=None)
    with open_store(db, create=False) as conn:
        run_id, model, board = queries.case_scores(conn, supervisor)
    report = {s.squad: s for s in summarize(res).squads}
    assert run_id == 1 and model.deductions["严重"] == 30 and model.rule_deductions == {"R007": 2.0}
    assert [(s["squad"], s["score"], s["failed"], s["cases"]) for s in board] == [
        (r.squad, r.score, r.failed_cases, r.cases) for r in summarize(res).squads]
    # A: A-1 100-30-15 = 55 (不合格: below 60, capped 59 -> 55), A-2 capped at 59, A-3 100 -> 71.33
    assert report[A].score == round((55 + 59 + 100) / 3, 2) and report[A].failed_cases == 2
    assert report[B].score == 99.0  # (98 + 100) / 2
