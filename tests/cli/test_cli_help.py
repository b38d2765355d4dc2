"""The command line's own words: Chinese by default, English on request, and every help example runs."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.cli.help_en import COMMANDS, EXAMPLE_MARKERS, english_for_option, walk
from auditor.cli.lang import choose_language

REPO = Path(__file__).resolve().parents[2]


def _run(args, env=None):
    return CliRunner().invoke(main, args, prog_name="auditor", env=env or {"AUDITOR_LANG": "", "LANG": "", "LC_ALL": "",
                                                       "LC_MESSAGES": ""})


def test_help_is_chinese_by_default_with_clicks_own_words():
    out = _run(["--help"]).output
    assert out.startswith("用法: auditor") and "选项:" in out and "命令:" in out
    assert "Usage:" not in out and "Show this message" not in out
    err = _run(["audit", "--no-such-flag"])
    assert err.exit_code == 2
    assert "错误: 没有选项" in err.output and "Error" not in err.output


@pytest.mark.parametrize("args, zh, en", [
    (["generate", "--cases", "abc", "--out", "x"], "'abc' 不是有效的整数。", "is not a valid integer range"),
    (["generate", "--cases", "5", "--violation-scale", "x", "--out", "x"], "'x' 不是有效的数值。",
     "is not a valid float range"),
])
def test_a_bad_number_is_named_in_the_language_of_the_command_line(args, zh, en):
    err = _run(args)
    assert err.exit_code == 2 and zh in err.output and "range" not in err.output, err.output
    env = {"AUDITOR_LANG": "en", "LANG": "", "LC_ALL": "", "LC_MESSAGES": ""}
    assert en in _run(args, env).output


@pytest.mark.parametrize("how", ["flag", "flag-after", "AUDITOR_LANG", "LANG"])
def test_english_on_request(how):
    env = {"AUDITOR_LANG": "", "LANG": "", "LC_ALL": "", "LC_MESSAGES": ""}
    args = ["audit", "--help"]
    if how == "flag":
        args = ["--lang", "en", "audit", "--help"]
    elif how == "flag-after":
        args = ["audit", "--lang", "en", "--help"]
    else:
        env[how] = "en_US.UTF-8"
    out = _run(args, env).output
    assert out.startswith("Usage: auditor audit") and "Options:" in out
    assert "Audit date" in out and "审计基准日" not in out
    # and back: the next command line in the same process is Chinese again
    assert _run(["audit", "--help"]).output.startswith("用法:")


def test_language_choice_order():
    assert choose_language(["audit", "--lang", "en"], {}) == "en"
    assert choose_language(["audit", "--lang=zh"], {"LANG": "en_US.UTF-8"}) == "zh"
    assert choose_language([], {"AUDITOR_LANG": "zh", "LANG": "en_US.UTF-8"}) == "zh"
    assert choose_language([], {"LANG": "C.UTF-8"}) == "zh"
    assert choose_language([], {}) == "zh"


# `serve` runs until stopped; its example is run on loopback by the board's own CLI test.
SERVES_UNTIL_STOPPED = {"serve"}


def _commands():
    return list(walk(main))


def test_every_command_and_option_has_english_help():
    missing = []
    for path, command in _commands():
        if path and " ".join(path) not in COMMANDS:
            missing.append(" ".join(path))
        for param in command.params:
            if isinstance(param, click.Option) and not english_for_option(path, param):
                missing.append(" ".join(path + (param.opts[0],)))
    assert not missing, f"no English help for: {missing}"


def test_every_command_has_a_chinese_example():
    for path, command in _commands():
        if isinstance(command, click.Group) and path:
            continue
        text = command.help or ""
        assert any(m in text for m in EXAMPLE_MARKERS), f"{' '.join(path) or 'auditor'} has no example"


def _examples() -> list[list[str]]:
    found = []
    for path, command in _commands():
        text = command.help or ""
        for marker in EXAMPLE_MARKERS:
            if marker in text:
                for line in text[text.index(marker) + len(marker):].splitlines():
                    line = line.strip()
                    if line.startswith("auditor "):
                        found.append(shlex.split(line)[1:])
    unique = []
    for args in found:
        if args not in unique:
            unique.append(args)
    order = ["generate", "audit", "explain", "inspect", "rules", "history", "corrections", "monthly",
             "sample-review", "users"]
    return sorted(unique, key=lambda a: order.index(a[0]) if a[0] in order else len(order))


@pytest.mark.slow
def test_every_help_example_runs_as_written(tmp_path, monkeypatch):
    """Each example, verbatim, on the bundled sample in a scratch folder holding what examples name."""
    shutil.copytree(REPO / "fixtures", tmp_path / "fixtures")
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    # Two recorded runs, so that the history examples (compare 1 2, items, trend) have something to show.
    for as_of in ("2026-10-31", "2026-11-25"):
        r = runner.invoke(main, ["audit", "fixtures/sample/xml", "--as-of", as_of, "--out", f"runs/{as_of}",
                                 "--history", "auditor-history.sqlite", "--format", "json"])
        assert r.exit_code in (0, 1), r.output
    examples = [a for a in _examples() if a[0] not in SERVES_UNTIL_STOPPED]
    assert len(examples) >= 15
    for args in examples:
        typed = "示例口令-Example-2026\n" * 2 if args[:1] == ["users"] else None  # the password prompt
        result = runner.invoke(main, args, input=typed)
        allowed = (0, 1) if args[0] in ("audit",) else (0,)
        assert result.exit_code in allowed, f"auditor {shlex.join(args)} exited {result.exit_code}:\n{result.output}"
        assert "Traceback" not in result.output


def test_version_names_package_and_rule_pack():
    from auditor import __version__
    from auditor.rules.loader import load_rule_pack
    from auditor.packdata import default_pack_path

    out = _run(["--version"]).output.strip()
    assert out.startswith(f"auditor {__version__}")
    assert load_rule_pack(default_pack_path()).version in out
