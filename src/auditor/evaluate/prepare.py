"""Preparing a run once: select and bind the rules, build the run context, the enriched facts and
where each rule applies. Audit, explain, parity and the rule examples all judge a `PreparedRun`."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from auditor.enrich.calendar import WorkCalendar
from auditor.errors import UsageError
from auditor.evaluate.context import PreparedRun, RunContext
from auditor.evaluate.facts import build_facts, effective_condition
from auditor.evaluate.vectorized import VectorizedEvaluator
from auditor.rules.conditions import AllOf
from auditor.suggest import did_you_mean


def prepare(tables: dict[str, pd.DataFrame], *, as_of: dt.date, pack, profile, calendar: WorkCalendar | None = None,
            squads=(), rule_ids=(), show_personal_data: bool = False, supplied=None) -> PreparedRun:
    """The run every evaluator judges: `pack` and `profile` loaded, `tables` canonical; `supplied`
    (table -> columns, `LoadResult.supplied`) says what the export had (default: every table given,
    with all its columns)."""
    from auditor.coverage import all_supplied

    calendar = calendar or WorkCalendar()
    supplied = all_supplied(tables) if supplied is None else supplied
    tables = filter_squads(tables, squads)
    params = profile.values
    ctx = RunContext(as_of=as_of, calendar=calendar, params=params, warning_days=int(params.get("warning_days", 7)),
                     show_personal_data=show_personal_data)
    rules = [r.bind(params) for r in select_rules(pack, rule_ids)]
    facts = build_facts(tables, rules, ctx, supplied)
    # Applicability is part of the preparation, not a verdict: the same masks for every engine.
    applicable = VectorizedEvaluator().masks(
        {r.id: (r.scope, AllOf((effective_condition(r, as_of), r.applies))) for r in rules}, facts)
    return PreparedRun(pack=pack, profile=profile, calendar=calendar, rules=rules, ctx=ctx, tables=tables,
                       facts=facts, applicable=applicable, squads=tuple(squads), rule_ids=tuple(rule_ids),
                       supplied=supplied)


def select_rules(pack, rule_ids=()) -> list:
    if not rule_ids:
        return list(pack.rules)
    known = [r.id for r in pack.rules]
    missing = [r for r in rule_ids if r not in known]
    if missing:
        raise UsageError(f"未知规则: {', '.join(missing)}{did_you_mean(missing[0], known)}")
    return [r for r in pack.rules if r.id in set(rule_ids)]


def filter_squads(tables: dict[str, pd.DataFrame], squads) -> dict[str, pd.DataFrame]:
    if not squads:
        return tables
    cases = tables["cases"]
    known = set(cases["squad"].dropna())
    unknown = [s for s in squads if s not in known]
    if unknown:
        raise UsageError(f"导出中没有这些中队: {', '.join(unknown)}；现有: {', '.join(sorted(known))}")
    keep = cases[cases["squad"].isin(squads)].reset_index(drop=True)
    out = dict(tables)
    out["cases"] = keep
    if tables.get("recordings") is not None:
        rec = tables["recordings"]
        out["recordings"] = rec[rec["case_id"].isin(keep["case_id"])].reset_index(drop=True)
    return out
