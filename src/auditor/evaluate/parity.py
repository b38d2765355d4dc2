"""Run two evaluators on the same facts and list every (case, rule) on which they disagree.

The vectorized and the Rete evaluator are written independently from one condition tree; where they
differ, one of them (or durable_rules itself) has a bug. They are compared on all four outcomes
(违规 / 合规 / 不适用 / 无法判定), not only on which rows are violated. `auditor audit --check-parity` exits 2 with
`ParityReport.format()` when the report is not `ok`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from auditor.enrich.calendar import WorkCalendar
from auditor.evaluate.base import RunContext, build_facts
from auditor.evaluate.outcome import Outcome
from auditor.findings import VERDICT_EN, VERDICTS


@dataclass(frozen=True)
class Difference:
    rule_id: str
    case_id: str
    subject: str  # e.g. the recording id of a recording-scope rule; "" for case rules
    found_by: str  # the evaluator that fired when only one did; else ""
    verdicts: tuple[str, str] = ("", "")  # each evaluator's outcome: 违规 / 合规 / 不适用 / 无法判定


@dataclass
class ParityReport:
    engines: tuple[str, str]
    as_of: dt.date
    rules: int
    rows: dict[str, int]  # scope -> rows judged
    agreed: int  # (rule, row) pairs where both fired
    differences: list[Difference] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)  # outcome -> (rule, row) pairs both gave it

    @property
    def ok(self) -> bool:
        return not self.differences

    def format(self, lang: str = "zh", limit: int = 50) -> str:
        a, b = self.engines
        rows = "、".join(f"{scope} {n}" for scope, n in self.rows.items())
        if lang == "en":
            head = (f"Parity {a} vs {b} (as of {self.as_of}): {self.rules} rules, rows {rows}; "
                    f"{self.agreed} findings agreed, {len(self.differences)} differ.")
            lines = [f"  {d.case_id}{' ' + d.subject if d.subject else ''}  {d.rule_id}  "
                     + (f"only {d.found_by}" if d.found_by else
                        f"{a} {VERDICT_EN.get(d.verdicts[0], '?')}, {b} {VERDICT_EN.get(d.verdicts[1], '?')}")
                     for d in self.differences[:limit]]
            more = [f"  ... {len(self.differences) - limit} more"] if len(self.differences) > limit else []
        else:
            head = (f"评估引擎一致性检查 {a} 对 {b}（基准日 {self.as_of}）：{self.rules} 条规则，{rows} 行；"
                    f"{self.agreed} 项一致，{len(self.differences)} 项不一致。")
            lines = [f"  案件 {d.case_id}{' ' + d.subject if d.subject else ''}  规则 {d.rule_id}  "
                     + (f"仅 {d.found_by} 命中" if d.found_by else f"{a} {d.verdicts[0]}，{b} {d.verdicts[1]}")
                     for d in self.differences[:limit]]
            more = [f"  …… 另有 {len(self.differences) - limit} 项"] if len(self.differences) > limit else []
        return "\n".join([head, *lines, *more])


def _evaluator(spec):
    if isinstance(spec, str):
        from auditor.api import get_evaluator

        return get_evaluator(spec)
    return spec


def check_parity(tables: dict[str, pd.DataFrame], pack, profile, as_of: dt.date, *,
                 calendar: WorkCalendar | None = None, rule_ids=(), squads=(),
                 engines=("vectorized", "rete"), supplied=None) -> ParityReport:
    """Judge `tables` with both `engines` (names or evaluator objects) on the same enriched facts;
    `supplied` says which tables and columns the export had (default: all given)."""
    from auditor.api import filter_squads, select_rules

    calendar = calendar or WorkCalendar()
    tables = filter_squads(tables, squads)
    params = profile.values
    ctx = RunContext(as_of=as_of, calendar=calendar, params=params,
                     warning_days=int(params.get("warning_days", 7)))
    rules = [r.bind(params) for r in select_rules(pack, rule_ids)]
    facts = build_facts(tables, rules, ctx, supplied)
    left, right = (_evaluator(e) for e in engines)
    verdicts = (_verdicts(left, rules, facts, ctx), _verdicts(right, rules, facts, ctx))
    report = ParityReport(engines=(left.name, right.name), as_of=as_of, rules=len(rules),
                          rows={scope: len(frame) for scope, frame in facts.frames.items()}, agreed=0,
                          outcomes={v: 0 for v in VERDICTS})
    for rule in rules:
        a, b = verdicts[0][rule.id], verdicts[1][rule.id]
        same = a == b
        for v in VERDICTS:
            report.outcomes[v] += int(np.count_nonzero(same & (a == v)))
        report.agreed += int(np.count_nonzero(same & (a == "违规")))
        frame = facts.frames[rule.scope]
        for pos in np.flatnonzero(~same).tolist():
            subject = str(frame[rule.subject].iat[pos]) if rule.subject else ""
            found_by = left.name if a[pos] == "违规" else right.name if b[pos] == "违规" else ""
            report.differences.append(Difference(rule.id, str(frame["case_id"].iat[pos]), subject, found_by,
                                                 (a[pos], b[pos])))
    report.differences.sort(key=lambda d: (d.case_id, d.rule_id, d.subject, d.found_by))
    return report


def _verdicts(evaluator, rules, facts, ctx) -> dict[str, np.ndarray]:
    """rule id → the evaluator's outcome per row (an evaluator that only reports hits: 违规 or 合规)."""
    if hasattr(evaluator, "outcomes"):
        outcomes = evaluator.outcomes(rules, facts, ctx, every_outcome=True)
    else:
        hits = evaluator.hits(rules, facts, ctx)
        outcomes = {r.id: Outcome(np.asarray(hits.get(r.id, ()), dtype=np.int64), np.zeros(0, dtype=np.int64),
                                  np.zeros(0, dtype=np.int64), len(facts.frames[r.scope])) for r in rules}
    return {rule_id: o.verdicts() for rule_id, o in outcomes.items()}
