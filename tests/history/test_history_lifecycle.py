"""Three monthly audits over evolving findings: lifecycle counts, item status and 销项率, exactly."""

from __future__ import annotations

import json
from dataclasses import dataclass
import sqlite3
from datetime import date

import pytest

from _history_factory import cases, finding, result
from auditor.errors import ConfigError
from auditor.history import compare_runs, default_history_path, list_runs, record_run, squad_status, squad_trend
from auditor.history.migrations import MIGRATIONS, migrate

A, B = "石门二路街道综合行政执法队", "机动执法中队"
F1 = finding("R001", "C1", A, due=date(2025, 4, 15))
F2 = finding("R002", "C2", A, due=date(2025, 3, 25), severity="严重")
F2_AGAIN = finding("R002", "C2", A, due=date(2025, 6, 15), severity="严重")
F3 = finding("R003", "C3", B, due=date(2025, 4, 30))
F4 = finding("R004", "C4", A, due=date(2025, 5, 15))
MARCH, APRIL, MAY = date(2025, 3, 31), date(2025, 4, 30), date(2025, 5, 31)


@pytest.fixture()
def three_months(tmp_path):
    db = tmp_path / "h.sqlite"
    table = cases([("C1", A, "投诉举报"), ("C2", A, "信访"), ("C3", B, "巡查发现"), ("C4", A, "上级交办"),
                   ("C5", B, "其他")])
    runs = [
        record_run(db, result(MARCH, [F1, F2, F3], cases=table), label="2025-03"),
        record_run(db, result(APRIL, [F1, F3, F4], cases=table), label="2025-04"),
        record_run(db, result(MAY, [F2_AGAIN, F4], cases=table), label="2025-05"),
    ]
    return db, runs


def test_lifecycle_counts_per_run(three_months):
    _, (r1, r2, r3) = three_months
    assert (r1.new, r1.persisting, r1.resolved, r1.reopened) == (3, 0, 0, 0)
    assert (r2.new, r2.persisting, r2.resolved, r2.reopened) == (1, 2, 1, 0)
    assert (r3.new, r3.persisting, r3.resolved, r3.reopened) == (0, 1, 2, 1)
    # Overdue = open item whose due date is before the run's as-of date.
    assert (r1.open_items, r1.overdue) == (3, 1)  # F2 due 03-25
    assert (r2.open_items, r2.overdue) == (3, 1)  # F1 due 04-15; F3 due 04-30 is not before 04-30
    # F4 due 05-15; reopened F2 keeps its first due 03-25 (not the new finding's 06-15): overdue at once.
    assert (r3.open_items, r3.overdue) == (2, 2)
    assert [r.run_id for r in (r1, r2, r3)] == [1, 2, 3]


def test_items_and_status_history(three_months):
    db, _ = three_months
    conn = sqlite3.connect(db)
    items = {fp: (status, due, present, reopened) for fp, status, due, present, reopened in conn.execute(
        "SELECT fingerprint, status, due, present, times_reopened FROM items")}
    assert items[F1.fingerprint] == ("已销项", "2025-04-15", 0, 0)
    assert items[F2.fingerprint] == ("待整改", "2025-03-25", 1, 1)
    assert items[F3.fingerprint] == ("已销项", "2025-04-30", 0, 0)
    assert items[F4.fingerprint] == ("待整改", "2025-05-15", 1, 0)
    kinds = [r[0] for r in conn.execute(
        "SELECT kind || ':' || new_status || '@' || on_date FROM item_events WHERE fingerprint = ? ORDER BY event_id",
        (F2.fingerprint,))]
    assert kinds == ["opened:待整改@2025-03-31", "resolved:已销项@2025-04-30", "reopened:待整改@2025-05-31"]
    note = conn.execute("SELECT note FROM item_events WHERE fingerprint = ? AND kind = 'reopened'",
                        (F2.fingerprint,)).fetchone()[0]
    assert note == "问题复现（第 1 次），完成时限仍为首次确定的 2025-03-25，复现即超期 67 天"
    sources = {r[0] for r in conn.execute("SELECT DISTINCT source FROM item_events")}
    assert sources == {"run"}
    # The finding rows keep the case's source for the monthly form.
    src = dict(conn.execute("SELECT case_id, case_source FROM findings WHERE run_id = 1"))
    assert src == {"C1": "投诉举报", "C2": "信访", "C3": "巡查发现"}


