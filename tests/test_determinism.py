"""Same inputs + same as-of date → byte-identical machine output.

A generated district (with a few broken rows appended, so the load report has rejections and
duplicates to order) is audited twice in-process and twice through `auditor audit` in fresh
interpreters with different hash seeds (set and dict order must not leak into the output); every
findings.json must be the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys

import pytest

from auditor.api import AuditConfig, run_audit
from auditor.generate import DEFAULT_AS_OF, generate_export
from auditor.report import write_json

AS_OF = DEFAULT_AS_OF


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    root = tmp_path_factory.mktemp("district")
    generate_export(root, 60, 11, violation_rate=0.3)
    path = root / "csv" / "cases.csv"
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    date_col, fine_col = header.index("立案日期"), header.index("罚款金额（元）")
    extra = [list(rows[1]), list(rows[2]), list(rows[3])]  # a duplicate id, a bad date, a bad amount
    extra[1][0], extra[1][date_col] = "BROKEN-1", "2025-02-30"
    extra[2][0], extra[2][fine_col] = "BROKEN-2", "一千"
    with open(path, "a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(extra)
    return root


def audit_json(exports, out, engine: str = "vectorized") -> bytes:
    result = run_audit(AuditConfig(exports=tuple(str(e) for e in exports), as_of=AS_OF, engine=engine))
    write_json(result, out)
    return out.read_bytes()


def test_two_runs_in_process_are_byte_identical(export, tmp_path):
    first = audit_json([export / "csv"], tmp_path / "a.json")
    second = audit_json([export / "csv"], tmp_path / "b.json")
    assert first == second
    text = first.decode("utf-8")
    for words in ("2025-02-30", "一千", "案件编号重复"):  # the load report is part of what must be stable
        assert words in text
    assert AS_OF.isoformat() in text


def test_xml_form_is_stable_too(export, tmp_path):
    assert audit_json([export / "xml"], tmp_path / "a.json") == audit_json([export / "xml"], tmp_path / "b.json")


def _cli(export, out, seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    proc = subprocess.run(
        [sys.executable, "-m", "auditor.cli", "audit", str(export / "csv"), "--as-of", AS_OF.isoformat(),
         "--format", "json", "--no-history", "--out", str(out), "--fail-on", "提示"],
        capture_output=True, text=True, timeout=300, env=env, stdin=subprocess.DEVNULL)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    return (out / "findings.json").read_bytes()


def test_fresh_interpreters_with_different_hash_seeds_agree(export, tmp_path):
    a = _cli(export, tmp_path / "a", "1")
    b = _cli(export, tmp_path / "b", "4242")
    assert a == b, (hashlib.sha256(a).hexdigest(), hashlib.sha256(b).hexdigest())
    # ...and the CLI writes what the library writes (no timestamp, no path of the output folder).
    assert a == audit_json([export / "csv"], tmp_path / "lib.json")


def _findings_lines(doc: bytes) -> list[bytes]:
    lines = doc.splitlines()
    start = lines.index(b'  "findings": [')
    end = next(i for i in range(start, len(lines)) if lines[i].strip() in (b"],", b"]"))
    return lines[start + 1:end]


@pytest.mark.parametrize("form", ["csv", "xml"])
def test_both_evaluators_write_the_same_findings(export, tmp_path, form):
    vectorized = audit_json([export / form], tmp_path / "v.json")
    rete = audit_json([export / form], tmp_path / "r.json", engine="rete")
    lines = _findings_lines(vectorized)
    assert lines and lines == _findings_lines(rete)  # the findings, byte for byte
    a, b = json.loads(vectorized), json.loads(rete)
    assert (a["metadata"].pop("engine"), b["metadata"].pop("engine")) == ("vectorized", "rete")
    assert a == b  # and everything else too, but for the engine's name
