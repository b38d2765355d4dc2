"""The store fed by the real pipeline: a generated export audited at two month ends."""

from __future__ import annotations

import sqlite3
from datetime import date

from click.testing import CliRunner

from auditor.api import AuditConfig, run_audit
from auditor.cli import main
from auditor.history import new_since_baseline, record_run, squad_status
from auditor.history.monthly import monthly_figures


def test_two_month_ends_of_a_generated_export(tmp_path):
    out = tmp_path / "export"
    gen = CliRunner().invoke(main, ["generate", "--cases", "120", "--seed", "11", "--out", str(out), "--form", "csv",
                                    "--as-of", "2025-05-31", "--violation-rate", "0.3"])
    assert gen.exit_code == 0, gen.output
    db = tmp_path / "auditor-history.sqlite"
    may = run_audit(AuditConfig(exports=(str(out / "csv"),), as_of=date(2025, 5, 31)))
    june = run_audit(AuditConfig(exports=(str(out / "csv"),), as_of=date(2025, 6, 30)))
    assert may.findings, "the generated export should produce findings"
    before = {f.fingerprint for f in may.findings}
    after = {f.fingerprint for f in june.findings}
    s1 = record_run(db, may, label="2025-05")
    expected_new = [f for f in june.findings if f.fingerprint not in before]
    assert new_since_baseline(june, "latest", db_path=db) == expected_new
    s2 = record_run(db, june, label="2025-06")
    assert (s1.new, s1.persisting, s1.resolved) == (len(before), 0, 0)
    assert (s2.new, s2.persisting, s2.resolved, s2.reopened) == (
        len(after - before), len(after & before), len(before - after), 0)
    conn = sqlite3.connect(db)
    stored = dict(conn.execute("SELECT case_id, case_source FROM findings WHERE run_id = ?", (s2.run_id,)))
    sources = dict(zip(june.cases["case_id"], june.cases["source"]))
    assert stored and all(stored[c] == sources[c] for c in stored)
    inputs = conn.execute("SELECT COUNT(*) FROM run_inputs WHERE run_id = ?", (s2.run_id,)).fetchone()[0]
    assert inputs == len(june.metadata["inputs"]) > 0
    status = squad_status(db, total=True)
    assert status.iloc[-1]["items"] == len(before | after)
    assert set(status["squad"][:-1]) >= {f.squad for f in june.findings}
    fig = monthly_figures(db, "2025-06")
    assert sum(v for k, v in fig.district.found_year.items() if k != "其中列入重点整治清单") == len(before | after)
