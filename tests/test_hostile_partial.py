"""An export that cannot be read to its end is impossible to miss (issue: one undecodable byte mid-file).

Without --accept-partial the audit refuses (exit 3) before any report or history is written, naming the
file, the line where reading stopped and the bytes left unread. With the flag, every report says it:
the first notice, the headline of the HTML report, the JSON inputs; the history store is not touched
(cases never read would look resolved).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.api import AuditConfig
from auditor.errors import InputError
from auditor.job import AuditJob, run_job
from hostile.corpus import FILES

AS_OF = dt.date(2026, 11, 25)


@pytest.fixture
def export(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FILES / "xml_undecodable_mid_file.xml", folder / "cases.xml")
    return folder


def job(export: Path, out: Path, **kw) -> AuditJob:
    return AuditJob(config=AuditConfig(exports=(export,), as_of=AS_OF), out_dir=out, formats=("json", "html"),
                    history=out.parent / "history.sqlite", **kw)


def test_partial_read_is_refused_before_anything_is_written(export, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(InputError) as info:
        run_job(job(export, out))
    message = str(info.value)
    assert info.value.exit_code == 3
    size = (export / "cases.xml").stat().st_size
    assert "cases.xml: 读取在第 5 行" in message and f"全文件 {size} 字节" in message
    assert "--accept-partial" in message
    assert not out.exists() and not (tmp_path / "history.sqlite").exists()


def test_accepted_partial_read_is_stated_in_every_report_and_not_recorded(export, tmp_path):
    out = tmp_path / "out"
    outcome = run_job(job(export, out, accept_partial=True))
    assert outcome.exit_code in (0, 1)
    assert outcome.result.notices[0].code == "partial_read"
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert doc["notices"][0]["code"] == "partial_read"
    unread = doc["metadata"]["inputs"][0]["unread"]
    assert unread["line"] == 5 and unread["offset"] + unread["bytes"] == unread["size"] > unread["bytes"] > 3000
    assert doc["load"]  # the counts still reconcile: 3 rows in = 2 loaded + 1 rejected (the unread rest)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="partial-read"' in html and html.index('data-code="partial_read"') < html.index('id="headline"')
    assert not (tmp_path / "history.sqlite").exists()
    assert any("未记入历史库" in n for n in outcome.notes)


def test_cli_refuses_with_exit_3_and_the_flag_audits_with_the_warning_first(export, tmp_path):
    cli = [sys.executable, "-m", "auditor.cli", "audit", str(export), "--as-of", "2026-11-25", "--no-history",
           "--format", "json", "--out", str(tmp_path / "out")]
    refused = subprocess.run(cli, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 3, refused.stderr
    assert refused.stderr.startswith("错误: ") and "未能读取" in refused.stderr and "Traceback" not in refused.stderr
    accepted = subprocess.run([*cli, "--accept-partial"], capture_output=True, text=True, timeout=120)
    assert accepted.returncode in (0, 1), accepted.stderr
    assert accepted.stdout.startswith(f"!! 文件未读完: {export / 'cases.xml'}: 读取在第 5 行")
    inspect = subprocess.run([sys.executable, "-m", "auditor.cli", "inspect", str(export)], capture_output=True,
                             text=True, timeout=120)
    assert inspect.returncode == 3 and "--accept-partial" in inspect.stderr
