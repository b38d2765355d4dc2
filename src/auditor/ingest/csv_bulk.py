"""The CSV fast path: pyarrow splits a plain file into columns, fed to the table buffer in bulk.

Only where the result is provably the csv module's: a UTF-8 file whose data lines hold no quote
character, no NUL, no carriage return other than in CRLF, no blank line, and exactly the header's
number of fields on every line. Without quotes a CSV line splits only at its delimiters, so both
readers give the same fields, and record i is physical line `first_line + i`. Any other file
(quoted fields, a short row to reject, GB18030...) returns None before anything is read into the
buffer, and the csv-module reader handles it as before.

The check is one vectorized pass over the bytes (numpy); pyarrow then streams the file in blocks,
so memory stays that of one block, whatever the size.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from auditor.ingest.buffer import TableBuffer

_CHUNK = 1 << 22
_BLOCK = 1 << 22  # pyarrow's block: about 20,000 recordings rows


def _chunks(f) -> Iterator[bytes]:
    """The rest of `f` in pieces that end at a line end (the last piece may not)."""
    carry = b""
    while data := f.read(_CHUNK):
        data = carry + data
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            carry = data
            continue
        carry = data[cut:]
        yield data[:cut]
    if carry:
        yield carry


def plain_lines(f, ncols: int, delimiter: str) -> int | None:
    """How many lines the rest of `f` holds if every one is plain (see the module doc), else None."""
    if len(delimiter) != 1 or not delimiter.isascii():
        return None
    delim = ord(delimiter)
    lines = 0
    for chunk in _chunks(f):
        if b'"' in chunk or b"\x00" in chunk or chunk.count(b"\r") != chunk.count(b"\r\n"):
            return None
        arr = np.frombuffer(chunk, dtype=np.uint8)
        ends = np.flatnonzero(arr == 10)
        if not chunk.endswith(b"\n"):
            ends = np.append(ends, len(arr))  # the last line, without a line end
        starts = np.concatenate(([0], ends[:-1] + 1))
        length = ends - starts
        cr = np.zeros(len(ends), dtype=bool)
        filled = length > 0
        cr[filled] = arr[ends[filled] - 1] == 13
        if np.any(length - cr == 0):
            return None  # a blank line: the csv reader skips it, line numbers would differ
        if length.max() >= _BLOCK // 2:
            return None  # pyarrow's blocks must hold whole lines (a 50 MB field: the csv reader)
        counts = np.concatenate(([0], np.cumsum(arr == delim)))
        fields = counts[ends] - counts[starts] + 1
        if np.any(fields != ncols):
            return None  # a short or long row: the csv reader rejects or trims it
        lines += len(ends)
    return lines


def read_bulk(path: Path, header_lines: int, ncols: int, delimiter: str, plan: dict[str, int],
              buffer: TableBuffer, meter: Any) -> int | None:
    """Feed the data lines after the first `header_lines` lines of `path` to `buffer` if the file is
    plain; returns the number of rows (blank-celled rows excluded, as the csv reader skips them) or
    None, having read nothing into the buffer."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency; the csv reader still works
        return None
    with open(path, "rb") as raw:
        for _ in range(header_lines):
            raw.readline()
        start = raw.tell()
        expected = plain_lines(raw, ncols, delimiter)
        if expected is None:
            return None
        if expected == 0:
            return 0  # a header and nothing else
        raw.seek(start)
        names = [f"c{i}" for i in range(ncols)]
        reader = pacsv.open_csv(
            raw,
            read_options=pacsv.ReadOptions(column_names=names, block_size=_BLOCK, encoding="utf8"),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False, escape_char=False,
                                             double_quote=False, newlines_in_values=False,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
        used = sorted(set(plan.values()))
        line, rows, reported = header_lines + 1, 0, start
        for batch in reader:
            n = batch.num_rows
            lines = list(range(line, line + n))
            line += n
            blank = None
            for col in batch.columns:
                empty = pc.equal(pc.binary_length(col), 0)
                blank = empty if blank is None else pc.and_(blank, empty)
            if blank is not None and pc.any(blank).as_py():
                keep = pc.invert(blank)
                batch = batch.filter(keep)
                lines = [ln for ln, k in zip(lines, keep.to_pylist()) if k]
            columns: list[Any] = [None] * ncols
            for si in used:
                columns[si] = batch.column(si).to_pylist()
            buffer.add_columns(lines, columns)
            rows += len(lines)
            if meter.enabled:
                position = raw.tell()
                meter.advance(max(0, position - reported))
                reported = max(position, reported)
        if line - header_lines - 1 != expected:  # cannot happen after the check; never silently
            raise AssertionError(f"{path}: pyarrow read {line - header_lines - 1} lines, expected {expected}")
    return rows
