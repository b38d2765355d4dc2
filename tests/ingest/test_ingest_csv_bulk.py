"""The pyarrow CSV path gives exactly what the csv-module reader gives, or is not taken at all."""

from __future__ import annotations

import io

import pandas as pd
import pytest

import auditor.ingest.csv as csv_reader
from auditor.errors import InputError
from auditor.generate import generate_export
from auditor.ingest import load_exports
from auditor.ingest.csv_bulk import plain_lines
from auditor.ingest.limits import Limits


def _both(paths, **kw):
    """(bulk result, csv-module result, whether the bulk path read anything)."""
    taken = []
    real = csv_reader.read_bulk

    def spy(*a, **k):
        rows = real(*a, **k)
        taken.append(rows is not None)
        return rows

    csv_reader.read_bulk = spy
    try:
        fast = load_exports(paths, **kw)
    finally:
        csv_reader.read_bulk = lambda *a, **k: None
    try:
        slow = load_exports(paths, **kw)
    finally:
        csv_reader.read_bulk = real
    return fast, slow, taken


def _same(fast, slow):
    for table in slow.tables:
        pd.testing.assert_frame_equal(fast.tables[table], slow.tables[table], check_exact=True)
    assert fast.rejected == slow.rejected
    assert fast.warnings == slow.warnings
    assert fast.counts == slow.counts
    assert [(f.path, f.sha256, f.rows, f.encoding) for f in fast.files] == \
        [(f.path, f.sha256, f.rows, f.encoding) for f in slow.files]


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen")
    generate_export(out, 300, 11, violation_rate=0.5, forms=("csv",))
    return out / "csv"


def test_generated_export_read_in_bulk_identically(export):
    fast, slow, taken = _both([export])
    assert taken == [True, True, True]  # cases, disclosures, recordings: all plain
    assert len(fast.tables["cases"]) == 300 and len(fast.tables["recordings"]) > 300
    _same(fast, slow)


def _edit(export, tmp_path, change):
    out = tmp_path / "csv"
    out.mkdir()
    for p in export.iterdir():
        (out / p.name).write_bytes(p.read_bytes())
    path = out / "cases.csv"
    lines = path.read_bytes().split(b"\r\n")
    path.write_bytes(change(lines))
    return out


@pytest.mark.parametrize("name, change, plain", [
    ("blank-celled row skipped", lambda ls: b"\r\n".join(ls[:5] + [b"," * ls[0].count(b",")] + ls[5:]), True),
    ("row without a case id rejected", lambda ls: b"\r\n".join(ls[:3] + [b"," + ls[3].split(b",", 1)[1]] + ls[4:]),
     True),
    ("no line end at the end", lambda ls: b"\r\n".join(ls).rstrip(b"\r\n"), True),
    ("LF line ends", lambda ls: b"\n".join(ls), True),
    ("quoted field", lambda ls: b"\r\n".join(ls[:2] + [ls[2].replace(b",", b',"', 1).replace(b",", b'",', 2)] + ls[3:]),
     False),
    ("blank line", lambda ls: b"\r\n".join(ls[:4] + [b""] + ls[4:]), False),
    ("short row", lambda ls: b"\r\n".join(ls[:4] + [ls[4].rsplit(b",", 1)[0]] + ls[5:]), False),
    ("long row", lambda ls: b"\r\n".join(ls[:4] + [ls[4] + b",x"] + ls[5:]), False),
    ("bare CR", lambda ls: b"\r\n".join(ls[:4] + [ls[4].replace(b",", b",\r", 1)] + ls[5:]), False),
    ("GB18030", lambda ls: b"\r\n".join(ls).decode("utf-8-sig").encode("gb18030"), False),
])
def test_edge_files_identical_either_way(export, tmp_path, name, change, plain):
    folder = _edit(export, tmp_path, change)
    fast, slow, taken = _both([folder / "cases.csv"])
    assert taken == ([True] if plain else [False] * len(taken)), name
    _same(fast, slow)


def test_rejected_row_keeps_its_line(export, tmp_path):
    folder = _edit(export, tmp_path, lambda ls: b"\r\n".join(ls[:7] + [b"," + ls[7].split(b",", 1)[1]] + ls[8:]))
    fast, _, taken = _both([folder / "cases.csv"])
    assert taken == [True] and [(r.line, r.field) for r in fast.rejected] == [(8, "case_id")]


def test_row_limit_names_the_same_line(export):
    errors = []
    real = csv_reader.read_bulk
    for bulk in (True, False):
        if not bulk:
            csv_reader.read_bulk = lambda *a, **k: None
        try:
            with pytest.raises(InputError) as exc:
                load_exports([export / "cases.csv"], limits=Limits(max_rows=100))
            errors.append((exc.value.line, str(exc.value)))
        finally:
            csv_reader.read_bulk = real
    assert errors[0] == errors[1] and errors[0][0] == 102  # header on line 1, row 101 on line 102


def test_plain_lines_counts_or_refuses():
    assert plain_lines(io.BytesIO(b"a,b\r\nc,d\r\n"), 2, ",") == 2
    assert plain_lines(io.BytesIO(b"a,b\nc,d"), 2, ",") == 2
    assert plain_lines(io.BytesIO(b"a,b\n\nc,d\n"), 2, ",") is None
    assert plain_lines(io.BytesIO(b'a,"b"\n'), 2, ",") is None
    assert plain_lines(io.BytesIO(b"a,b,c\n"), 2, ",") is None
    assert plain_lines(io.BytesIO(b"a\tb\n"), 2, "\t") == 1
    assert plain_lines(io.BytesIO(b"a,b\rc,d\n"), 2, ",") is None
    assert plain_lines(io.BytesIO(b"a," + b"x" * (1 << 22) + b"\n"), 2, ",") is None  # longer than a block
