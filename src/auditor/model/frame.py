"""Build canonical DataFrames: the only place the canonical dtypes are decided.

Kinds map to dtypes as in docs/ARCHITECTURE.md "Canonical dtypes"; every table also carries `_file`
(str) and `_line` (int), where the row came from. Values arrive already parsed (`model/values.py`):
dates as `datetime.date`, datetimes as `datetime.datetime`, lists as tuples, missing as None.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from auditor.model.fields import TABLES, Field
from auditor.model.values import DATE_MAX, DATE_MIN, decimal_places

META_COLUMNS = ("_file", "_line")

_NAT = np.iinfo(np.int64).min  # the int64 bit pattern of NaT
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def columns(table: str) -> tuple[str, ...]:
    """The column order of a canonical table: its fields, then `_file`, `_line`."""
    return (*(f.name for f in TABLES[table]), *META_COLUMNS)


def empty_frame(table: str) -> pd.DataFrame:
    """A canonical table with no rows (still every column with its dtype)."""
    return to_frame(table, {})


def to_frame(table: str, records: Mapping[str, Sequence[Any]] | Iterable[Mapping[str, Any]]
             ) -> pd.DataFrame:
    """A canonical DataFrame from parsed values.

    `records` is either columns (`{name: [values...]}`, the fast form readers use) or rows
    (`[{name: value}, ...]`). Absent fields are missing; unknown names are a programming error.
    """
    if table not in TABLES:
        raise KeyError(f"unknown table {table!r}")
    cols = records if isinstance(records, Mapping) else _rows_to_columns(records)
    known = set(columns(table))
    unknown = set(cols) - known
    if unknown:
        raise KeyError(f"{table}: unknown columns {sorted(unknown)}")
    n = max((len(v) for v in cols.values()), default=0)
    for name, values in cols.items():
        if len(values) != n:
            raise ValueError(f"{table}.{name}: {len(values)} values, expected {n}")
    data: dict[str, Any] = {}
    for f in TABLES[table]:
        values = cols.get(f.name)
        data[f.name] = _series(f, values if values is not None else [None] * n)
    files = cols.get("_file", [""] * n)
    lines = cols.get("_line", [0] * n)
    data["_file"] = pd.Series(np.array([f if f is not None else "" for f in files], dtype=object), dtype=object)
    data["_line"] = pd.Series(np.array([ln if ln is not None else 0 for ln in lines], dtype=np.int64))
    return pd.DataFrame(data, index=pd.RangeIndex(n))


def _rows_to_columns(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[Any]]:
    rows = list(rows)
    names = {k for r in rows for k in r}
    return {k: [r.get(k) for r in rows] for k in names}


def _series(f: Field, values: Sequence[Any]) -> pd.Series:
    kind = f.kind
    if kind in ("str", "enum"):
        arr = np.empty(len(values), dtype=object)
        arr[:] = list(values)
        return pd.Series(arr, dtype=object)
    if kind in ("list", "enum_list"):
        if set(map(type, values)) - {tuple}:
            values = [tuple(v) if v else () for v in values]
        return pd.Series(values, dtype=object, index=pd.RangeIndex(len(values)))
    if kind in ("date", "datetime"):
        _check_range(f, values)
    if kind == "date":
        days = _lookup(values, lambda v: v.toordinal() - _EPOCH_ORDINAL)
        return pd.Series(np.array(days, dtype=np.int64).view("datetime64[D]").astype("datetime64[ns]"))
    if kind == "datetime":
        secs = _lookup(values, _second)
        return pd.Series(np.array(secs, dtype=np.int64).view("datetime64[s]").astype("datetime64[ns]"))
    if kind == "bool":
        return pd.Series(pd.array(list(values), dtype="boolean"))
    if kind == "int":
        return pd.Series(pd.array(list(values), dtype="Int64"))
    if kind == "decimal":
        return pd.Series(np.round(np.array(values, dtype=np.float64), decimal_places(f)))
    raise ValueError(f"unknown kind {kind!r}")


def _check_range(f: Field, values: Sequence[Any]) -> None:
    """numpy would wrap a date outside datetime64[ns] into another century; the value parsers refuse
    such dates, so one arriving here is a bug, said loudly rather than stored wrong."""
    present = set(values)
    present.discard(None)
    present.discard(pd.NaT)
    try:  # one kind per column: the extremes are enough (C-level comparisons)
        extremes = (min(present), max(present)) if present else ()
    except TypeError:  # dates and datetimes mixed: look at each
        extremes = present
    for v in extremes:
        day = v.date() if isinstance(v, datetime) else v
        if not DATE_MIN <= day <= DATE_MAX:
            raise ValueError(f"{f.name}: {v} is outside {DATE_MIN}..{DATE_MAX} (datetime64[ns])")


def _lookup(values: Sequence[Any], convert) -> list[int]:
    """int64 of each date/datetime, converting each distinct value once (missing -> NaT)."""
    table = {v: (_NAT if v is None or v is pd.NaT else convert(v)) for v in set(values)}
    return list(map(table.__getitem__, values))


def _second(v: datetime | date) -> int:
    day = v.toordinal() - _EPOCH_ORDINAL
    if not isinstance(v, datetime):
        return day * 86400
    return day * 86400 + v.hour * 3600 + v.minute * 60 + v.second
