"""Collect the rows of one canonical table from every file, parsed, as columns.

Readers hand over raw cells `(field index, text)`; a row is loaded only if every cell parses, the
required fields are present and no value is longer than the limit, otherwise it becomes exactly one
`RejectedRow` naming the first bad field (further problems are appended to the reason). Columns are
plain lists until `frame()` builds the canonical DataFrame once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from auditor.errors import InputError
from auditor.ingest.limits import Limits
from auditor.ingest.profiles import TableProfile
from auditor.ingest.report import RejectedRow, preview
from auditor.model.fields import TABLES, TABLE_ZH
from auditor.model.frame import to_frame
from auditor.model.values import make_parser, missing_value, parse_items

REQUIRED_MISSING = "必填字段缺失"


class TableBuffer:
    def __init__(self, table: str, profile: TableProfile, limits: Limits):
        self.table = table
        self.fields = TABLES[table]
        self.index = {f.name: i for i, f in enumerate(self.fields)}
        self.parsers = [self._parser(f, profile) for f in self.fields]
        self.template = [missing_value(f) for f in self.fields]
        self.required = [i for i, f in enumerate(self.fields) if f.required]
        self.columns: list[list[Any]] = [[] for _ in self.fields]
        self._appends = [c.append for c in self.columns]
        self.files: list[str] = []
        self.lines: list[int] = []
        self.parents: list[tuple[str, int] | None] = []  # XML: the enclosing case element
        self.rejected: list[RejectedRow] = []
        self.rows_in = 0
        self.max_chars = limits.max_field_chars
        self.max_rows = limits.max_rows

    @staticmethod
    def _parser(f, profile: TableProfile):
        vmap = profile.values.get(f.name)
        text_parser = make_parser(f, profile.date_formats, vmap)
        if f.kind not in ("list", "enum_list"):
            return text_parser

        def parse(value):  # XML hands list items over as a tuple
            if value.__class__ is tuple:
                return parse_items(f, value, vmap)
            return text_parser(value)
        return parse

    def add(self, file: str, line: int, cells: Iterable[tuple[int, Any]],
            parent: tuple[str, int] | None = None) -> bool:
        """Parse and keep one row; False (and a RejectedRow) when it cannot be loaded."""
        self.rows_in += 1
        if self.rows_in > self.max_rows:
            raise InputError(f"{TABLE_ZH[self.table]}行数超过上限 {self.max_rows}（可调整 Limits.max_rows）",
                             file=file, line=line)
        out = self.template.copy()
        parsers = self.parsers
        problems = None
        for fi, text in cells:
            if not text:
                continue
            if len(text) > self.max_chars and text.__class__ is str:
                reason = f"字段过长: {len(text)} 个字符，上限 {self.max_chars}"
                problems = (problems or []) + [(fi, reason, text)]
                continue
            try:
                out[fi] = parsers[fi](text)
            except ValueError as exc:
                problems = (problems or []) + [(fi, str(exc), text)]
        for fi in self.required:
            if out[fi] is None and not any(p[0] == fi for p in problems or ()):
                problems = (problems or []) + [(fi, REQUIRED_MISSING, "")]
        if problems:
            self.reject_problems(file, line, problems)
            return False
        for append, value in zip(self._appends, out):
            append(value)
        self.files.append(file)
        self.lines.append(line)
        self.parents.append(parent)
        return True

    def reject_problems(self, file: str, line: int, problems: list[tuple[int, str, Any]]) -> None:
        fi, reason, text = problems[0]
        if len(problems) > 1:
            reason += "；另: " + "；".join(f"{self.fields[i].name}: {r}" for i, r, _ in problems[1:])
        value = "、".join(text) if isinstance(text, tuple) else text
        self.rejected.append(RejectedRow(self.table, file, line, self.fields[fi].name, reason,
                                         preview(value)))

    def reject(self, file: str, line: int, field: str | None, reason: str, value: str = "") -> None:
        """A row rejected before parsing (bad column count, schema violation, unreadable rest)."""
        self.rows_in += 1
        self.rejected.append(RejectedRow(self.table, file, line, field, reason, preview(value)))

    def frame(self) -> pd.DataFrame:
        cols: dict[str, list[Any]] = {f.name: c for f, c in zip(self.fields, self.columns)}
        cols["_file"] = self.files
        cols["_line"] = self.lines
        return to_frame(self.table, cols)
