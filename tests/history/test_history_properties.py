"""Property test: for any sequence of monthly runs, the store agrees with a plain-Python model of the
lifecycle (new / persisting / resolved / reopened) and of each squad's 销项率 and overdue count."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _history_factory import finding, result
from auditor.history import record_run, squad_status

SQUADS = ("甲中队", "乙中队")
POOL = [finding(f"R{i % 3}", f"C{i}", SQUADS[i % 2], due=date(2025, 1, 1) + timedelta(days=20 * i))
        for i in range(8)]
runs_strategy = st.lists(st.sets(st.integers(0, len(POOL) - 1), max_size=len(POOL)), min_size=1, max_size=6)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs=runs_strategy)
def test_store_matches_the_model(runs):
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "h.sqlite"
        ever: set[int] = set()
        prev: set[int] = set()
        for month, present in enumerate(runs, start=1):
            as_of = date(2025, month, 28)
            summary = record_run(db, result(as_of, [POOL[i] for i in present]))
            assert summary.new == len(present - ever)
            assert summary.persisting == len(present & prev)
            assert summary.reopened == len((present & ever) - prev)
            assert summary.resolved == len(prev - present)
            ever |= present
            prev = present
            due = {i: POOL[i].correction_due for i in ever}
            assert summary.open_items == len(present)
            status = squad_status(db).set_index("squad")
            for s_index, squad in enumerate(SQUADS):
                mine = {i for i in ever if i % 2 == s_index}
                if not mine:
                    continue
                closed = mine - present
                assert status.loc[squad, "items"] == len(mine)
                assert status.loc[squad, "closed"] == len(closed)
                assert status.loc[squad, "closure_rate"] == len(closed) / len(mine)
                # Every open item's due date is its finding's (the pool's dates are fixed per finding).
                assert status.loc[squad, "overdue"] == sum(1 for i in mine - closed if due[i] < as_of)
