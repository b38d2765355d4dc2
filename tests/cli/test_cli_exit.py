"""How a run ends: an internal error is exit 4 (never 1) with the traceback in a file; Ctrl-C is 130,
SIGTERM 143, and an interrupted audit leaves the previous complete set of reports untouched."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import auditor.cli.audit as audit_cli
from auditor.cli import main
from auditor.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_TERMINATED

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "fixtures" / "sample" / "xml"


def _boom(*args, **kwargs):
    raise RuntimeError("deliberate failure for the test")


def test_internal_error_exits_4_with_one_chinese_line_and_a_traceback_file(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITOR_CRASH_DIR", str(tmp_path / "crashes"))
    monkeypatch.setattr(audit_cli, "run_job", _boom)
    result = CliRunner().invoke(main, ["audit", str(SAMPLE), "--as-of", "2026-11-25", "--out",
                                       str(tmp_path / "out"), "--no-history"])
    assert result.exit_code == EXIT_INTERNAL != 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("内部错误") and "RuntimeError" in lines[0]
    assert "Traceback" not in result.output
    (report,) = (tmp_path / "crashes").iterdir()
    assert str(report) in lines[0]
    text = report.read_text(encoding="utf-8")
    assert "Traceback" in text and "deliberate failure for the test" in text and "audit" in text


def test_keyboard_interrupt_exits_130_in_chinese(tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(audit_cli, "run_job", interrupted)
    result = CliRunner().invoke(main, ["audit", str(SAMPLE), "--as-of", "2026-11-25", "--out",
                                       str(tmp_path / "out"), "--no-history"])
    assert result.exit_code == EXIT_INTERRUPTED
    assert "已中断" in result.output and "Aborted" not in result.output


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _sigterm_handled(pid: int) -> bool:
    """True once the process has installed its own SIGTERM handler (auditor's main is running)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)))


def _as_at_a_terminal() -> None:
    """Ctrl-C reaches the audit as it would at a terminal: a shell's background job (`cmd &`, as some CI
    runners start the suite) inherits SIGINT ignored, and a program started so rightly keeps ignoring it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _audit(out: Path, as_of: str, **kwargs) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "auditor.cli", "audit", str(SAMPLE), "--as-of", as_of, "--out", str(out),
           "--no-history"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            preexec_fn=_as_at_a_terminal, **kwargs)


def _changed(root: Path, before: set[str]) -> bool:
    return any(str(p) not in before for p in root.rglob("*"))


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc to see the signal handler")
@pytest.mark.parametrize("sig, code", [(signal.SIGINT, EXIT_INTERRUPTED), (signal.SIGTERM, EXIT_TERMINATED)])
@pytest.mark.parametrize("phase", ["reading", "writing", "several-reports-written"])
def test_signal_mid_run_keeps_the_previous_reports(tmp_path, sig, code, phase):
    out = tmp_path / "reports"
    first = _audit(out, "2026-10-31")
    first.communicate(timeout=600)
    assert first.returncode in (0, 1)
    before = _snapshot(out)
    assert "findings.json" in before and "report.xlsx" in before
    paths_before = {str(p) for p in tmp_path.rglob("*")}

    run = _audit(out, "2026-11-25")
    deadline = time.monotonic() + 300
    while not _sigterm_handled(run.pid):
        assert run.poll() is None and time.monotonic() < deadline, "audit ended before it could be interrupted"
        time.sleep(0.005)
    if phase == "writing":  # wait for the first new file or folder: a report is being written
        while not _changed(tmp_path, paths_before):
            assert run.poll() is None and time.monotonic() < deadline, "audit ended before writing started"
            time.sleep(0.002)
    if phase == "several-reports-written":  # three new reports exist: a naive writer would leave a mix
        while len([p for p in tmp_path.rglob("*") if p.is_file() and str(p) not in paths_before]) < 3:
            assert run.poll() is None and time.monotonic() < deadline, "audit ended before three reports"
            time.sleep(0.002)
    run.send_signal(sig)
    _, err = run.communicate(timeout=300)
    err = err.decode("utf-8", "replace")
    assert run.returncode == code, err
    assert "Traceback" not in err
    assert _snapshot(out) == before, "the previous complete set of reports must stay as it was"
    leftovers = [p.name for p in tmp_path.rglob("*") if str(p) not in paths_before]
    assert not leftovers, f"partial files left behind: {leftovers}"
