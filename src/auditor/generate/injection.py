"""What an injectable violation is, and the `@violation(...)` decorator its module declares it with.

A leaf of the generator: the injector modules (violations*.py) import it, and `violations.py` imports
those modules and orders their kinds into the one `REGISTRY`, so no injector imports its registry back.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from auditor.generate.lifecycle import Context
from auditor.model.fields import STATUSES

Plan = dict[str, Any]
Helpers = Context  # as_of, wd (working days), catalog, roster
Mutation = Callable[[Plan, random.Random, Helpers], None]


@dataclass(frozen=True)
class ViolationKind:
    id: str
    description: str
    states: tuple[str, ...]  # case statuses (as of the as-of date) the kind can appear in
    applies: Callable[[Plan, Helpers], bool]
    mutate: Mutation
    module: str  # the injector module that declared it (the registry orders kinds by module)


_DECLARED: dict[str, ViolationKind] = {}


def violation(id: str, description: str, states: tuple[str, ...] = STATUSES,
              applies: Callable[[Plan, Helpers], bool] = lambda p, h: True):
    """Declare the decorated mutation as the injector of rule `id`; ids are unique."""
    def declare(fn: Mutation) -> Mutation:
        if id in _DECLARED:
            raise ValueError(f"duplicate violation id {id}")
        _DECLARED[id] = ViolationKind(id, description, states, applies, fn, fn.__module__)
        return fn
    return declare


def declared() -> list[ViolationKind]:
    """Every kind declared so far, in declaration order."""
    return list(_DECLARED.values())


def decided_by(plan: Plan, helpers: Helpers, days: int) -> bool:
    """An ordinary-procedure case, not revoked, decided at least `days` calendar days before the as-of date."""
    d = plan.get("decision_date")
    return (plan.get("procedure") == "普通程序" and d is not None and not plan.get("_revoke")
            and d + timedelta(days=days) <= helpers.as_of)
