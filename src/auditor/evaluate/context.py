"""The shapes every evaluator reads: the enriched facts, the run context and the prepared run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from auditor.enrich.calendar import WorkCalendar
from auditor.enrich.deadlines import DeadlineResult
from auditor.rules.model import Rule

if TYPE_CHECKING:
    from auditor.rules.loader import RulePack
    from auditor.rules.params import Profile

SCOPES = ("case", "recording")


@dataclass
class Facts:
    """The enriched tables the evaluators read, and every deadline computed on them."""

    frames: dict[str, pd.DataFrame]  # scope -> facts (RangeIndex 0..n-1)
    deadlines: dict[str, DeadlineResult] = field(default_factory=dict)  # spec.key -> result
    fields: dict[str, dict] = field(default_factory=dict)  # scope -> name -> Field
    unknowns: Any = None  # enrich/unknowns.py Unknowns: which values the export does not establish
    deadline_unknown: dict[str, np.ndarray] = field(default_factory=dict)  # spec.key -> unknown rows
    supplied: dict | None = None  # table -> supplied columns (auditor.coverage)


@dataclass(frozen=True)
class RunContext:
    as_of: dt.date
    calendar: WorkCalendar
    params: dict
    warning_days: int = 7
    show_personal_data: bool = False


class Evaluator(Protocol):
    name: str

    def hits(self, rules: list[Rule], facts: Facts, ctx: RunContext) -> dict[str, np.ndarray]:
        """rule id → sorted positions (in the rule's scope frame) of the rows where the rule fires."""


@dataclass
class PreparedRun:
    """One audit made ready for judging, once: every evaluator judges exactly this.

    `rules` are the selected rules bound to the run's parameters; `tables` the canonical tables after
    the squad filter; `applicable` says, per rule, which rows of its scope the rule applies to on the
    as-of date (effective ∧ applies) — for warnings, the deadline table and notices, never findings.
    """

    pack: RulePack
    profile: Profile
    calendar: WorkCalendar
    rules: list[Rule]
    ctx: RunContext
    tables: dict[str, pd.DataFrame]
    facts: Facts
    applicable: dict[str, np.ndarray]
    squads: tuple = ()
    rule_ids: tuple = ()
    supplied: dict | None = None  # table -> supplied columns (auditor.coverage)

    @property
    def as_of(self) -> dt.date:
        return self.ctx.as_of
