"""The generator's violation profile: which kinds of problem a generated case gets, and how often.

Two ways to inject, both deterministic per case (`vrng` is the case's own violation RNG):
- the calibrated profile (default): `data/generate/violation_profile.yaml` puts every injectable kind
  in one group with the share of cases that has a problem of that group (sources in the file and in
  docs/generate.md). Per case and group, one draw decides whether the case gets a kind of that group
  (share x `scale`, at most 1), drawn uniformly among the group's kinds that apply. A kind that
  re-plans the case's later dates (decision, service, closure) is only injected first: injected after
  another kind it would undo that one, and truth.csv would list a problem the case no longer has;
  a few other pairs that hide each other (`CONFLICTS`) never share a case.
- a flat rate (`--violation-rate R`, how the bundled sample was made): with probability R the case gets
  exactly one kind, drawn uniformly among all kinds that apply.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from importlib import resources

from auditor.errors import UsageError
from auditor.generate.lifecycle import Context
from auditor.generate.violations import REGISTRY, Plan, applicable
from auditor.yamlio import load_yaml_text

# Kinds whose mutation re-plans dates after the decision or service (plan_from_decision /
# plan_from_service), or turns the case into a terminated or revoked one.
REPLANNING = frozenset({
    "CQ-HANDLING-LATE", "CX-SERVICE-LATE", "CX-SEIZURE-TERM", "ZT-FINE-DISCRETION", "CQ-FILING-LATE",
    "SY-TERMINATION-NO-REASON", "SY-TERMINATION-NO-APPROVER", "SY-TERMINATION-GROUND",
    "SY-REVOCATION-NO-REASON", "SY-REVOCATION-NO-APPROVER", "CX-HEARING-NOTICE-LATE",
})

# Pairs that cannot share a case (in either order): one takes away what the first needs to be
# seen (found by auditing generated districts at twice the default rate against truth.csv).
_ENFORCEMENT_REPLANS = ("JL-STAGE-ENFORCEMENT", "ZX-APPLICATION-BEFORE-LAWSUIT", "ZX-APPLICATION-EARLY",
                        "ZX-APPLICATION-NO-DEMAND", "ZX-SURCHARGE-RATE", "ZX-SURCHARGE-OVER-FINE")
CONFLICTS = frozenset({
    *(("CQ-CLOSURE-LATE", k) for k in _ENFORCEMENT_REPLANS),
    *((first, k) for first in ("ZX-COURT-LATE", "ZX-DEMAND-MISSING", "ZX-RIGHT-LOST")
      for k in _ENFORCEMENT_REPLANS),
    # the filing date removed: what is measured from it can no longer be seen
    *((first, "CX-FILING-NOT-RECORDED") for first in ("CQ-FILING-LATE", "CQ-HANDLING-LATE", "JL-STAGE-START")),
    ("JL-AV-EXTRA", "JL-SERVICE-METHOD-MISSING"),  # 留置送达 is what needs the recording
    # the service date and its recording removed
    *(("JL-STAGE-SERVICE", k) for k in ("CX-SERVICE-LATE", "CX-ESERVICE-CONSENT", "JL-SERVICE-METHOD-MISSING",
                                        "ZX-SURCHARGE-RATE", "ZX-SURCHARGE-OVER-FINE")),
    *(("JL-STAGE-SERVICE", k) for k in _ENFORCEMENT_REPLANS),  # the lawsuit window runs from service
    *(("JL-STAGE-INVESTIGATION", k) for k in ("JL-REC-OFFICERS", "JL-REC-NOT-IN-CASE")),  # recordings removed
    *(("CQ-CLOSURE-LATE", k) for k in ("ZX-COURT-LATE", "ZX-DEMAND-MISSING", "ZX-RIGHT-LOST", "JL-AV-DEMOLITION")),
    ("ZT-PARTY-TYPE", "GS-PERSONAL-DATA"),  # a person's ID is what the disclosure must mask
})


@dataclass(frozen=True)
class Group:
    name: str
    share: float
    kinds: tuple[str, ...]


def load_profile() -> tuple[Group, ...]:
    """The shipped profile; every registry kind in exactly one group (checked, so a new kind is placed)."""
    text = (resources.files("auditor") / "data" / "generate" / "violation_profile.yaml").read_text("utf-8")
    doc = load_yaml_text(text, "violation_profile.yaml")
    groups = tuple(Group(g["name"], float(g["share"]), tuple(g["kinds"])) for g in doc["groups"])
    placed = [k for g in groups for k in g.kinds]
    unknown = sorted(set(placed) - set(REGISTRY))
    missing = sorted(set(REGISTRY) - set(placed))
    twice = sorted({k for k in placed if placed.count(k) > 1})
    if unknown or missing or twice:
        raise ValueError(f"violation_profile.yaml: unknown {unknown}, unplaced {missing}, repeated {twice}")
    return groups


def inject_profile(plan: Plan, vrng: random.Random, ctx: Context, groups: tuple[Group, ...],
                   scale: float) -> list[str]:
    """Inject at most one kind per group into `plan`; returns the ids injected, in order."""
    injected: list[str] = []
    for group in groups:
        if vrng.random() >= min(1.0, group.share * scale):
            continue
        members = set(group.kinds)
        kinds = [k for k in applicable(plan, ctx)
                 if k.id in members and not (injected and k.id in REPLANNING)
                 and not any((done, k.id) in CONFLICTS or (k.id, done) in CONFLICTS for done in injected)]
        if kinds:
            kind = vrng.choice(kinds)
            kind.mutate(plan, vrng, ctx)
            injected.append(kind.id)
    return injected


def inject_flat(plan: Plan, vrng: random.Random, ctx: Context, rate: float) -> list[str]:
    """With probability `rate`, one kind drawn uniformly among all that apply."""
    if vrng.random() < rate:
        kinds = applicable(plan, ctx)
        if kinds:
            kind = vrng.choice(kinds)
            kind.mutate(plan, vrng, ctx)
            return [kind.id]
    return []


def check_scale(scale: float) -> float:
    if not scale >= 0:
        raise UsageError(f"违规比例倍数须为非负数: {scale}")
    return scale
