"""A run's reports appear together or not at all (auditor.report.publish).

Every run writes into a staging folder beside --out and switches it in; the run marker says which run
produced the folder. A failed, interrupted or killed run leaves the previous complete set byte for byte,
and a folder holding anything that is not an auditor report is never replaced.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import auditor.report as report
from _report_factory import small_result
from auditor.errors import UsageError
from auditor.report import RUN_MARKER, read_marker, write_reports

ROOT = Path(__file__).resolve().parents[2]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def test_the_marker_names_the_run_and_every_file_of_the_set(tmp_path):
    out = tmp_path / "reports"
    written = write_reports(small_result(), out, ["json", "csv", "html"], run_id="20261125T000000Z-1-0000abcd")
    marker = read_marker(out)
    assert marker["run"] == "20261125T000000Z-1-0000abcd" and marker["as_of"] == "2026-11-25"
    assert marker["formats"] == ["json", "csv", "html"] and marker["complete_inputs"] is True
    listed = {f["path"]: f for f in marker["files"]}
    assert sorted(listed) == sorted(p.relative_to(out).as_posix() for p in written)
    for path in written:
        entry = listed[path.relative_to(out).as_posix()]
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest() and entry["bytes"] == path.stat().st_size
    assert leftovers(tmp_path) == []


def test_a_second_run_replaces_the_whole_set(tmp_path):
    out = tmp_path / "reports"
    write_reports(small_result(), out, ["json", "html", "xlsx"])
    first = read_marker(out)["run"]
    write_reports(small_result(), out, ["json"])
    assert sorted(p.name for p in out.iterdir()) == sorted(["findings.json", RUN_MARKER])  # no stale html/xlsx
    assert read_marker(out)["run"] != first
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk_full", "ctrl_c"])
def test_a_run_that_fails_midway_leaves_the_previous_set_untouched(tmp_path, monkeypatch, failure):
    out = tmp_path / "reports"
    write_reports(small_result(), out, ["json", "csv", "html"])
    before = snapshot(out)

    def broken(result, path, **kwargs):
        Path(path).write_bytes(b"half a workbook")
        raise failure
    monkeypatch.setitem(report.FORMATS, "xlsx", report.Format(broken, "report.xlsx"))
    with pytest.raises((UsageError, KeyboardInterrupt)) as info:
        write_reports(small_result(), out, ["json", "xlsx", "html"])
    if isinstance(failure, OSError):
        assert "磁盘空间不足" in str(info.value) and "原有报告未改动" in str(info.value)
        assert str(out / "report.xlsx") in str(info.value)  # the report's own name, not the staging path
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_a_killed_run_leaves_the_previous_set_and_the_next_run_clears_its_staging(tmp_path):
    out = tmp_path / "reports"
    write_reports(small_result(), out, ["json", "csv"])
    before = snapshot(out)
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT / "tests")!r})
        import auditor.report as report
        from _report_factory import small_result

        def die(result, path, **kwargs):
            open(path, "wb").write(b"partial")
            os.kill(os.getpid(), signal.SIGKILL)
        report.FORMATS["html"] = report.Format(die, "report.html")
        report.write_reports(small_result(), {str(out)!r}, ["json", "csv", "html"])
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(out) == before
    stale = leftovers(tmp_path)
    assert len(stale) == 1 and stale[0].startswith(".reports.staging-")
    write_reports(small_result(), out, ["json"])
    assert leftovers(tmp_path) == []


def test_a_folder_with_other_files_is_never_replaced(tmp_path):
    out = tmp_path / "desk"
    out.mkdir()
    (out / "工作计划.docx").write_bytes(b"not ours")
    (out / "findings.json").write_text("{}", encoding="utf-8")
    with pytest.raises(UsageError) as info:
        write_reports(small_result(), out, ["json"])
    assert "不是 auditor 报告的文件" in str(info.value) and "工作计划.docx" in str(info.value)
    assert info.value.exit_code == 2
    assert snapshot(out) == {"工作计划.docx": b"not ours", "findings.json": b"{}"}
    assert leftovers(tmp_path) == []


def test_the_working_directory_is_never_the_output_folder(tmp_path, monkeypatch):
    out = tmp_path / "reports"
    write_reports(small_result(), out, ["json"])
    monkeypatch.chdir(out)
    with pytest.raises(UsageError, match="当前工作目录"):
        write_reports(small_result(), ".", ["json"])


def test_a_folder_written_before_the_marker_existed_is_replaced(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    for name in ("findings.json", "report.html", "warnings.csv", ".report.xlsx.k2j3.tmp"):
        (out / name).write_text("old", encoding="utf-8")
    (out / "report_pages").mkdir()
    write_reports(small_result(), out, ["json"])
    assert sorted(p.name for p in out.iterdir()) == ["auditor-run.json", "findings.json"]


def test_a_symlinked_output_folder_keeps_its_link(tmp_path):
    real = tmp_path / "real"
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    written = write_reports(small_result(), link, ["json"])
    assert link.is_symlink() and (real / "findings.json").is_file()
    assert json.loads(written[0].read_text("utf-8"))["as_of"] == "2026-11-25"


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir()
    if os.geteuid() != 0:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True).returncode == 0


def test_a_really_full_disk_keeps_the_previous_set(tmp_path, monkeypatch):
    """On a real full filesystem (a small tmpfs when the test may mount one; otherwise the zip writer
    under xlsxwriter is made to fail with ENOSPC the way a full disk makes it fail)."""
    disk = tmp_path / "disk"
    mounted = _mount_tmpfs(disk, "2m")
    try:
        out = disk / "reports"
        write_reports(small_result(), out, ["json"])
        before = snapshot(out)
        if mounted:
            filler = disk / "filler"
            fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
            try:
                while True:
                    os.write(fd, b"\0" * 4096)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
            finally:
                os.close(fd)
            os.truncate(filler, max(0, filler.stat().st_size - 24 * 1024))  # room for the marker, not a workbook
        else:
            import zipfile

            def full(*args, **kwargs):
                raise OSError(errno.ENOSPC, "No space left on device")
            monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
        with pytest.raises(UsageError) as info:
            write_reports(small_result(), out, ["json", "xlsx", "html"])
        assert "磁盘空间不足" in str(info.value) and "report.xlsx" in str(info.value)
        assert snapshot(out) == before
        assert leftovers(disk) == []
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(disk)], check=True)  # lazy: a failed writer may still hold a file
