"""A returned corrections workbook is input from outside too: crafted .xlsx files (an external entity or
an entity bomb inside the sheet or the workbook XML, not a zip, a zip without a workbook, a truncated
zip) are refused with InputError naming the file — never a traceback, never /etc/passwd."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from auditor.errors import InputError
from auditor.history.corrections import import_corrections

ENTITIES = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
PASSWD_MARKERS = ("root:x:0:0", "/bin/bash")


def _base(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "整改清单"
    ws.append(["问题编号", "整改状态", "备注"])
    ws.append(["abc", "整改中", "PLACEHOLDER"])
    wb.save(path)


def _rewrite(src: Path, dst: Path, member: str, edit) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, edit(data.decode("utf-8")).encode("utf-8") if item.filename == member else data)


def _with_doctype(root: str, subset: str, replace: tuple[str, str]):
    def edit(xml: str) -> str:
        body = xml[xml.index("?>") + 2:] if xml.startswith("<?xml") else xml
        return f'<?xml version="1.0"?><!DOCTYPE {root} [{subset}]>' + body.replace(*replace)
    return edit


def make(kind: str, d: Path) -> Path:
    base = d / "base.xlsx"
    _base(base)
    out = d / f"{kind}.xlsx"
    if kind == "xxe_in_sheet":
        _rewrite(base, out, "xl/worksheets/sheet1.xml", _with_doctype(
            "worksheet", '<!ENTITY x SYSTEM "file:///etc/passwd">', ("PLACEHOLDER", "&x;")))
    elif kind == "bomb_in_sheet":
        _rewrite(base, out, "xl/worksheets/sheet1.xml", _with_doctype("worksheet", ENTITIES, ("PLACEHOLDER", "&a9;")))
    elif kind == "bomb_in_workbook_xml":
        _rewrite(base, out, "xl/workbook.xml", _with_doctype("workbook", ENTITIES, ('name="整改清单"', 'name="&a9;"')))
    elif kind == "not_a_zip":
        out.write_text("问题编号,整改状态\nabc,整改中\n", encoding="utf-8")
    elif kind == "zip_without_workbook":
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("hello.txt", "hi")
    elif kind == "truncated_zip":
        data = base.read_bytes()
        out.write_bytes(data[: len(data) // 2])
    return out


KINDS = ["xxe_in_sheet", "bomb_in_sheet", "bomb_in_workbook_xml", "not_a_zip", "zip_without_workbook",
         "truncated_zip"]


@pytest.mark.parametrize("kind", KINDS)
def test_library_refuses(kind, tmp_path):
    path = make(kind, tmp_path)
    with pytest.raises(InputError) as info:
        import_corrections(path, tmp_path / "history.sqlite", on=date(2026, 11, 25), dry_run=True)
    assert info.value.file == str(path) and info.value.exit_code == 3
    assert not any(m in str(info.value) for m in PASSWD_MARKERS)


@pytest.mark.parametrize("kind", ["xxe_in_sheet", "bomb_in_workbook_xml"])
def test_cli_refuses(kind, tmp_path):
    path = make(kind, tmp_path)
    proc = subprocess.run([sys.executable, "-m", "auditor.cli", "corrections", "import", str(path), "--history",
                           str(tmp_path / "history.sqlite"), "--date", "2026-11-25", "--dry-run"],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 3, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and str(path) in proc.stderr
    assert not any(m in proc.stdout + proc.stderr for m in PASSWD_MARKERS)


def test_huge_cells_in_a_returned_workbook_are_quoted_as_excerpts(tmp_path):
    """A squad's workbook with a 1 MB 问题编号, 整改状态, 案件编号 and 备注: every row is rejected or
    imported, and no message quotes more than an excerpt of a cell (the report went to the terminal)."""
    from _history_factory import finding, result, write_corrections_workbook
    from auditor.history import record_run

    db = tmp_path / "history.sqlite"
    f = finding("R1", "C1", "一中队")
    record_run(db, result(date(2026, 10, 31), [f]))
    big = "整" * 1_000_000
    path = tmp_path / "returned.xlsx"
    write_corrections_workbook(path, {"一中队": [
        {"问题编号": big, "整改状态": "整改中"},
        {"问题编号": f.fingerprint, "整改状态": big},
        {"问题编号": f.fingerprint, "案件编号": big},
        {"问题编号": f.fingerprint, "整改状态": "整改中", "备注": big},
    ]})
    report = import_corrections(path, db, on=date(2026, 11, 25), dry_run=True)
    assert len(report.rejected) == 4 and not report.updated
    assert "备注过长" in report.rejected[3].reason
    for line in report.lines():
        assert len(line) < 400, line[:500]
