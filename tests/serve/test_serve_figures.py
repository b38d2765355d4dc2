"""The board's fast per-squad figures equal the history's replayed ones (`squad_figures`)."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import pytest

from _history_factory import cases, finding, result
from auditor.history.status import squad_figures
from auditor.history.store import open_store, record_run
from auditor.serve.accounts import User
from auditor.serve.edits import EditRefused, apply_edit
from auditor.serve.figures import board_figures

SQUADS = ("甲中队", "乙中队", "丙中队")


def _findings(rng: random.Random, month: date, keep: float):
    out = []
    for i in range(90):
        if rng.random() < keep:
            squad = SQUADS[i % 3]
            out.append(finding(f"R{i % 7:03d}", f"C{i:04d}", squad, due=month + timedelta(days=rng.randint(-20, 20)),
                               severity=rng.choice(("严重", "一般", "提示"))))
    return out


@pytest.fixture
def store(tmp_path):
    rng = random.Random(7)
    db = tmp_path / "h.sqlite"
    table = cases([(f"C{i:04d}", SQUADS[i % 3], "巡查发现") for i in range(90)] + [("C9999", "丁中队", "巡查发现")])
    for month in (date(2025, 4, 30), date(2025, 5, 31), date(2025, 6, 30)):
        found = _findings(rng, month, 0.7)
        # An approved exemption closes an item (销项): both computations must count it so.
        exempt = {f.fingerprint: {"reason": "已核对", "approver": "法制科"} for f in found[::9]}
        record_run(db, result(month, found, cases=table, exemptions=exempt))
    users = [User(1, "甲", "中队", "甲中队"), User(2, "监", "监督", None)]
    with open_store(db, create=False) as conn:
        fps = [r[0] for r in conn.execute("SELECT fingerprint FROM items ORDER BY fingerprint")]
        for n in range(60):  # board edits through July
            fp = rng.choice(fps)
            status, version = conn.execute(
                "SELECT status, (SELECT MAX(event_id) FROM item_events WHERE fingerprint = ?) FROM items"
                " WHERE fingerprint = ?", (fp, fp)).fetchone()
            try:
                apply_edit(conn, rng.choice(users), fp, version=version,
                           status=rng.choice(("待整改", "整改中", "已销项")), note=f"n{n}", evidence=None,
                           today=date(2025, 7, 1) + timedelta(days=n // 3))
            except EditRefused:
                pass
    return db


def _same(a: list[dict], b: list[dict]) -> None:
    assert [r["squad"] for r in a] == [r["squad"] for r in b]
    for x, y in zip(a, b):
        for key in x:
            vx, vy = x[key], y[key]
            if vx is None or (isinstance(vx, float) and math.isnan(vx)):
                assert vy is None or (isinstance(vy, float) and math.isnan(vy)), (x["squad"], key, vx, vy)
            else:
                assert vx == vy, (x["squad"], key, vx, vy)


@pytest.mark.parametrize("day", [date(2025, 6, 30), date(2025, 7, 10), date(2025, 7, 31), date(2025, 8, 5),
                                 date(2025, 7, 20)])
def test_fast_figures_equal_replayed_figures(store, day):
    with open_store(store, create=False) as conn:
        fast = board_figures(conn, day)
        slow = squad_figures(conn, day, total=True).to_dict("records")
        if day == date(2025, 7, 31):  # the data is not trivial: July's board edits moved and closed items
            assert any(r["in_progress"] for r in fast) and any(r["month_closed"] for r in fast)
        if day == date(2025, 6, 30):  # exempted items are closed: in `closed` and in the 销项率
            total = fast[-1]
            assert total["exempt"] > 0 and total["closed"] > total["exempt"]
            assert total["closure_rate"] == total["closed"] / total["items"]
            assert total["month_reopened"] > 0
    _same(fast, slow)
