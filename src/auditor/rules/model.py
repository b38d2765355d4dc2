"""A rule as loaded from the pack, and the same rule bound to a run's parameters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from auditor.findings import Basis
from auditor.rules.conditions import bind, deadlines_of, fields_of


@dataclass(frozen=True)
class DueRule:
    """When the correction (整改) is due: N working or calendar days after the audit's as-of date."""

    amount: Any  # int or ParamRef
    unit: str  # working_days | calendar_days


@dataclass(frozen=True)
class Effective:
    """The rule applies to cases whose `field` date (first present of `fields`) is in [start, end]."""

    fields: tuple[str, ...]
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class Example:
    kind: str  # "fire", "pass" or "unknown" (the export cannot decide: 无法判定)
    case: dict
    recordings: tuple = ()
    disclosures: tuple = ()
    as_of: dt.date | None = None
    params: dict = field(default_factory=dict)
    note: str = ""
    line: int = 0
    unsupplied: tuple = ()  # tables ("recordings") or columns ("filing_approver", "recordings.media") not supplied


@dataclass(frozen=True)
class Rule:
    id: str
    title: dict
    theme: str
    severity: str
    scope: str  # "case" or "recording"
    basis: tuple[Basis, ...]
    description: dict
    applies: Any
    violation: Any
    params: tuple[str, ...]
    message: dict
    correction: dict
    departments: tuple[str, ...]
    due: DueRule
    effective: Effective | None
    subject: str | None  # field naming what a finding is about, beyond the case (recording_id)
    examples: tuple[Example, ...]
    file: str
    line: int
    tags: tuple[str, ...] = ()
    empty: dict = field(default_factory=dict)  # field -> (means, reason): the rule's own reading of empty cells
    departments_if: tuple[tuple[str, str], ...] = ()  # (department, bool fact): named only where the fact holds

    @property
    def deadlines(self):
        """Each deadline once, even when the rule names it in both `applies` and `violation`."""
        seen = {}
        for spec in deadlines_of(self.applies) + deadlines_of(self.violation):
            seen.setdefault(spec.key, spec)
        return list(seen.values())

    @property
    def evidence_fields(self) -> list[str]:
        out = fields_of(self.violation)
        for name in fields_of(self.applies):
            if name not in out:
                out.append(name)
        return out

    def bind(self, params: dict) -> "Rule":
        """The rule with parameters substituted (what the evaluators see)."""
        return replace(self, applies=bind(self.applies, params), violation=bind(self.violation, params))

