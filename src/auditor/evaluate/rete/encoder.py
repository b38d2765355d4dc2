"""Encoding fact rows as durable_rules JSON facts, and grouping them into one session per case.

Facts: the fields the rules read, with dates as days since 1970-01-01 and datetimes as seconds (a date
compared with a datetime gets a `<field>~s` seconds copy), missing values (None, NaT, NaN, "", empty
list) left out, each deadline's verdict as `~cd<n>` / `~rd<n>` = 1/0, and `~c` / `~r` saying which
scope (case, recording) a fact belongs to.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from auditor.evaluate.context import Facts
from auditor.evaluate.rete.compiler import LISTS, TEMPORAL, Scope
from auditor.evaluate.rete.host import FIRST, POS

def encode_column(series: pd.Series, kind: str, unit: str) -> list:
    """A column as JSON-ready Python values, None for missing."""
    if kind in TEMPORAL:
        arr = series.to_numpy(dtype="datetime64[ns]")
        nat = np.isnat(arr)
        if kind == "date":
            ints = arr.astype("datetime64[D]").astype(np.int64) * (86400 if unit == "s" else 1)
        else:
            ints = arr.astype("datetime64[s]").astype(np.int64)
        return with_none(ints, nat)
    if kind == "int":
        return series.astype("Int64").to_numpy(dtype=object, na_value=None).tolist()
    if kind == "decimal":
        vals = series.astype("float64").to_numpy()
        return with_none(vals, np.isnan(vals))
    if kind == "bool":
        return series.astype("boolean").to_numpy(dtype=object, na_value=None).tolist()
    if kind in LISTS:  # tuples (hashable, so fragments can encode each distinct list once)
        return [(tuple(v) if None not in v else tuple(x for x in v if x is not None) or None)
                if isinstance(v, (tuple, list)) and v else None for v in series.tolist()]
    return [v if isinstance(v, str) and v != "" else None for v in series.tolist()]


def with_none(values: np.ndarray, missing: np.ndarray) -> list:
    out = values.astype(object)  # Python ints / floats, which json encodes
    out[missing] = None
    return out.tolist()


CHUNK = 20_000  # cases encoded at a time: the facts of a million cases never sit in memory at once


class Table:
    """One scope's facts to encode: its frame, the fields the rules read, deadline and regex verdicts."""

    def __init__(self, scope: Scope, frame: pd.DataFrame, facts: Facts, mark: str, verdicts: dict | None = None):
        self.scope, self.frame, self.mark = scope, frame, mark
        self.hits = {}  # deadline verdicts: 1 missed, 0 not missed, 2 unknown
        for spec_key, key in scope.deadlines.items():
            hit = facts.deadlines[spec_key].hit.astype(np.int64)
            unknown = facts.deadline_unknown.get(spec_key)
            self.hits[key] = hit if unknown is None else np.where(unknown, 2, hit)
        self.flags = {key: mask for key, mask in scope.unknowns.values()}  # 1 where a value is unknown
        self.verdicts = verdicts or {}

    def rows(self, index: np.ndarray) -> Rows:
        sub = self.frame.iloc[index]
        cols = {key: encode_column(sub[name], self.scope.kind(name), unit)
                for (name, unit), key in self.scope.keys.items()}
        for key, hit in self.hits.items():
            cols[key] = hit[index].tolist()
        for key, mask in self.flags.items():
            cols[key] = mask[index].astype(np.int64).tolist()
        for key, verdict in self.verdicts.items():
            cols[key] = verdict[index].tolist()
        return Rows(cols, self.mark, index)


class Rows:
    """Encoded facts of some rows of one scope, as JSON text: `fact(i)` is the i-th row's fact.

    Each cell is encoded once as a `"name":value` fragment (repeated values from a cache), so a fact is
    a join of its row's present fragments: cheaper than building a dict per row and encoding it.
    """

    def __init__(self, cols: dict[str, list], mark: str, positions: np.ndarray):
        columns = [fragments(name, col) for name, col in cols.items()]
        self.bodies = [",".join(filter(None, row)) for row in zip(*columns)] if columns else [""] * len(positions)
        self.mark = mark
        self.positions = positions.tolist()

    def fact(self, i: int, sid: str, first: bool = False) -> str:
        head = f'{{"sid":"{sid}","{POS}":{self.positions[i]},"{self.mark}":1' + (f',"{FIRST}":1' if first else "")
        body = self.bodies[i]
        return head + ("," + body if body else "") + "}"


ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def fragments(name: str, values: list) -> list:
    """`"name":value` JSON fragments of a column (None where missing), by the column's value type."""
    prefix = ENCODE(name) + ":"
    sample = next((v for v in values if v is not None), None)
    if sample is None:
        return values
    if isinstance(sample, bool):
        yes, no = prefix + "true", prefix + "false"
        return [None if v is None else yes if v else no for v in values]
    if isinstance(sample, (int, float)):  # str() of a finite float is its JSON (repr) form
        return [None if v is None else prefix + str(v) for v in values]
    texts = {v: prefix + ENCODE(list(v) if isinstance(v, tuple) else v) for v in set(values) if v is not None}
    return [texts.get(v) if v is not None else None for v in values]  # str or tuple: each distinct value once


def owners(case_ids: list, rec_case_ids: list) -> np.ndarray:
    """For each recording, the position of the (first) case with its case id; -1 when there is none."""
    first = pd.Series(np.arange(len(case_ids)), index=pd.Index(case_ids, dtype=object))
    first = first[~first.index.duplicated()]
    where = first.index.get_indexer(pd.Index(rec_case_ids, dtype=object))
    return np.where(where >= 0, first.to_numpy()[np.maximum(where, 0)], -1)


GROUP = 1_000  # facts per durable session: fewer sessions, fewer engine calls (see host.assert_sessions)


def sessions(cases: Table | None, recs: Table | None, case_ids: list, rec_case_ids: list):
    """(sid, facts, cases): cases in order, each with its recordings, about GROUP facts per session
    (every rule reads one fact, so which facts share a session changes no match); then recordings of
    unknown cases grouped by case id."""
    n = len(case_ids)
    owner = owners(case_ids, rec_case_ids) if recs is not None else np.empty(0, dtype=np.int64)
    order = np.argsort(owner, kind="stable")
    owned = owner[order]
    group = 0
    for a in range(0, n, CHUNK):
        b = min(a + CHUNK, n)
        lo, hi = np.searchsorted(owned, [a, b])
        crow = cases.rows(np.arange(a, b)) if cases is not None else None
        rrow = recs.rows(order[lo:hi]) if recs is not None and hi > lo else None
        rown = owned[lo:hi].tolist()
        j = 0
        batch: list[str] = []
        start = a
        for p in range(a, b):
            sid = f"g{group}"
            if crow is not None:
                batch.append(crow.fact(p - a, sid, first=not batch))
            while j < len(rown) and rown[j] == p:
                batch.append(rrow.fact(j, sid, first=not batch))
                j += 1
            if len(batch) >= GROUP or p == b - 1:
                if batch:
                    yield sid, batch, p + 1 - start
                    group += 1
                batch, start = [], p + 1
    orphans = order[: int(np.searchsorted(owned, 0))]
    if len(orphans):
        rrow = recs.rows(orphans)
        groups: dict = {}
        for j, rpos in enumerate(orphans.tolist()):
            groups.setdefault(rec_case_ids[rpos], []).append(j)
        for k, members in enumerate(groups.values()):
            yield f"o{k}", [rrow.fact(j, f"o{k}", first=(m == 0)) for m, j in enumerate(members)], 0
