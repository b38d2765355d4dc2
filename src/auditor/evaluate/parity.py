"""Judge one prepared run with several evaluators and list every (case, rule) on which they disagree.

The evaluators are written independently from one condition tree; where one differs from the reference
(the registry's REFERENCE engine), one of them (or the engine underneath, e.g. durable_rules) has a bug.
They are compared on all four outcomes (违规 / 合规 / 不适用 / 无法判定), not only on which rows are
violated. `auditor audit --check-parity` exits 2 with `ParityReport.format()` when the report is not `ok`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from auditor.evaluate import registry
from auditor.evaluate.context import PreparedRun
from auditor.evaluate.outcome import Outcome
from auditor.findings import VERDICT_EN, VERDICTS


@dataclass(frozen=True)
class Difference:
    rule_id: str
    case_id: str
    subject: str  # e.g. the recording id of a recording-scope rule; "" for case rules
    found_by: str  # the evaluator that fired when only one did; else ""
    missed_by: str = ""  # the evaluator that did not
    verdicts: tuple[str, str] = ("", "")  # (reference, other): 违规 / 合规 / 不适用 / 无法判定
    engines: tuple[str, str] = ("", "")  # (reference, other)


@dataclass
class ParityReport:
    engines: tuple[str, ...]  # the reference first
    as_of: dt.date
    rules: int
    rows: dict[str, int]  # scope -> rows judged
    agreed: int  # (rule, row) pairs where both fired
    differences: list[Difference] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)  # outcome -> (rule, row) pairs all gave it

    @property
    def ok(self) -> bool:
        return not self.differences

    def format(self, lang: str = "zh", limit: int = 50) -> str:
        a, b = self.engines[0], "、".join(self.engines[1:])
        rows = "、".join(f"{scope} {n}" for scope, n in self.rows.items())
        if lang == "en":
            head = (f"Parity {a} vs {b} (as of {self.as_of}): {self.rules} rules, rows {rows}; "
                    f"{self.agreed} findings agreed, {len(self.differences)} differ.")
            lines = [f"  {d.case_id}{' ' + d.subject if d.subject else ''}  {d.rule_id}  "
                     + (f"only {d.found_by}" if d.found_by else
                        f"{d.engines[0]} {VERDICT_EN.get(d.verdicts[0], '?')}, "
                        f"{d.engines[1]} {VERDICT_EN.get(d.verdicts[1], '?')}")
                     for d in self.differences[:limit]]
            more = [f"  ... {len(self.differences) - limit} more"] if len(self.differences) > limit else []
        else:
            head = (f"评估引擎一致性检查 {a} 对 {b}（基准日 {self.as_of}）：{self.rules} 条规则，{rows} 行；"
                    f"{self.agreed} 项一致，{len(self.differences)} 项不一致。")
            lines = [f"  案件 {d.case_id}{' ' + d.subject if d.subject else ''}  规则 {d.rule_id}  "
                     + (f"仅 {d.found_by} 命中" if d.found_by else
                        f"{d.engines[0]} {d.verdicts[0]}，{d.engines[1]} {d.verdicts[1]}")
                     for d in self.differences[:limit]]
            more = [f"  …… 另有 {len(self.differences) - limit} 项"] if len(self.differences) > limit else []
        return "\n".join([head, *lines, *more])


def check_parity(run: PreparedRun, engines=None, *, known_hits: dict | None = None,
                 known_outcomes: dict | None = None) -> ParityReport:
    """Judge `run` with every engine in `engines` (names or evaluator objects; default: the registry's
    parity set) and compare each with the first, outcome by outcome. `known_outcomes` (engine name →
    outcomes) reuses verdicts already made on this same run when they are complete; `known_hits` is
    accepted for evaluators that only report hits."""
    known_outcomes = known_outcomes or {}
    evaluators = [registry.create(e) if isinstance(e, str) else e for e in (engines or registry.parity_names())]
    verdicts = [_verdicts(ev, run, known_outcomes.get(ev.name), (known_hits or {}).get(ev.name))
                for ev in evaluators]
    facts = run.facts
    report = ParityReport(engines=tuple(ev.name for ev in evaluators), as_of=run.as_of, rules=len(run.rules),
                          rows={scope: len(frame) for scope, frame in facts.frames.items()}, agreed=0,
                          outcomes={v: 0 for v in VERDICTS})
    reference = evaluators[0].name
    for other, other_verdicts in zip(evaluators[1:], verdicts[1:]):
        for rule in run.rules:
            a, b = verdicts[0][rule.id], other_verdicts[rule.id]
            if _hits_only(a) or _hits_only(b):
                a, b = _as_hits(a), _as_hits(b)  # an evaluator that only reports hits: compare those
            same = a == b
            for v in VERDICTS:
                report.outcomes[v] += int(np.count_nonzero(same & (a == v)))
            report.agreed += int(np.count_nonzero(same & (a == "违规")))
            frame = facts.frames[rule.scope]
            for pos in np.flatnonzero(~same).tolist():
                subject = str(frame[rule.subject].iat[pos]) if rule.subject else ""
                found, missed = (reference, other.name) if a[pos] == "违规" else \
                    (other.name, reference) if b[pos] == "违规" else ("", "")
                report.differences.append(Difference(rule.id, str(frame["case_id"].iat[pos]), subject, found, missed,
                                                     (a[pos], b[pos]), (reference, other.name)))
    report.differences.sort(key=lambda d: (d.case_id, d.rule_id, d.subject, d.engines[1], d.found_by))
    return report


HITS_ONLY = "违规或未违规"


def _hits_only(verdicts: np.ndarray) -> bool:
    return bool(len(verdicts)) and verdicts[0] in ("违规", HITS_ONLY) and np.isin(verdicts, ("违规", HITS_ONLY)).all()


def _as_hits(verdicts: np.ndarray) -> np.ndarray:
    return np.where(verdicts == "违规", "违规", HITS_ONLY).astype(object)


def _verdicts(evaluator, run: PreparedRun, known=None, known_hits=None) -> dict[str, np.ndarray]:
    """rule id → the evaluator's outcome per row (an evaluator that only reports hits: 违规 or 合规)."""
    if known is not None and all(o.complete for o in known.values()):
        outcomes = known
    elif hasattr(evaluator, "outcomes"):
        outcomes = evaluator.outcomes(run.rules, run.facts, run.ctx, every_outcome=True)
    else:
        hits = known_hits if known_hits is not None else evaluator.hits(run.rules, run.facts, run.ctx)
        out = {}
        for r in run.rules:
            v = np.full(len(run.facts.frames[r.scope]), HITS_ONLY, dtype=object)
            v[np.asarray(hits.get(r.id, ()), dtype=np.int64)] = "违规"
            out[r.id] = v
        return out
    return {rule_id: o.verdicts() for rule_id, o in outcomes.items()}