def test_run_metadata_is_recorded(three_months):
    db, _ = three_months
    conn = sqlite3.connect(db)
    row = conn.execute("SELECT as_of, rule_pack_version, rule_pack_sha256, params_json, counts_json, n_findings"
                       " FROM runs WHERE run_id = 1").fetchone()
    assert row[0] == "2025-03-31" and row[1] == "2025.1" and row[2] == "ab" * 32
    assert json.loads(row[3]) == {"service_days": 7, "since": "2025-01-01"}
    assert json.loads(row[4])["by_severity"] == {"严重": 1, "一般": 2, "提示": 0}
    assert row[5] == 3
    assert conn.execute("SELECT path, sha256 FROM run_inputs WHERE run_id = 1").fetchall() == [("cases.xml", "cd" * 32)]
    assert dict(conn.execute("SELECT squad, cases FROM run_squads WHERE run_id = 1")) == {A: 3, B: 2}


def test_squad_closure_rates(three_months):
    db, _ = three_months
    status = squad_status(db, total=True).set_index("squad")
    a, b, total = status.loc[A], status.loc[B], status.loc["全区合计"]
    assert (a["items"], a["closed"], a["open"], a["overdue"]) == (3, 1, 2, 2)  # F4 and the reopened F2 (first due 03-25)
    assert a["closure_rate"] == pytest.approx(1 / 3)
    # May: F1 closed; F2 reopened; open at some time in May: F1, F4 (from April) and F2.
    assert (a["month_opened"], a["month_closed"]) == (1, 1)
    assert a["month_closure_rate"] == pytest.approx(1 / 3)
    assert a["prev_closure_rate"] == pytest.approx(1 / 3) and a["trend"] == pytest.approx(0)
    assert (b["items"], b["closed"], b["closure_rate"], b["prev_closure_rate"], b["trend"]) == (1, 1, 1.0, 0.0, 1.0)
    assert (total["items"], total["closed"], total["closure_rate"]) == (4, 2, 0.5)
    assert total["month_closure_rate"] == pytest.approx(2 / 4)  # F1, F3 closed of F1, F3, F4, F2
    # The state as it stood at the end of April.
    april = squad_status(db, as_of=APRIL).set_index("squad")
    assert (april.loc[A, "items"], april.loc[A, "closed"], april.loc[A, "overdue"]) == (3, 1, 1)
    assert april.loc[B, "closure_rate"] == 0.0


def test_trend_month_by_month(three_months):
    db, _ = three_months
    trend = squad_trend(db)
    a = trend[trend["squad"] == A].set_index("month")
    assert list(a.index) == ["2025-03", "2025-04", "2025-05"]
    assert list(a["items"]) == [2, 3, 3]
    assert list(a["closed"]) == [0, 1, 1]
    assert list(a["month_opened"]) == [2, 1, 1]


def test_compare_and_list(three_months):
    db, _ = three_months
    cmp = compare_runs(db, 1, 3)
    assert cmp.new == [F4.fingerprint]
    assert sorted(cmp.resolved) == sorted([F1.fingerprint, F3.fingerprint])
    assert cmp.persisting == [F2.fingerprint]
    by = cmp.by_squad.set_index("squad")
    assert by.loc[A].tolist() == [1, 1, 1, 0, 0] and by.loc[B].tolist() == [0, 1, 0, 0, 0]
    runs = list_runs(db)
    assert runs["label"].tolist() == ["2025-03", "2025-04", "2025-05"]
    assert runs[["new", "persisting", "resolved", "reopened"]].values.tolist() == [[3, 0, 0, 0], [1, 2, 1, 0], [0, 1, 2, 1]]
    with pytest.raises(ConfigError, match="没有编号为 9"):
        compare_runs(db, 1, 9)


def test_squad_filtered_run_leaves_other_squads_alone(tmp_path):
    db = tmp_path / "h.sqlite"
    record_run(db, result(MARCH, [F1, F3]))
    only_a = record_run(db, result(APRIL, [], squad_filter=[A]))
    assert (only_a.resolved, only_a.open_items) == (1, 1)  # F1 resolved; F3 (squad B) not looked at
    back = record_run(db, result(MAY, [F3]))
    assert (back.new, back.persisting, back.reopened, back.resolved) == (0, 1, 0, 0)


