"""Data coverage: which tables and columns an export supplied, and how many rows carry a value.

Real exports are partial. A verdict may only rest on what the export positively shows, so every run
records what it was given:

* a table is *supplied* when a file holding it was read (a CSV, an XML root element) or, for the
  recordings nested in a cases XML, when at least one recording element was read;
* a column is *supplied* when a CSV header names it; an XML export supplies every element of the
  schema (XML leaves empty elements out, so an absent element is an empty cell);
* per supplied column, how many rows carry a value, overall and per squad (中队).

A table that was supplied but has no rows for a case is evidence (that case has no recordings); a
table that was not supplied is not. `enrich/unknowns.py` turns this into per-row unknown masks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from auditor.model.fields import TABLE_ZH, TABLES

Supplied = dict  # table -> frozenset of supplied column names; a table missing from it was not supplied


@dataclass(frozen=True)
class ColumnCoverage:
    name: str
    zh: str
    supplied: bool
    filled: int  # rows carrying a value (0 when not supplied)
    empty_means: str  # the catalogue's meaning of an empty cell: not_done | unrecorded


@dataclass(frozen=True)
class TableCoverage:
    table: str
    supplied: bool
    rows: int
    columns: tuple[ColumnCoverage, ...]

    @property
    def missing_columns(self) -> tuple[str, ...]:
        """Columns the export did not have (only meaningful for a supplied table)."""
        return tuple(c.name for c in self.columns if not c.supplied)


@dataclass
class Coverage:
    tables: dict[str, TableCoverage]
    by_squad: pd.DataFrame = field(default_factory=pd.DataFrame)  # squad, table, field, rows, filled
    # table not supplied -> the rules that read it: not evaluated (recording scope) or 无法判定 where it matters
    rules_without: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def supplied(self) -> Supplied:
        return {t: frozenset(c.name for c in tc.columns if c.supplied) for t, tc in self.tables.items()
                if tc.supplied}

    def table_supplied(self, table: str) -> bool:
        tc = self.tables.get(table)
        return bool(tc and tc.supplied)

    def column_supplied(self, table: str, name: str) -> bool:
        tc = self.tables.get(table)
        return bool(tc and tc.supplied and any(c.name == name and c.supplied for c in tc.columns))

    def as_dict(self) -> dict:
        """Plain data for the JSON report (sorted, deterministic)."""
        return {
            "tables": {
                t: {"supplied": tc.supplied, "rows": tc.rows,
                    "missing_columns": list(tc.missing_columns) if tc.supplied else [],
                    "columns": {c.name: {"supplied": c.supplied, "filled": c.filled, "empty_means": c.empty_means}
                                for c in tc.columns}}
                for t, tc in self.tables.items()},
            "rules_without_table": {t: list(ids) for t, ids in sorted(self.rules_without.items())},
        }


def empty_mask(series: pd.Series, kind: str) -> np.ndarray:
    """True where a cell carries no value (None, NaN, NaT, "", empty list)."""
    if kind in ("list", "enum_list"):
        values = series.to_numpy(dtype=object)
        if set(map(type, values)) <= {tuple}:  # the canonical form: C-level passes, no Python per cell
            return np.fromiter(map(len, values), dtype=np.int64, count=len(values)) == 0
        return np.fromiter((not (isinstance(v, tuple) and len(v) > 0) for v in values), dtype=bool,
                           count=len(values))
    missing = series.isna().to_numpy(dtype=bool)
    if series.dtype == object:
        missing = missing | (series.to_numpy(dtype=object) == "")
    return missing


def supplied_from_buffers(buffers: dict) -> Supplied:
    """What a load supplied: see the module docstring."""
    out: Supplied = {}
    for table, buffer in buffers.items():
        if not (buffer.files_read or buffer.rows_in):
            continue
        out[table] = frozenset(buffer.declared)
    return out


def all_supplied(tables: dict[str, pd.DataFrame]) -> Supplied:
    """Canonical tables handed over in memory: every table given is supplied with all its columns."""
    return {t: frozenset(f.name for f in TABLES[t]) for t, frame in tables.items()
            if t in TABLES and frame is not None}


def _squads_of(table: str, frame: pd.DataFrame, cases: pd.DataFrame) -> np.ndarray:
    if table == "cases":
        return frame["squad"].fillna("").to_numpy(dtype=object)
    key = "case_id" if table == "recordings" else "decision_no"
    by_key = cases.dropna(subset=[key]).drop_duplicates(key).set_index(key)["squad"]
    squads = frame[key].map(by_key).astype(object)  # all-missing keys map to float NaN: no text fill there
    return squads.where(squads.notna(), "（未匹配）").to_numpy(dtype=object)


def measure_coverage(tables: dict[str, pd.DataFrame], supplied: Supplied) -> Coverage:
    """Coverage of the tables a run audits, given what the export supplied."""
    cases = tables["cases"]
    out: dict[str, TableCoverage] = {}
    chunks = []
    for table, fields in TABLES.items():
        frame = tables.get(table)
        is_supplied = table in supplied and frame is not None
        rows = len(frame) if is_supplied else 0
        cols = []
        filled_cols = {}
        for f in fields:
            col_supplied = is_supplied and f.name in supplied[table]
            filled = 0
            if col_supplied:
                mask = ~empty_mask(frame[f.name], f.kind)
                filled = int(mask.sum())
                filled_cols[f.name] = mask
            cols.append(ColumnCoverage(f.name, f.zh, col_supplied, filled, f.empty_means))
        out[table] = TableCoverage(table, is_supplied, rows, tuple(cols))
        if is_supplied and rows and filled_cols:
            squads = _squads_of(table, frame, cases)
            grid = pd.DataFrame(filled_cols)
            groups = grid.groupby(squads, sort=True)
            sums, sizes = groups.sum(), groups.size()
            for name in filled_cols:
                chunks.append(pd.DataFrame({"squad": sums.index.to_numpy(dtype=object), "table": table, "field": name,
                                            "rows": sizes.to_numpy(dtype=np.int64),
                                            "filled": sums[name].to_numpy(dtype=np.int64)}))
    by_squad = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(
        columns=["squad", "table", "field", "rows", "filled"])
    return Coverage(out, by_squad)


def table_label(table: str, lang: str = "zh") -> str:
    if lang == "en":
        return {"cases": "cases", "recordings": "recordings (全过程记录)", "disclosures": "disclosures (公示)"}[table]
    return {"cases": "案件表", "recordings": "执法全过程记录表", "disclosures": "公示信息表"}.get(table, TABLE_ZH[table])


def coverage_line(coverage: Coverage | None, undetermined: int, lang: str = "zh") -> str:
    """One line for the console and the report headline: what the export lacked and what it cost."""
    if coverage is None:
        return ""
    zh = lang == "zh"
    parts = []
    for table in ("recordings", "disclosures"):
        tc = coverage.tables.get(table)
        if tc is not None and not tc.supplied:
            n = len(coverage.rules_without.get(table, ()))
            parts.append(f"缺少{table_label(table)}（{n} 条规则未评估或无法判定）" if zh else
                         f"no {table_label(table, 'en')} table ({n} rules not evaluated or undetermined)")
    missing = [c for t in ("cases", "recordings", "disclosures") if coverage.table_supplied(t)
               for c in coverage.tables[t].columns if not c.supplied]
    if missing:
        names = ("、" if zh else ", ").join((c.zh if zh else c.name) for c in missing[:6])
        more = ("等" if zh else ", …") if len(missing) > 6 else ""
        parts.append(f"缺少 {len(missing)} 列（{names}{more}）" if zh else f"{len(missing)} columns missing ({names}{more})")
    if zh:
        head = "数据覆盖：" + ("；".join(parts) if parts else "导出包含全部表和列")
        return head + f"；无法判定 {undetermined} 项（数据缺失，待核实），未计入问题、评分与整改清单。"
    head = "Data coverage: " + ("; ".join(parts) if parts else "the export has every table and column")
    return head + f"; {undetermined} items undetermined (data missing, to be checked), not counted as findings."
