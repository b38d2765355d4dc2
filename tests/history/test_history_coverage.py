"""Each recorded run keeps its data coverage (tables and columns supplied, filled counts overall and per
squad; 无法判定 counted per rule): written by record_run, read back unchanged, and an old store gains the
tables without losing its runs or its identity."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from _history_factory import finding, result
from auditor.api import AuditConfig, run_audit
from auditor.history.coverage_store import read_coverage, undetermined_counts
from auditor.history.integrity import APPLICATION_ID
from auditor.history.migrations import MIGRATIONS
from auditor.history.store import list_runs, open_store, record_run

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample" / "csv"
AS_OF = dt.date(2026, 11, 25)
DROPPED = "立案审批人"  # a cases column the partial export leaves out


def _partial_export(tmp_path: Path) -> Path:
    """The sample without the recordings table, and its cases without the 立案审批人 column."""
    d = tmp_path / "partial"
    d.mkdir()
    shutil.copy(SAMPLE / "disclosures.csv", d / "disclosures.csv")
    with open(SAMPLE / "cases.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    at = rows[0].index(DROPPED)
    with open(d / "cases.csv", "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([r[:at] + r[at + 1:] for r in rows])
    return d


@pytest.fixture(scope="module")
def partial(tmp_path_factory):
    return run_audit(AuditConfig(exports=(_partial_export(tmp_path_factory.mktemp("cov")),), as_of=AS_OF))


def _squad_rows(frame) -> list[tuple]:
    return sorted(tuple(r) for r in frame[["squad", "table", "field", "rows", "filled"]].itertuples(index=False))


def test_a_runs_coverage_round_trips_through_the_store(tmp_path, partial):
    db = tmp_path / "h.sqlite"
    summary = record_run(db, partial, label="partial")
    expected = partial.coverage
    assert not expected.table_supplied("recordings") and "filing_approver" in expected.tables["cases"].missing_columns
    with open_store(db, create=False) as conn:
        stored = read_coverage(conn, summary.run_id)
        counts = undetermined_counts(conn, summary.run_id)
    assert stored.as_dict() == expected.as_dict()
    assert stored.rules_without == expected.rules_without and stored.rules_without["recordings"]
    assert _squad_rows(stored.by_squad) == _squad_rows(expected.by_squad)
    assert len(stored.by_squad) > 100
    # 无法判定 per rule and squad: the result's own items, counted.
    assert {(c.rule_id, c.squad): c.count for c in counts} == dict(
        Counter((u.rule_id, u.squad) for u in partial.undetermined))
    assert sum(c.count for c in counts) == len(partial.undetermined) > 0


def test_squad_limited_read_keeps_only_that_squads_figures(tmp_path, partial):
    db = tmp_path / "h.sqlite"
    run_id = record_run(db, partial).run_id
    squads = sorted(set(partial.coverage.by_squad["squad"]))
    mine = squads[0]
    with open_store(db, create=False) as conn:
        stored = read_coverage(conn, run_id, squads=[mine])
        counts = undetermined_counts(conn, run_id, squads=[mine])
    assert len(squads) > 1 and set(stored.by_squad["squad"]) == {mine}
    assert _squad_rows(stored.by_squad) == _squad_rows(
        partial.coverage.by_squad[partial.coverage.by_squad["squad"] == mine])
    assert {c.squad for c in counts} == {mine}
    assert sum(c.count for c in counts) == sum(1 for u in partial.undetermined if u.squad == mine)


def test_a_run_without_measured_coverage_is_marked_not_recorded(tmp_path):
    db = tmp_path / "h.sqlite"
    run_id = record_run(db, result(dt.date(2025, 5, 31), [finding("R001", "C1", "甲中队")])).run_id  # hand-built: coverage is None
    with open_store(db, create=False) as conn:
        assert read_coverage(conn, run_id) is None
        assert conn.execute("SELECT COUNT(*) FROM run_coverage_columns").fetchone()[0] == 0


def _old_store(db: Path) -> None:
    """A store as the release before the coverage migration made it, with one run, and made before
    the application_id mark existed (header 0)."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for name, sql in MIGRATIONS:
        if name == "coverage_0001_run_coverage":
            break
        for statement in sql.split(";"):
            if statement.strip() and not all(l.strip().startswith("--") or not l.strip() for l in statement.splitlines()):
                conn.execute(statement)
        conn.execute("INSERT INTO schema_migrations VALUES (?, 'then')", (name,))
    conn.execute("INSERT INTO runs (label, as_of, recorded_at, params_json, counts_json, n_findings, n_new,"
                 " n_persisting, n_resolved, n_reopened) VALUES ('old', '2026-10-31', 'x', '{}', '{}', 0, 0, 0, 0, 0)")
    conn.close()


def test_an_old_store_gains_coverage_and_keeps_its_runs(tmp_path, partial):
    db = tmp_path / "old.sqlite"
    _old_store(db)
    assert sqlite3.connect(db).execute("PRAGMA application_id").fetchone()[0] == 0
    assert list_runs(db)["label"].tolist() == ["old"]  # opening migrates it in place
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert raw.execute("SELECT 1 FROM schema_migrations WHERE name = 'coverage_0001_run_coverage'").fetchone()
    assert raw.execute("SELECT coverage_recorded FROM runs").fetchall() == [(0,)]
    raw.close()
    new_id = record_run(db, partial, label="new").run_id
    with open_store(db, create=False) as conn:
        assert read_coverage(conn, 1) is None  # the old run never had its coverage measured
        assert read_coverage(conn, new_id).as_dict() == partial.coverage.as_dict()


def test_the_cli_audit_records_the_coverage_its_json_report_states(tmp_path):
    import json

    from click.testing import CliRunner

    from auditor.cli import main

    db, out = tmp_path / "h.sqlite", tmp_path / "reports"
    res = CliRunner().invoke(main, ["audit", str(_partial_export(tmp_path)), "--as-of", AS_OF.isoformat(),
                                    "--out", str(out), "--format", "json", "--history", str(db)])
    assert res.exit_code in (0, 1), res.output
    document = json.loads((out / "findings.json").read_text(encoding="utf-8"))["coverage"]
    with open_store(db, create=False) as conn:
        stored = read_coverage(conn, 1)
        counts = undetermined_counts(conn, 1)
    assert stored.as_dict()["tables"] == document["tables"]
    assert stored.as_dict()["rules_without_table"] == document["rules_without_table"]
    by_rule = Counter()
    for c in counts:
        by_rule[c.rule_id] += c.count
    assert dict(by_rule) == document["undetermined_by_rule"] and by_rule


def test_a_hand_edited_coverage_value_is_refused_with_its_place(tmp_path, partial):
    from auditor.errors import ConfigError

    db = tmp_path / "h.sqlite"
    record_run(db, partial)
    raw = sqlite3.connect(db)
    raw.execute("UPDATE run_coverage_tables SET rules_without = '[\"JL-1\"' WHERE table_name = 'recordings'")
    raw.commit()
    raw.close()
    with pytest.raises(ConfigError, match="run_coverage_tables.*rules_without"):
        with open_store(db, create=False):
            pass
