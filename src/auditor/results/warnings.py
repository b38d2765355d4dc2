"""Early warnings: open deadlines that fall due within the warning horizon, where their rule applies.

A deadline whose end the export does not establish (its column missing, or empty where empty means
"not recorded") is not open as far as anyone can tell: the act may be done, so no warning is raised.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from auditor.evaluate.context import Facts, RunContext
from auditor.findings import EarlyWarning
from auditor.rules.model import Rule


def early_warnings(rules: list[Rule], applicable: dict[str, np.ndarray], facts: Facts,
                   ctx: RunContext) -> list[EarlyWarning]:
    """Open deadlines that fall due within the horizon, for cases where the rule applies."""
    out: list[EarlyWarning] = []
    unknowns = facts.unknowns
    as_of = np.datetime64(ctx.as_of, "D")
    for rule in rules:
        mask = applicable.get(rule.id)
        if mask is None:
            continue
        frame = facts.frames[rule.scope]
        for spec in rule.deadlines:
            if not spec.warn:
                continue
            res = facts.deadlines[spec.key]
            soon = mask & (res.status == "due_soon")
            if unknowns is not None and spec.to_field:
                means = (getattr(rule, "empty", None) or {}).get(spec.to_field, (None,))[0]
                end_unknown = unknowns.of(rule.scope, spec.to_field, means)
                if end_unknown is not None:
                    soon = soon & ~end_unknown
            for pos in np.flatnonzero(soon):
                due = res.due[pos]
                out.append(EarlyWarning(
                    case_id=str(frame["case_id"].iat[pos]), squad=str(frame["squad"].iat[pos]), rule_id=rule.id,
                    deadline=spec.name, label=dict(spec.label), due=due.astype(dt.date),
                    days_left=int((due - as_of).astype(np.int64))))
    out.sort(key=EarlyWarning.sort_key)
    return out