def test_out_of_order_run_is_refused_and_store_unchanged(tmp_path):
    db = tmp_path / "h.sqlite"
    record_run(db, result(APRIL, [F1]))
    with pytest.raises(ConfigError, match="按截止日期顺序"):
        record_run(db, result(MARCH, [F2]))
    assert list_runs(db)["run_id"].tolist() == [1]
    same_day = record_run(db, result(APRIL, [F1, F2]))  # the same as-of again: ordered by run id
    assert (same_day.persisting, same_day.new) == (1, 1)


def test_migrations_are_idempotent(tmp_path):
    db = tmp_path / "h.sqlite"
    conn = sqlite3.connect(db, isolation_level=None)
    assert migrate(conn) == [name for name, _ in MIGRATIONS]
    assert migrate(conn) == []
    assert [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY rowid")] == [n for n, _ in MIGRATIONS]
    conn.execute("INSERT INTO schema_migrations VALUES ('9999_from_the_future', 'x')")
    conn.close()
    with pytest.raises(ConfigError, match="更新版本"):
        list_runs(db)


def test_not_a_database_and_missing_store(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(ConfigError, match="不是有效的历史库"):
        list_runs(bad)
    with pytest.raises(ConfigError, match="历史库不存在"):
        squad_status(tmp_path / "none.sqlite")
    assert not (tmp_path / "none.sqlite").exists()


def test_summary_line(three_months):
    _, (_, _, r3) = three_months
    assert r3.line() == "已记入历史库（第 3 次审计，截止 2025-05-31）：新增 0，持续 1，销项 2，复发 1；未整改 2（超期 2）"


def test_rule_restricted_run_leaves_other_rules_alone(tmp_path):
    @dataclass
    class Rule:
        id: str

    db = tmp_path / "h.sqlite"
    record_run(db, result(MARCH, [F1, F2, F3]))
    explicit = result(APRIL, [])
    explicit.metadata["rule_filter"] = ["R001"]
    assert record_run(db, explicit).resolved == 1  # only F1: R002 and R003 were not run
    implicit = result(MAY, [F3])
    implicit.rules = [Rule("R002"), Rule("R003")]  # without rule_filter, the rules that ran are the scope
    summary = record_run(db, implicit)
    assert (summary.resolved, summary.persisting) == (1, 1)  # F2 resolved, F3 persists, F1 stays closed
    conn = sqlite3.connect(db)
    assert dict(conn.execute("SELECT fingerprint, status FROM items")) == {
        F1.fingerprint: "已销项", F2.fingerprint: "已销项", F3.fingerprint: "待整改"}
    cmp = compare_runs(db, 1, 2)  # run 2 covered R001 only
    assert (cmp.new, cmp.resolved, cmp.persisting) == ([], [F1.fingerprint], [])
    assert list_runs(db)["rule_filter"].tolist() == [None, '["R001"]', '["R002", "R003"]']


def test_an_old_store_is_migrated_in_place(tmp_path):
    db = tmp_path / "old.sqlite"
    conn = sqlite3.connect(db, isolation_level=None)
    first_name, first_sql = MIGRATIONS[0]
    conn.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for statement in first_sql.split(";"):
        if statement.strip() and not all(l.strip().startswith("--") or not l.strip() for l in statement.splitlines()):
            conn.execute(statement)
    conn.execute("INSERT INTO schema_migrations VALUES (?, 'then')", (first_name,))
    conn.execute("INSERT INTO runs (label, as_of, recorded_at, params_json, counts_json, n_findings, n_new,"
                 " n_persisting, n_resolved, n_reopened) VALUES ('old', '2025-01-31', 'x', '{}', '{}', 0, 0, 0, 0, 0)")
    conn.close()
    runs = list_runs(db)
    assert runs["label"].tolist() == ["old"] and runs["rule_filter"].tolist() == [None]
    names = [r[0] for r in sqlite3.connect(db).execute("SELECT name FROM schema_migrations ORDER BY rowid")]
    assert names == [n for n, _ in MIGRATIONS]
    assert record_run(db, result(MARCH, [F1])).run_id == 2


def test_default_path_and_journal_mode(tmp_path):
    assert default_history_path(tmp_path / "reports" / "2025-05") == (tmp_path / "reports" / "auditor-history.sqlite")
    db = tmp_path / "new" / "dir" / "h.sqlite"  # missing directories are created
    record_run(db, result(MARCH, [F1]))
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
