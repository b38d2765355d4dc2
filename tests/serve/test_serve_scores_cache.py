"""The board's case-file scores are cached per store and run: a new run shows its own scores at once,
and a squad user still gets only its own squad's row from the shared cache."""

from __future__ import annotations

import datetime as dt

from _history_factory import finding, result
from auditor.history.store import open_store, record_run
from auditor.serve import queries
from auditor.serve.accounts import User

SUPERVISOR = User(1, "sup", "监督", None)


def test_a_new_run_replaces_the_cached_scores_and_squads_see_only_their_own(tmp_path):
    db = tmp_path / "h.sqlite"
    record_run(db, result(dt.date(2026, 9, 30), [finding("R001", "C1", "一中队", severity="严重")]))
    with open_store(db, create=False) as conn:
        run1, _, first = queries.case_scores(conn, SUPERVISOR)
        assert queries.case_scores(conn, SUPERVISOR)[2] == first  # served from the cache, same figures
    record_run(db, result(dt.date(2026, 10, 31), [finding("R002", "C2", "二中队", severity="提示")]))
    with open_store(db, create=False) as conn:
        run2, _, second = queries.case_scores(conn, SUPERVISOR)
        mine = queries.case_scores(conn, User(2, "team", "中队", "二中队"))[2]
    assert run2 != run1
    assert [s["squad"] for s in first if s["cases_with_findings"]] == ["一中队"]
    assert [s["squad"] for s in second if s["cases_with_findings"]] == ["二中队"]
    assert [s["squad"] for s in mine] == ["二中队"]
    mine[0]["score"] = -1  # a caller's copy: the cache is not changed through it
    with open_store(db, create=False) as conn:
        assert queries.case_scores(conn, SUPERVISOR)[2] == second
