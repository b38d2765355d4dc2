"""`auditor audit` and `auditor explain` end to end, as a user runs them (subprocess, real files)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.generate.export import generate_export  # noqa: F401 (the generator's public entry point)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "sample"


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "auditor.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    proc = run("audit", SAMPLE / "xml", "--as-of", "2026-11-25", "--out", out)
    return proc, out


def test_audit_records_the_run_in_the_default_history_store(sample_run):
    proc, out = sample_run
    assert (out.parent / "auditor-history.sqlite").exists()
    store = out.parent / "auditor-history.sqlite"
    assert re.search(r"历史库 \S+: 运行 #\d+，新增 \d+", proc.stdout), proc.stdout
    assert f"历史库 {store}: 运行 #" in proc.stdout  # the console names the store it wrote
    assert "默认位置：--out 的上一级目录" in proc.stdout  # ... and why it is there


def test_audit_writes_every_format_and_exits_1_on_serious_findings(sample_run):
    proc, out = sample_run
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1, proc.stdout + proc.stderr
    for name in ("report.xlsx", "report.html", "findings.json", "findings.csv", "findings.sarif",
                 "findings.junit.xml"):
        assert (out / name).stat().st_size > 0, name
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert data["findings"], "the sample export carries injected violations"
    assert "读入" in proc.stdout and "判定" in proc.stdout


def test_findings_match_the_sample_ground_truth(sample_run):
    _, out = sample_run
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    found = {(f["case_id"], f["rule_id"]) for f in data["findings"]}
    import csv

    truth = set()
    with open(SAMPLE / "truth.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            for kind in filter(None, row["violations"].replace(";", "|").split("|")):
                truth.add((row["case_id"], kind.strip()))
    assert truth and truth <= found, sorted(truth - found)[:10]


def test_fail_on_notice_level_and_csv_form_agree(tmp_path):
    proc_xml = run("audit", SAMPLE / "xml", "--as-of", "2026-11-25", "--out", tmp_path / "x", "--format", "json")
    proc_csv = run("audit", SAMPLE / "csv", "--as-of", "2026-11-25", "--out", tmp_path / "c", "--format", "json")
    assert proc_xml.returncode == proc_csv.returncode == 1
    a = json.loads((tmp_path / "x" / "findings.json").read_text(encoding="utf-8"))["findings"]
    b = json.loads((tmp_path / "c" / "findings.json").read_text(encoding="utf-8"))["findings"]
    assert [f["fingerprint"] for f in a] == [f["fingerprint"] for f in b]


def test_squad_filter_and_unknown_squad(tmp_path):
    proc = run("audit", SAMPLE / "xml", "--as-of", "2026-11-25", "--out", tmp_path / "r", "--format", "json",
               "--squad", "机动执法中队")
    assert proc.returncode in (0, 1), proc.stderr
    data = json.loads((tmp_path / "r" / "findings.json").read_text(encoding="utf-8"))
    assert data["findings"] and {f["squad"] for f in data["findings"]} == {"机动执法中队"}
    # A partial audit stays out of the default (monthly) store unless a store is named.
    assert "部分审计（--squad 机动执法中队）未记入历史库" in proc.stdout
    assert not (tmp_path / "auditor-history.sqlite").exists()
    named = run("audit", SAMPLE / "xml", "--as-of", "2026-11-25", "--out", tmp_path / "n", "--format", "json",
                "--squad", "机动执法中队", "--history", tmp_path / "adhoc.sqlite")
    assert "adhoc.sqlite: 运行 #1" in named.stdout, named.stdout + named.stderr
    bad = run("audit", SAMPLE / "xml", "--as-of", "2026-11-25", "--out", tmp_path, "--squad", "不存在中队")
    assert bad.returncode == 2 and "不存在中队" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize("args, code, text", [
    (["audit", "no/such/dir", "--as-of", "2026-11-25"], 3, "no/such/dir"),
    (["audit", "fixtures/sample/xml", "--as-of", "2026-13-01"], 2, "YYYY-MM-DD"),
    (["audit", "fixtures/sample/xml", "--as-of", "2026-11-25", "--format", "pdf"], 2, "pdf"),
    (["audit", "fixtures/sample/xml", "--as-of", "2026-11-25", "--profile", "no.yaml"], 2, "no.yaml"),
    (["audit", "fixtures/sample/xml", "--as-of", "2026-11-25", "--new-only", "--no-history"], 2, "--baseline"),
    (["audit", "fixtures/sample/xml", "--as-of", "2026-11-25", "--baseline", "/etc/hostname"], 3, "hostname"),
])
def test_user_mistakes_get_one_line_and_the_documented_exit_code(args, code, text, tmp_path):
    proc = run(*args, "--out", tmp_path, cwd=ROOT)
    assert proc.returncode == code, proc.stderr
    assert text in proc.stderr
    assert "Traceback" not in proc.stderr


def test_explain_shows_deadlines_and_verdicts():
    import csv

    with open(SAMPLE / "truth.csv", encoding="utf-8-sig", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["violations"])
    case_id, rule_id = row["case_id"], row["violations"].split("|")[0]
    proc = run("explain", case_id, SAMPLE / "xml", "--as-of", "2026-11-25")
    assert proc.returncode == 0, proc.stderr
    assert f"✗ 违规 {rule_id}" in proc.stdout and "时间线" in proc.stdout and "期限" in proc.stdout
    unknown = run("explain", "NO-SUCH-CASE", SAMPLE / "xml", "--as-of", "2026-11-25")
    assert unknown.returncode == 2 and "NO-SUCH-CASE" in unknown.stderr


def test_every_command_has_help_with_an_example():
    from auditor.cli import main

    def walk(group, prefix=()):
        for name, cmd in group.commands.items():
            if hasattr(cmd, "commands"):
                yield from walk(cmd, prefix + (name,))
            else:
                yield prefix + (name,), cmd

    commands = list(walk(main))
    assert len(commands) >= 8
    for path, cmd in commands:
        # The example section is titled in the help's language: 示例 (default) or Example (--lang en).
        assert cmd.help and ("示例:" in cmd.help or "Example" in cmd.help), " ".join(path)


def test_check_parity_passes_on_the_sample_and_fails_on_a_tampered_evaluator(tmp_path, monkeypatch):
    import datetime as dt

    import auditor.api as api
    from auditor.errors import ConfigError
    from auditor.job import AuditJob, run_job

    config = api.AuditConfig(exports=(SAMPLE / "xml",), as_of=dt.date(2026, 11, 25))
    outcome = run_job(AuditJob(config=config, out_dir=None, check_parity=True))
    assert outcome.parity.ok and outcome.parity.agreed == len(outcome.result.findings) > 0

    from dataclasses import replace

    from auditor.evaluate import registry

    real = registry.info("rete").factory

    class Tampered:
        name = "rete"

        def hits(self, rules, facts, ctx):
            hits = real().hits(rules, facts, ctx)
            rule_id = next(k for k, v in sorted(hits.items()) if len(v))
            hits[rule_id] = hits[rule_id][1:]  # "forgets" one finding
            return hits

    monkeypatch.setitem(registry._REGISTRY, "rete", replace(registry.info("rete"), factory=Tampered))
    with pytest.raises(ConfigError, match="1 项不一致"):
        run_job(AuditJob(config=config, out_dir=None, check_parity=True))


def test_back_dated_ad_hoc_audit_is_reported_but_not_recorded_in_the_default_store(tmp_path):
    out = tmp_path / "r"
    first = run("audit", SAMPLE / "xml", "--as-of", "2026-11-25", "--out", out, "--format", "json")
    assert first.returncode == 1 and "auditor-history.sqlite: 运行 #1" in first.stdout
    older = run("audit", SAMPLE / "xml", "--as-of", "2026-06-30", "--out", out, "--format", "json")
    assert older.returncode in (0, 1), older.stderr
    assert "未记入历史库" in older.stdout
    explicit = run("audit", SAMPLE / "xml", "--as-of", "2026-06-30", "--out", out, "--format", "json",
                   "--history", tmp_path / "auditor-history.sqlite")
    assert explicit.returncode == 2 and "--no-history" in explicit.stderr


def test_limits_are_configurable_from_the_command_line(tmp_path):
    proc = run("audit", SAMPLE / "xml", "--as-of", "2026-11-25", "--out", tmp_path, "--format", "json",
               "--max-file-mb", "1")
    assert proc.returncode == 3 and "cases.xml" in proc.stderr and "Traceback" not in proc.stderr
    rows = run("inspect", SAMPLE / "csv", "--max-rows", "10")
    assert rows.returncode == 3 and "Traceback" not in rows.stderr


def test_baseline_file_alone_gates_on_new_findings_only(tmp_path):
    first = run("audit", SAMPLE / "xml", "--as-of", "2026-11-25", "--out", tmp_path / "a", "--format", "json",
                "--no-history")
    assert first.returncode == 1
    again = run("audit", SAMPLE / "xml", "--as-of", "2026-11-25", "--out", tmp_path / "b", "--format", "json",
                "--no-history", "--baseline", tmp_path / "a" / "findings.json")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "判定: 0 个问题" in again.stdout
