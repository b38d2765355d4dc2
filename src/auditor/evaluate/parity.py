"""Judge one prepared run with several evaluators and list every (case, rule) on which they disagree.

The evaluators are written independently from one condition tree; where one differs from the reference
(the registry's REFERENCE engine), one of them (or the engine underneath, e.g. durable_rules) has a bug. `auditor audit --check-parity` exits 2 with
`ParityReport.format()` when the report is not `ok`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from auditor.evaluate import registry
from auditor.evaluate.context import PreparedRun


@dataclass(frozen=True)
class Difference:
    rule_id: str
    case_id: str
    subject: str  # e.g. the recording id of a recording-scope rule; "" for case rules
    found_by: str  # the evaluator that fired
    missed_by: str = ""  # the evaluator that did not


@dataclass
class ParityReport:
    engines: tuple[str, ...]  # the reference first
    as_of: dt.date
    rules: int
    rows: dict[str, int]  # scope -> rows judged
    agreed: int  # (rule, row) pairs where both fired
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def format(self, lang: str = "zh", limit: int = 50) -> str:
        a, b = self.engines[0], "、".join(self.engines[1:])
        rows = "、".join(f"{scope} {n}" for scope, n in self.rows.items())
        if lang == "en":
            head = (f"Parity {a} vs {b} (as of {self.as_of}): {self.rules} rules, rows {rows}; "
                    f"{self.agreed} findings agreed, {len(self.differences)} differ.")
            lines = [f"  {d.case_id}{' ' + d.subject if d.subject else ''}  {d.rule_id}  only {d.found_by}"
                     for d in self.differences[:limit]]
            more = [f"  ... {len(self.differences) - limit} more"] if len(self.differences) > limit else []
        else:
            head = (f"评估引擎一致性检查 {a} 对 {b}（基准日 {self.as_of}）：{self.rules} 条规则，{rows} 行；"
                    f"{self.agreed} 项一致，{len(self.differences)} 项不一致。")
            lines = [f"  案件 {d.case_id}{' ' + d.subject if d.subject else ''}  规则 {d.rule_id}  仅 {d.found_by} 命中"
                     for d in self.differences[:limit]]
            more = [f"  …… 另有 {len(self.differences) - limit} 项"] if len(self.differences) > limit else []
        return "\n".join([head, *lines, *more])


def check_parity(run: PreparedRun, engines=None, *, known_hits: dict | None = None) -> ParityReport:
    """Judge `run` with every engine in `engines` (names or evaluator objects; default: the registry's
    parity set) and compare each with the first. `known_hits` (engine name → hits) reuses verdicts
    already made on this same run, e.g. by the engine the audit itself used."""
    known_hits = known_hits or {}
    evaluators = [registry.create(e) if isinstance(e, str) else e for e in (engines or registry.parity_names())]
    hits = [known_hits[ev.name] if ev.name in known_hits else ev.hits(run.rules, run.facts, run.ctx)
            for ev in evaluators]
    facts = run.facts
    report = ParityReport(engines=tuple(ev.name for ev in evaluators), as_of=run.as_of, rules=len(run.rules),
                          rows={scope: len(frame) for scope, frame in facts.frames.items()}, agreed=0)
    reference = evaluators[0].name
    for other, other_hits in zip(evaluators[1:], hits[1:]):
        for rule in run.rules:
            a = set(np.asarray(hits[0].get(rule.id, ()), dtype=np.int64).tolist())
            b = set(np.asarray(other_hits.get(rule.id, ()), dtype=np.int64).tolist())
            report.agreed += len(a & b)
            frame = facts.frames[rule.scope]
            for pos, name, missed in sorted([(p, reference, other.name) for p in a - b]
                                            + [(p, other.name, reference) for p in b - a]):
                subject = str(frame[rule.subject].iat[pos]) if rule.subject else ""
                report.differences.append(Difference(rule.id, str(frame["case_id"].iat[pos]), subject, name, missed))
    report.differences.sort(key=lambda d: (d.case_id, d.rule_id, d.subject, d.found_by))
    return report
