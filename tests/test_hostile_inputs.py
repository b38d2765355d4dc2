"""The hostile-input corpus (tests/hostile/corpus.py): each input, its asserted behaviour, one test id each.

In-process: the right loader for the input's kind must either raise an AuditorError with the expected
exit code, words and line, or return a load report whose counts are exact and reconcile (rows in =
loaded + rejected for every table), with each rejected row's line, field and reason. Through the CLI
(a subprocess, as a user runs it): the documented exit code (2 configuration, 3 input), the file named
in the message, and never "Traceback". Nothing from /etc/passwd ever shows up anywhere.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from auditor.errors import AuditorError
from hostile.corpus import (CLI_IDS, CORPUS, CSV_HEADER, FILES, PASSWD_MARKERS, ROW, Hostile, Loaded, Refused,
                            materialise)
from hostile.run import load

IDS = [h.id for h in CORPUS]
SLOW_SECONDS = 30  # the 50 MB inputs; everything else must be far quicker (see FAST_SECONDS)
FAST_SECONDS = 10
CLI = [sys.executable, "-m", "auditor.cli"]


def everything_said(result) -> str:
    """All text a load produced: loaded cells, rejected rows, warnings."""
    parts = [repr(r) for r in result.rejected] + [repr(w) for w in result.warnings]
    for frame in result.tables.values():
        parts.append(frame.astype(str).to_csv())
    return "\n".join(parts)


@pytest.mark.parametrize("h", CORPUS, ids=IDS)
def test_library_behaviour(h: Hostile, tmp_path, pack):
    path = materialise(h, tmp_path / "in")
    started = time.monotonic()
    if isinstance(h.expect, Refused):
        with pytest.raises(AuditorError) as info:
            load(h, path, pack)
        err = info.value
        assert err.exit_code == h.expect.exit, str(err)
        assert h.expect.words in str(err)
        assert err.file and Path(err.file).name == path.name, f"message must name the file: {err}"
        if h.expect.line is not None:
            assert err.line == h.expect.line, str(err)
        said = str(err)
        assert len(said) <= 600, "unknown input is quoted as a short excerpt, never whole"
    else:
        result = load(h, path, pack)
        exp: Loaded = h.expect
        for table, count in result.counts.items():
            assert count.rows_in == count.loaded + count.rejected, f"{table}: silent loss {count}"
            assert count.rows_in == exp.rows.get(table, 0), f"{table}: rows in {count}"
            assert count.loaded == exp.loaded.get(table, 0), f"{table}: loaded {count}"
            assert len(result.tables[table]) == count.loaded
        got = [(r.table, r.line, r.field, r.reason) for r in result.rejected]
        assert len(got) == len(exp.rejected), got
        for (table, line, fld, reason), (e_table, e_line, e_field, words) in zip(got, exp.rejected):
            assert (table, line, fld) == (e_table, e_line, e_field), got
            assert words in reason, got
        for r in result.rejected:  # in the file given, or in the folder given
            assert (Path(r.file).name == path.name or Path(r.file).parent == path) and r.line >= 1
            assert len(r.value) <= 81, "offending values are truncated in the load report"
        assert sorted({w.code for w in result.warnings}) == sorted(set(exp.warnings))
        for w in result.warnings:  # unknown input is quoted as a short excerpt, never whole
            assert len(w.message) <= 300 and len(w.field or "") <= 100, w.message[:500]
        assert [(Path(f.path).name, f.unread.line) for f in result.incomplete] == (
            [(path.name, exp.unread_line)] if exp.unread_line else []), "a partial read must be stated"
        for f in result.incomplete:
            assert 0 < f.unread.bytes <= f.unread.size and f.unread.offset + f.unread.bytes == f.unread.size
        for key, values in exp.values.items():
            table, column = key.split(".")
            assert tuple(result.tables[table][column]) == values
        said = everything_said(result)
    assert time.monotonic() - started < (SLOW_SECONDS if "50mb" in h.id else FAST_SECONDS)
    assert not any(m in said for m in PASSWD_MARKERS), "an external entity was resolved"


# --- the same inputs through the command line ----------------------------------------------------

def cli_args(h: Hostile, path: Path, work: Path) -> list[str]:
    ok = work / "ok" / "cases.csv"
    ok.parent.mkdir(parents=True, exist_ok=True)
    ok.write_text(CSV_HEADER + ROW.format(id="A1", name="张三"), encoding="utf-8")
    audit = ["audit", str(ok), "--as-of", "2026-11-25", "--no-history", "--format", "json",
             "--out", str(work / "out")]
    strict = ["--strict"] if isinstance(h.expect, Loaded) and h.expect.rejected else []
    return {
        "export": ["inspect", str(path), *strict, *(["--mapping", str(FILES / h.mapping)] if h.mapping else [])],
        "mapping": ["inspect", str(ok), "--mapping", str(path)],
        "rules": ["rules", "validate", str(path)],
        "district": [*audit, "--profile", str(path)],
        "calendar": [*audit, "--calendar", str(path)],
        "exceptions": [*audit, "--exceptions", str(path)],
    }[h.kind]


CLI_CASES = [h for h in CORPUS if h.id in CLI_IDS]


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    """Every CLI case, run as subprocesses two at a time (each pays the interpreter start-up)."""
    def run(h: Hostile):
        work = tmp_path_factory.mktemp(h.id)
        path = materialise(h, work / "in")
        proc = subprocess.run([*CLI, *cli_args(h, path, work)], capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
        return h.id, (path, proc)
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, CLI_CASES))


@pytest.mark.parametrize("h", CLI_CASES, ids=[h.id for h in CLI_CASES])
def test_cli_behaviour(h: Hostile, cli_runs):
    path, proc = cli_runs[h.id]
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output[-3000:]
    if isinstance(h.expect, Refused):
        assert proc.returncode == h.expect.exit, output[-2000:]
        assert path.name in proc.stderr and h.expect.words in proc.stderr, proc.stderr
        assert proc.stderr.startswith("错误: ")
    else:
        assert proc.returncode == (3 if h.expect.rejected else 0), output[-2000:]
        for _table, line, _field, _words in h.expect.rejected:  # the file given, or one in the folder given
            assert re.search(re.escape(str(path)) + rf"(/[^\s:]+)?:{line}\b", proc.stdout), proc.stdout[-2000:]
        if h.expect.unread_line:  # impossible to miss: the first lines of the summary say it
            assert proc.stdout.splitlines()[1].startswith(f"!! 文件未读完: {path}: 读取在第 {h.expect.unread_line} 行")
    assert "\x1b" not in output, "terminal escape sequences from the input reach the terminal"
    assert len(output) < 100_000, "unknown input is quoted as a short excerpt, never whole"
    assert not any(m in output for m in PASSWD_MARKERS)


def test_corpus_is_big_and_covers_every_kind():
    kinds = {h.kind for h in CORPUS}
    assert len(CORPUS) >= 50 and len(set(IDS)) == len(IDS)
    assert kinds == {"export", "rules", "district", "mapping", "calendar", "exceptions"}
    assert len(CLI_CASES) >= 40 and CLI_IDS <= set(IDS)
