"""Early warnings: open deadlines that fall due within the warning horizon, where their rule applies."""

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
            for pos in np.flatnonzero(mask & (res.status == "due_soon")):
                due = res.due[pos]
                out.append(EarlyWarning(
                    case_id=str(frame["case_id"].iat[pos]), squad=str(frame["squad"].iat[pos]), rule_id=rule.id,
                    deadline=spec.name, label=dict(spec.label), due=due.astype(dt.date),
                    days_left=int((due - as_of).astype(np.int64))))
    out.sort(key=EarlyWarning.sort_key)
    return out
