"""A rule's embedded examples as canonical tables, and the outcome of running one.

A `fire` example must make its rule fire (违规); a `pass` example must be decided without a breach
(合规 or 不适用); an `unknown` example must leave the export unable to decide (无法判定). Examples are
partial case records (plus optional recordings, disclosures, as-of date, parameter overrides and
`unsupplied`: tables or columns the example's export does not have); the runner is
`auditor.pipeline.examples`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from auditor.model.fields import TABLES
from auditor.model.frame import to_frame
from auditor.rules.model import Example, Rule

EXAMPLE_AS_OF = dt.date(2026, 11, 25)  # default as-of date of an example without its own


@dataclass(frozen=True)
class ExampleOutcome:
    rule_id: str
    kind: str
    index: int
    line: int
    fired: bool
    file: str
    note: str = ""
    error: str = ""
    verdict: str = ""  # 违规 / 合规或不适用 (""), 无法判定

    @property
    def ok(self) -> bool:
        if self.error:
            return False
        if self.kind == "unknown":
            return self.verdict == "无法判定"
        if self.kind == "pass":
            return not self.fired and self.verdict != "无法判定"
        return self.fired


def example_tables(rule: Rule, example: Example, index: int) -> dict:
    case = {"case_id": f"EX-{rule.id}-{example.kind}-{index + 1}", "squad": "示例中队", **example.case}
    case = {k: (tuple(v) if isinstance(v, list) else v) for k, v in case.items()}
    recordings = []
    for i, row in enumerate(example.recordings):
        rec = {"case_id": case["case_id"], "recording_id": f"R{i + 1}", **row}
        recordings.append({k: (tuple(v) if isinstance(v, list) else v) for k, v in rec.items()})
    disclosures = [dict(row) for row in example.disclosures]
    for row in disclosures:
        row.setdefault("decision_no", case.get("decision_no"))
    tables = {
        "cases": to_frame("cases", [_only_known("cases", case)]),
        "recordings": to_frame("recordings", [_only_known("recordings", r) for r in recordings]) if recordings
        else to_frame("recordings", {}),
        "disclosures": to_frame("disclosures", [_only_known("disclosures", r) for r in disclosures]) if disclosures
        else to_frame("disclosures", {}),
    }
    return tables


def example_supplied(example: Example) -> dict:
    """What the example's export supplied: everything but its `unsupplied` tables and columns."""
    supplied = {t: set(f.name for f in fields) for t, fields in TABLES.items()}
    for name in example.unsupplied:
        table, _, column = name.rpartition(".")
        if not table and name in ("recordings", "disclosures"):
            supplied.pop(name, None)
            continue
        supplied.get(table or "cases", set()).discard(column)
    return {t: frozenset(c) for t, c in supplied.items()}


def _only_known(table: str, row: dict) -> dict:
    names = {f.name for f in TABLES[table]}
    return {k: v for k, v in row.items() if k in names}
