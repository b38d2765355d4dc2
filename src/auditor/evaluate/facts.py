"""Building the enriched facts of a run, and a rule's full condition (effective ∧ applies ∧ violation)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from auditor.enrich.deadlines import compute_deadline
from auditor.enrich.derive_law import add_law_facts
from auditor.enrich.derive import derive_case_facts, derive_recording_facts
from auditor.enrich.unknowns import compute_unknowns, deadline_unknown
from auditor.evaluate.context import Facts, RunContext
from auditor.model.fact_fields import case_fact_fields, recording_fact_fields
from auditor.model.frame import empty_frame
from auditor.rules.conditions import AllOf, AnyOf, Absent, Compare, Const, Literal, Present
from auditor.rules.model import Rule


def build_facts(tables: dict[str, pd.DataFrame], rules: list[Rule], ctx: RunContext,
                supplied: dict | None = None) -> Facts:
    """Enriched facts; `supplied` (table -> columns) says what the export had (default: every table
    given, with all its columns), and so which values are unknown (enrich/unknowns.py)."""
    from auditor.coverage import all_supplied

    supplied = all_supplied(tables) if supplied is None else supplied
    cases = tables["cases"].reset_index(drop=True)
    recordings = tables.get("recordings")
    recordings = empty_frame("recordings") if recordings is None else recordings.reset_index(drop=True)
    disclosures = tables.get("disclosures")
    disclosures = empty_frame("disclosures") if disclosures is None else disclosures
    case_facts = derive_case_facts(cases, recordings, disclosures, ctx.params,
                                   disclosure_columns=supplied.get("disclosures"))
    add_law_facts(case_facts, ctx.params, ctx.calendar)
    rec_facts = derive_recording_facts(recordings, cases)
    facts = Facts(frames={"case": case_facts, "recording": rec_facts},
                  fields={"case": case_fact_fields(), "recording": recording_fact_fields()})
    facts.supplied = supplied
    facts.unknowns = compute_unknowns(facts.frames, facts.fields, supplied, case_facts)
    for rule in rules:
        frame = facts.frames[rule.scope]
        for spec in rule.deadlines:
            result = compute_deadline(spec, frame, ctx.calendar, ctx.as_of, ctx.warning_days)
            facts.deadlines[spec.key] = result
            unknown = deadline_unknown(result, lambda name, s=rule.scope: facts.unknowns.of(s, name), ctx.as_of)
            if unknown.any():
                facts.deadline_unknown[spec.key] = unknown
    return facts


def effective_condition(rule: Rule, as_of: dt.date):
    """The rule's effective dates as a condition: by the first present date field, else the as-of date."""
    eff = rule.effective
    if eff is None:
        return Const(True)

    def within(name):
        parts = []
        if eff.start:
            parts.append(Compare(name, "ge", Literal(eff.start)))
        if eff.end:
            parts.append(Compare(name, "le", Literal(eff.end)))
        return parts

    branches = []
    for i, name in enumerate(eff.fields):
        earlier_absent = [Absent(f) for f in eff.fields[:i]]
        branches.append(AllOf(tuple(earlier_absent + [Present(name)] + within(name))))
    as_of_ok = (eff.start is None or as_of >= eff.start) and (eff.end is None or as_of <= eff.end)
    branches.append(AllOf(tuple([Absent(f) for f in eff.fields] + [Const(as_of_ok)])))
    return AnyOf(tuple(branches))


def full_condition(rule: Rule, as_of: dt.date):
    """effective ∧ applies ∧ violation, for a rule already bound to the run's parameters."""
    return AllOf((effective_condition(rule, as_of), rule.applies, rule.violation))
