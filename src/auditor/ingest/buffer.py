"""Collect the rows of one canonical table from every file, parsed, as columns.

Readers hand over raw rows; every `BATCH` rows (and at the end of each file) the batch is parsed
column by column (`make_column_parser`: a memo look-up per cell for the repetitive kinds), which is
what keeps a million rows affordable. A row is loaded only if every value parses, the required fields
are present and no value exceeds the length limit; otherwise it becomes exactly one `RejectedRow`
naming the first bad field (further problems are appended to the reason).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from auditor.errors import InputError
from auditor.ingest.limits import Limits
from auditor.ingest.mapping import TableMapping
from auditor.ingest.report import RejectedRow, preview
from auditor.model.fields import TABLE_ZH, TABLES
from auditor.model.frame import to_frame
from auditor.model.values import make_column_parser, missing_value

REQUIRED_MISSING = "必填字段缺失"
BATCH = 4096


class TableBuffer:
    def __init__(self, table: str, profile: TableMapping, limits: Limits):
        self.table = table
        self.profile, self.limits = profile, limits
        self.fields = TABLES[table]
        self.names = [f.name for f in self.fields]
        self.index = {name: i for i, name in enumerate(self.names)}
        self.parsers = [make_column_parser(f, profile.date_formats, profile.values.get(f.name))
                        for f in self.fields]
        self.missing = [missing_value(f) for f in self.fields]
        self.required = frozenset(i for i, f in enumerate(self.fields) if f.required)
        self.columns: list[list[Any]] = [[] for _ in self.fields]
        self.files: list[str] = []
        self.lines: list[int] = []
        self.parents: list[tuple[str, int] | None] = []  # XML recordings: (file, line) of their case
        self.rejected: list[RejectedRow] = []
        self.rows_in = 0
        self.declared: set[str] = set()  # columns the form supplies: a CSV header's, all for XML
        self.files_read = 0  # files that hold this table as their own (a CSV, or an XML root)
        self.max_chars = limits.max_field_chars
        self.max_rows = limits.max_rows
        self._file = ""
        self._plan: Mapping[str, int] = {}
        self._batch: list[Any] = []
        self._batch_lines: list[int] = []
        self._batch_parents: list[tuple[str, int] | None] = []
        self._frames: list[pd.DataFrame] = []  # rows already framed (a helper's part), in order

    # --- feeding -------------------------------------------------------------------------------

    def begin_file(self, file: str, plan: Mapping[str, int]) -> None:
        """Rows that follow come from `file`, as sequences where `plan` maps field name -> index
        (CSV: the header's column; XML: the field's own position)."""
        self.flush()
        self._file = file
        self._plan = plan

    def add(self, line: int, raw: Any, parent: tuple[str, int] | None = None) -> None:
        self.rows_in += 1
        if self.rows_in > self.max_rows:
            raise InputError(f"{TABLE_ZH[self.table]}行数超过上限 {self.max_rows}（可调整 Limits.max_rows）",
                             file=self._file, line=line)
        self._batch.append(raw)
        self._batch_lines.append(line)
        self._batch_parents.append(parent)
        if len(self._batch) >= BATCH:
            self.flush()

    def add_columns(self, lines: list[int], columns: Sequence[Sequence[Any] | None]) -> None:
        """Many rows at once, given column-wise (`columns[plan index]`, None for a column no field
        reads): the same checks and the same result as `add` row by row, without the per-row work."""
        n = len(lines)
        if not n:
            return
        if self.rows_in + n > self.max_rows:
            first_over = lines[self.max_rows - self.rows_in]
            self.rows_in = self.max_rows + 1
            raise InputError(f"{TABLE_ZH[self.table]}行数超过上限 {self.max_rows}（可调整 Limits.max_rows）",
                             file=self._file, line=first_over)
        self.flush()
        self.rows_in += n
        self._parse(columns, n, lines, [None] * n)

    def reject(self, line: int, field: str | None, reason: str, value: str = "") -> None:
        """A row rejected before parsing (bad column count, schema violation, unreadable rest)."""
        self.rows_in += 1
        self.rejected.append(RejectedRow(self.table, self._file, line, field, reason, preview(value)))

    # --- parsing -------------------------------------------------------------------------------

    def flush(self) -> None:
        batch = self._batch
        if not batch:
            return
        cols = list(zip(*batch))  # one C-level transpose; rows are at least as long as the plan needs
        lines, parents = self._batch_lines, self._batch_parents
        self._batch, self._batch_lines, self._batch_parents = [], [], []
        self._parse(cols, len(batch), lines, parents)

    def _parse(self, cols: Sequence[Sequence[Any] | None], n: int, lines: list[int],
               parents: list[tuple[str, int] | None]) -> None:
        problems: dict[int, list[tuple[int, str, Any]]] = {}
        parsed = []
        plan = self._plan or {}
        for fi, name in enumerate(self.names):
            si = plan.get(name)
            raw = cols[si] if si is not None and si < len(cols) else None
            if raw is not None and not isinstance(raw, (list, tuple)):
                raw = list(raw)
            if raw is None or not any(raw):
                values: list[Any] = [self.missing[fi]] * n
            else:
                values, failures = self.parsers[fi](raw)
                for i, reason in failures:
                    problems.setdefault(i, []).append((fi, reason, raw[i]))
                self._check_lengths(fi, raw, problems)
            if fi in self.required and None in values:
                for i in [i for i, v in enumerate(values) if v is None]:
                    if not any(p[0] == fi for p in problems.get(i, ())):
                        problems.setdefault(i, []).append((fi, REQUIRED_MISSING, ""))
            parsed.append(values)
        if problems:
            for i in sorted(problems):
                self._reject_problems(lines[i], problems[i])
            keep = [i not in problems for i in range(n)]
            parsed = [[v for v, k in zip(values, keep) if k] for values in parsed]
            lines = [v for v, k in zip(lines, keep) if k]
            parents = [v for v, k in zip(parents, keep) if k]
        for column, values in zip(self.columns, parsed):
            column.extend(values)
        self.files.extend([self._file] * len(lines))
        self.lines.extend(lines)
        self.parents.extend(parents)

    def _check_lengths(self, fi: int, raw: list[Any], problems: dict) -> None:
        limit = self.max_chars
        if max(map(len, filter(None, raw)), default=0) <= limit:  # tuples count items: harmless
            return
        for i, t in enumerate(raw):
            if t.__class__ is str and len(t) > limit:
                entry = (fi, f"字段过长: {len(t)} 个字符，上限 {limit}", t)
                problems[i] = [p for p in problems.get(i, []) if p[0] != fi] + [entry]

    def _reject_problems(self, line: int, problems: list[tuple[int, str, Any]]) -> None:
        problems = sorted(problems, key=lambda p: p[0])
        fi, reason, text = problems[0]
        if len(problems) > 1:
            reason += "；另: " + "；".join(f"{self.names[i]}: {r}" for i, r, _ in problems[1:])
        value = "、".join(t or "" for t in text) if isinstance(text, tuple) else text
        self.rejected.append(RejectedRow(self.table, self._file, line, self.names[fi], reason,
                                         preview(value)))

    # --- a file read in two processes (ingest/xml_split.py) ------------------------------------

    def fresh(self) -> TableBuffer:
        """An empty buffer with the same settings, for the rows of a second part of a file."""
        return TableBuffer(self.table, self.profile, self.limits)

    def part(self) -> tuple:
        """Everything this buffer read, framed, to be appended to another buffer by `merge`."""
        parents = self.parents
        return self.frame(), parents, self.rejected, self.rows_in

    def fits(self, part: tuple) -> bool:
        return self.rows_in + part[3] <= self.max_rows

    def merge(self, part: tuple) -> None:
        """Append `part()` of another buffer: as if its rows had come after this buffer's own."""
        frame, parents, rejected, rows_in = part
        self._frames.append(self._framed())
        self._frames.append(frame)
        self.parents.extend(parents)
        self.rejected.extend(rejected)
        self.rows_in += rows_in

    def snapshot(self) -> tuple:
        """The state before a file is read, for `restore` when it must be read again."""
        self.flush()
        return (len(self.lines), len(self.rejected), self.rows_in, self.files_read, set(self.declared),
                self._file, self._plan, len(self._frames), len(self.parents))

    def restore(self, state: tuple) -> None:
        n, r, self.rows_in, self.files_read, self.declared, self._file, self._plan, f, p = state
        del self._frames[f:]
        del self.parents[p:]
        for column in self.columns:
            del column[n:]
        for kept in (self.files, self.lines):
            del kept[n:]
        del self.rejected[r:]
        self._batch, self._batch_lines, self._batch_parents = [], [], []

    def frame(self) -> pd.DataFrame:
        frames = [f for f in (*self._frames, self._framed()) if len(f)]
        self._frames = []
        if len(frames) <= 1:
            return frames[0] if frames else to_frame(self.table, {})
        return pd.concat(frames, ignore_index=True)

    def _framed(self) -> pd.DataFrame:
        """The rows in the lists as a frame; the lists are emptied."""
        self.flush()
        cols: dict[str, list[Any]] = dict(zip(self.names, self.columns))
        cols["_file"] = self.files
        cols["_line"] = self.lines
        frame = to_frame(self.table, cols)
        # the lists are in the frame now; drop them so the next table's peak does not add up
        del cols
        self.columns = [[] for _ in self.fields]
        self.files, self.lines = [], []
        return frame
