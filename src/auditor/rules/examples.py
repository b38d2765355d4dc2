"""A rule's embedded examples as canonical tables, and the outcome of running one.

A `fire` example must make its rule fire; a `pass` example must not. Examples are partial case
records (plus optional recordings, disclosures, as-of date and parameter overrides); the runner is
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

    @property
    def ok(self) -> bool:
        return not self.error and self.fired == (self.kind == "fire")


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
    return {
        "cases": to_frame("cases", [_only_known("cases", case)]),
        "recordings": to_frame("recordings", [_only_known("recordings", r) for r in recordings]) if recordings
        else to_frame("recordings", {}),
        "disclosures": to_frame("disclosures", [_only_known("disclosures", r) for r in disclosures]) if disclosures
        else to_frame("disclosures", {}),
    }


def _only_known(table: str, row: dict) -> dict:
    names = {f.name for f in TABLES[table]}
    return {k: v for k, v in row.items() if k in names}
