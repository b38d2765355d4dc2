"""Every file the program opens, given as a FIFO (nobody writes: a read would block forever) or as
/dev/zero (a read would never end), through the command line as a user runs it: a message naming the
file, exit 2 (configuration) or 3 (input), no traceback, and an answer within the timeout (the
reviewers file hung `sample-review`). Also the stricter argument checks of round two: `--as-of` only as
YYYY-MM-DD, `monthly --month 0000-01` / `0001-01`, a baseline JSON nested 100,000 deep.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "fixtures" / "sample" / "xml"
CLI = [sys.executable, "-m", "auditor.cli"]
TIMEOUT = 60


def audit(*extra: str) -> list[str]:
    return ["audit", str(SAMPLE), "--as-of", "2026-11-25", "--format", "json", "--out", "{tmp}/out", *extra]


# (id, argv with {bad} where the special file goes, expected exit)
CASES = [
    ("export_file", ["inspect", "{bad}"], 3),
    ("mapping_profile", ["inspect", str(SAMPLE), "--mapping", "{bad}"], 2),
    ("district_profile", audit("--no-history", "--profile", "{bad}"), 2),
    ("calendar", audit("--no-history", "--calendar", "{bad}"), 2),
    ("exceptions", audit("--no-history", "--exceptions", "{bad}"), 2),
    ("baseline", audit("--no-history", "--baseline", "{bad}"), 3),
    ("history_store_audit", audit("--history", "{bad}"), 2),
    ("history_store_list", ["history", "--history", "{bad}", "list"], 2),
    ("history_store_monthly", ["monthly", "--month", "2026-11", "--history", "{bad}", "--out", "{tmp}/m.xlsx"], 2),
    ("reviewers", ["sample-review", "--export", str(SAMPLE), "--reviewers", "{bad}", "--seed", "1", "--out",
                   "{tmp}/s.xlsx"], 2),
    ("corrections_workbook", ["corrections", "import", "--history", "{tmp}/h.sqlite", "{bad}"], 3),
    ("rule_file", ["rules", "validate", "{bad}"], 2),
]


def _special(kind: str, tmp: Path, name: str) -> Path:
    if kind == "dev_zero":
        link = tmp / name
        link.symlink_to("/dev/zero")
        return link
    path = tmp / name
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("kind", ["fifo", "dev_zero"])
@pytest.mark.parametrize("case_id, argv, code", CASES, ids=[c[0] for c in CASES])
def test_special_files_are_refused_not_waited_on(tmp_path, case_id, argv, code, kind):
    suffix = {"export_file": ".csv", "baseline": ".json", "reviewers": ".csv", "corrections_workbook": ".xlsx",
              "history_store_audit": ".sqlite", "history_store_list": ".sqlite",
              "history_store_monthly": ".sqlite"}.get(case_id, ".yaml")
    bad = _special(kind, tmp_path, f"special{suffix}")
    args = [a.replace("{bad}", str(bad)).replace("{tmp}", str(tmp_path)) for a in argv]
    proc = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL,
                          cwd=tmp_path)
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output[-3000:]
    assert proc.returncode == code, output[-2000:]
    assert str(bad) in proc.stderr or bad.name in proc.stderr, proc.stderr[-2000:]


@pytest.mark.parametrize("value", ["20261125", "2026-W01-1", "2026-11-25T00:00", "0001-01-01", "2026-02-30"])
def test_as_of_is_strictly_yyyy_mm_dd(tmp_path, value):
    proc = subprocess.run([*CLI, "audit", str(SAMPLE), "--as-of", value, "--no-history", "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "YYYY-MM-DD" in proc.stderr or "超出可处理范围" in proc.stderr, proc.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("month", ["0000-01", "0001-01", "9999-12"])
def test_monthly_refuses_months_it_cannot_compute(tmp_path, month):
    proc = subprocess.run([*CLI, "monthly", "--month", month, "--history", str(tmp_path / "h.sqlite"), "--out",
                           str(tmp_path / "m.xlsx")], capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "月份超出可处理范围" in proc.stderr, proc.stderr


def test_a_deeply_nested_baseline_is_an_input_error(tmp_path):
    baseline = tmp_path / "findings.json"
    baseline.write_text('{"findings": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    proc = subprocess.run([*CLI, *[a.replace("{tmp}", str(tmp_path)) for a in audit("--no-history")],
                           "--baseline", str(baseline)], capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr and "嵌套过深" in proc.stderr, proc.stderr[-2000:]
