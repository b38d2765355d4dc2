"""The load report: what was read, what was rejected and why, and the counts that reconcile."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

VALUE_PREVIEW = 80  # characters of an offending value kept in a RejectedRow


@dataclass(frozen=True)
class RejectedRow:
    """One input row that was not loaded: where it is, which field, why."""

    table: str
    file: str
    line: int
    field: str | None
    reason: str
    value: str = ""  # the offending raw text, truncated to VALUE_PREVIEW characters


@dataclass(frozen=True)
class InputWarning:
    """Something the user should know that did not cost a row (unknown column, orphan disclosure...)."""

    code: str
    file: str
    line: int | None
    field: str | None
    message: str


@dataclass
class TableCount:
    rows_in: int = 0
    loaded: int = 0
    rejected: int = 0

    @property
    def reconciles(self) -> bool:
        return self.rows_in == self.loaded + self.rejected


@dataclass(frozen=True)
class FileInfo:
    path: str
    sha256: str
    table: str
    form: str  # "xml" or "csv"
    encoding: str
    rows: int  # rows of `table` read from this file (nested recordings not included)


@dataclass
class LoadResult:
    tables: dict[str, pd.DataFrame]
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    counts: dict[str, TableCount] = field(default_factory=dict)
    files: list[FileInfo] = field(default_factory=list)

    @property
    def any_rejected(self) -> bool:
        return bool(self.rejected)


def preview(text: str | None) -> str:
    if not text:
        return ""
    return text if len(text) <= VALUE_PREVIEW else text[:VALUE_PREVIEW] + "…"
