"""ingest/xml_split.py: a file read in two processes gives exactly the outcome of one pass.

Every XML file here is loaded twice, split (the size threshold lowered so that even small files are
split) and in one pass, and the tables, rejections, warnings, counts and file records must be equal,
or both loads refused alike. Each test also says which way the split went (the helper's part used,
refused, or the file read again), so that none passes without taking the path it is about.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from auditor.errors import AuditorError
from auditor.generate import generate_export
from auditor.ingest import Limits, load_exports, xml_split
from auditor.ingest import xml as xml_reader

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = sorted((ROOT / "tests" / "hostile" / "files").glob("*.xml"))
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


@pytest.fixture
def ways(monkeypatch):
    """Which way each split went: 'used', 'refused' (main read the rest) or 'retry' (one pass again)."""
    seen: list[str] = []
    merge, usable = xml_reader._merge, xml_reader._usable

    def spy_usable(got):
        ok = usable(got)
        seen.append("accepted" if ok else "refused")
        return ok

    def spy_merge(split, top, buffers):
        try:
            merge(split, top, buffers)
        except xml_split.Retry:
            seen.append("retry")
            raise
        seen.append("used")
    monkeypatch.setattr(xml_reader, "_usable", spy_usable)
    monkeypatch.setattr(xml_reader, "_merge", spy_merge)
    monkeypatch.setattr(xml_split, "_cores", lambda: 2)
    return seen


def _outcome(path, limits):
    try:
        return load_exports(path, limits=limits), None
    except AuditorError as exc:
        return None, (type(exc), str(exc), exc.exit_code)


def load_both(path, monkeypatch, limits=None):
    """Split and one-pass loads of `path`; asserts they are identical, returns the split one (or None)."""
    limits = limits or Limits()
    monkeypatch.setattr(xml_split, "MIN_BYTES", 1 << 62)
    one, one_err = _outcome(path, limits)
    monkeypatch.setattr(xml_split, "MIN_BYTES", 0)
    two, two_err = _outcome(path, limits)
    assert two_err == one_err
    if one is None:
        return None
    assert two.rejected == one.rejected
    assert two.warnings == one.warnings
    assert two.counts == one.counts
    assert two.files == one.files
    for table in one.tables:
        pd.testing.assert_frame_equal(two.tables[table], one.tables[table])
    return two


def _case(cid: str, extra: str = "") -> str:
    return f"<case>\n  <case_id>{cid}</case_id>\n  <squad>一中队</squad>\n{extra}</case>\n"


def _write(tmp_path, body: str, root: str = "cases") -> Path:
    path = tmp_path / f"{root}.xml"
    path.write_text(f'{HEAD}<{root} system="网上办案系统">\n{body}</{root}>\n', encoding="utf-8")
    return path


def test_generated_export_split_in_two_equals_one_pass(tmp_path, monkeypatch, ways):
    generate_export(tmp_path, cases=300, seed=7, forms=("xml",))
    for name in ("cases.xml", "disclosures.xml"):
        got = load_both(tmp_path / "xml" / name, monkeypatch)
        assert got.counts["cases" if name == "cases.xml" else "disclosures"].loaded > 0
    assert ways == ["accepted", "used", "accepted", "used"]
    plan = xml_split.plan(tmp_path / "xml" / "cases.xml")
    first = plan.path.read_bytes()[plan.offset:plan.offset + 7]
    assert first == b"<case>\n" and plan.lines_before == plan.path.read_bytes()[:plan.offset].count(b"\n")


def test_rejections_in_the_second_half_keep_their_lines(tmp_path, monkeypatch, ways):
    body = "".join(_case(f"C{i}", "  <filing_date>2025-02-30</filing_date>\n" if i in (3, 37) else
                         "  <recordings><recording><case_id>X</case_id></recording></recordings>\n" if i == 38
                         else "") for i in range(40))
    path = _write(tmp_path, body)
    lines = path.read_text(encoding="utf-8").splitlines()

    def line_of(text: str) -> int:
        return lines.index(text) + 1
    got = load_both(path, monkeypatch)
    assert ways == ["accepted", "used"]
    assert [(r.table, r.line, r.field) for r in got.rejected] == [
        ("cases", line_of("  <case_id>C3</case_id>") - 1, "filing_date"),
        ("cases", line_of("  <case_id>C37</case_id>") - 1, "filing_date"),
        ("recordings", line_of("  <recordings><recording><case_id>X</case_id></recording></recordings>"), "case_id")]
    assert got.rejected[1].line > xml_split.plan(path).lines_before  # read by the helper


@pytest.mark.parametrize("second_half, way", [
    ("<bogus>x</bogus>\n", "refused"),  # a warning: said once per file, so the main process reads on
    ("<case><case_id>C99</case_id></case\n", "refused"),  # broken: one pass reports where it broke
    ('<case><case_id a="1">C99</case_id></case>\n', "accepted"),  # a schema rejection stands alone
])
def test_second_half_that_needs_the_first_is_read_by_the_main_process(tmp_path, monkeypatch, ways,
                                                                       second_half, way):
    body = ("".join(_case(f"C{i}") for i in range(55)) + second_half  # after the split, near the end
            + "".join(_case(f"D{i}") for i in range(5)))
    load_both(_write(tmp_path, body), monkeypatch)
    assert ways[0] == way


def test_split_inside_a_comment_is_read_again_in_one_pass(tmp_path, monkeypatch, ways):
    fake = "".join(_case(f"F{i}") for i in range(40))
    body = _case("C1") + f"<!--\n{fake}-->\n" + _case("C2")
    got = load_both(_write(tmp_path, body), monkeypatch)
    assert list(got.tables["cases"]["case_id"]) == ["C1", "C2"]
    assert "retry" in ways or ways == ["refused"]


def test_row_limit_reached_across_the_split_raises_at_the_same_row(tmp_path, monkeypatch, ways):
    body = "".join(_case(f"C{i}") for i in range(60))
    path = _write(tmp_path, body)
    assert load_both(path, monkeypatch, Limits(max_rows=50)) is None  # refused alike, split or not
    assert "retry" in ways
    with pytest.raises(AuditorError) as err:  # still split (MIN_BYTES 0)
        load_exports(path, limits=Limits(max_rows=50))
    assert err.value.line == 3 + 4 * 50  # the 51st case


def test_small_files_and_other_encodings_are_not_split(tmp_path, monkeypatch):
    monkeypatch.setattr(xml_split, "_cores", lambda: 2)
    body = "".join(_case(f"C{i}") for i in range(30))
    path = _write(tmp_path, body)
    assert xml_split.plan(path) is None  # below MIN_BYTES
    monkeypatch.setattr(xml_split, "MIN_BYTES", 0)
    assert xml_split.plan(path) is not None
    gbk = tmp_path / "gbk.xml"
    gbk.write_bytes(f'<?xml version="1.0" encoding="GBK"?>\n<cases>\n{body}</cases>\n'.encode("gbk"))
    doctype = tmp_path / "doctype.xml"
    doctype.write_text(f'{HEAD}<!DOCTYPE cases>\n<cases>\n{body}</cases>\n', encoding="utf-8")
    assert xml_split.plan(gbk) is None and xml_split.plan(doctype) is None
    monkeypatch.setattr(xml_split, "_cores", lambda: 1)
    assert xml_split.plan(path) is None


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.name)
def test_hostile_files_same_split_or_not(path, monkeypatch, ways):
    load_both(path, monkeypatch)


def test_one_process_when_limits_say_so(tmp_path, monkeypatch, ways):
    monkeypatch.setattr(xml_split, "MIN_BYTES", 0)
    path = _write(tmp_path, "".join(_case(f"C{i}") for i in range(40)))
    one = load_exports(path, limits=Limits(processes=1))
    assert ways == [] and len(one.tables["cases"]) == 40
    two = load_exports(path, limits=Limits(processes=2))
    assert ways == ["accepted", "used"] and two.counts == one.counts
    with pytest.raises(ValueError):
        Limits(processes=3)


def test_a_late_helper_is_given_up_and_the_main_process_reads_on(tmp_path, monkeypatch, ways):
    monkeypatch.setattr(xml_split.Split, "start", lambda self, work: _silent_helper(self))
    monkeypatch.setattr(xml_split, "PATIENCE", 0.2)
    got = load_both(_write(tmp_path, "".join(_case(f"C{i}") for i in range(40))), monkeypatch)
    assert ways == [] and len(got.tables["cases"]) == 40  # never asked: the helper did not answer


def _silent_helper(split):
    """A helper that never answers (as one stuck in a lock would): the pipe stays open and empty."""
    import multiprocessing

    split.conn, split._keep = multiprocessing.Pipe(duplex=False)
    split.started = time.monotonic()
    split.process = None


def test_no_helper_inside_a_threaded_host(tmp_path, monkeypatch):
    import threading

    monkeypatch.setattr(xml_split, "_cores", lambda: 2)
    monkeypatch.setattr(xml_split, "MIN_BYTES", 0)
    path = _write(tmp_path, "".join(_case(f"C{i}") for i in range(40)))
    assert xml_split.plan(path) is not None
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert xml_split.plan(path) is None
    finally:
        stop.set()
        other.join()
