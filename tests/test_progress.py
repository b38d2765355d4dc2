"""Progress: counts and an estimate on a terminal; nothing on a pipe or in CI unless asked."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner

from auditor import progress as progress_mod
from auditor.cli import main
from auditor.progress import Progress, current, progress


class _Tty(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("AUDITOR_PROGRESS", raising=False)
    monkeypatch.setattr(progress_mod, "FORCE", None)


def test_terminal_shows_counts_rate_and_time(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(progress_mod.time, "monotonic", lambda: now[0])
    tty = _Tty()
    with Progress(4000, "读取", stream=tty) as bar:
        now[0] = 2.0
        bar.advance(1000)  # 1,000 in 2 s: 3,000 left at 500/s
        now[0] = 4.0
        bar.advance(3000)
    out = tty.getvalue()
    assert "1,000/4,000" in out and "500/s" in out and "剩余约 6 秒" in out
    assert "4,000/4,000" in out and "用时 4 秒" in out and out.endswith("\n")


def test_bytes_and_steps_units():
    tty = _Tty()
    with Progress(3 * 2**20, "读取导出文件", stream=tty, unit="bytes") as bar:
        bar.advance(3 * 2**20)
    assert "3 MB/3 MB" in tty.getvalue() and "MB/s" in tty.getvalue()
    tty = _Tty()
    with Progress(2, "审计", stream=tty, unit="steps") as bar:
        bar.stage("审计：生成问题")
        bar.advance(2)
    assert "审计：生成问题" in tty.getvalue() and "2/2" in tty.getvalue() and "/s" not in tty.getvalue()


def test_silent_on_a_pipe_and_in_ci(monkeypatch):
    pipe = io.StringIO()
    with Progress(10, "x", stream=pipe) as bar:
        bar.advance(10)
    assert pipe.getvalue() == ""
    monkeypatch.setenv("CI", "true")
    tty = _Tty()
    with Progress(10, "x", stream=tty) as bar:
        bar.advance(10)
    assert tty.getvalue() == ""


def test_asked_for_on_a_pipe(monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("AUDITOR_PROGRESS", "1")
    pipe = io.StringIO()
    with Progress(10, "x", stream=pipe) as bar:
        bar.advance(10)
    assert "10/10" in pipe.getvalue()
    monkeypatch.setenv("AUDITOR_PROGRESS", "0")
    tty = _Tty()
    with Progress(10, "x", stream=tty) as bar:
        bar.advance(10)
    assert tty.getvalue() == ""


def test_current_is_the_innermost_open_bar():
    assert not current().enabled
    current().advance(5)  # no bar open: a silent stand-in
    with progress(10, "outer", stream=io.StringIO()) as outer:
        assert current() is outer
        with progress(10, "inner", stream=io.StringIO()) as inner:
            current().advance(3)
        assert current() is outer and inner.done == 3 and outer.done == 0
    assert not current().enabled


def _stderr_of(args, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, args, catch_exceptions=False)
    return result


def test_cli_progress_flag_draws_every_long_step(tmp_path, capfd):
    out = tmp_path / "gen"
    runner = CliRunner()
    res = runner.invoke(main, ["--progress", "generate", "--cases", "40", "--seed", "3", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "生成案件" in res.output and "40/40" in res.output
    res = runner.invoke(main, ["--progress", "audit", str(out / "xml"), "--as-of", "2026-11-25",
                               "--out", str(tmp_path / "reports"), "--history", str(tmp_path / "h.sqlite")])
    assert res.exit_code in (0, 1), res.output
    for step in ("读取导出文件", "审计 40 件案件", "写报告 report.html", "记入历史库"):
        assert step in res.output, step
    res = runner.invoke(main, ["generate", "--cases", "40", "--seed", "3", "--out", str(tmp_path / "quiet")])
    assert res.exit_code == 0 and "生成案件" not in res.output  # CliRunner's streams are not terminals
