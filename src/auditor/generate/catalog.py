"""The sample district's reference data: squads, the cause catalogue (案由库), name material, and the
per-seed roster of officers, squad leaders and legal reviewers.

Data lives in `auditor/data/generate/*.yaml` (read by the one YAML loader, `yamlio`). The roster is drawn once per seed
from its own RNG, so every case of one export shares the same people.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from auditor.idcodes import make_credit_code
from auditor.yamlio import load_yaml_text

INDIVIDUAL_TYPES = ("自然人", "个体工商户")  # "individual" fine class; the rest are "unit"


@dataclass(frozen=True)
class Cause:
    code: str
    name: str
    act: str
    basis: str
    fine: dict[str, tuple[int, int]]  # party class ("individual"/"unit") -> (min, max) 元
    summary: float
    weight: int
    seizure: bool = False
    long: bool = False


@dataclass(frozen=True)
class Squad:
    code: str
    name: str
    roads: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    district: str
    region: str
    authority: str
    authority_code: str
    squads: tuple[Squad, ...]
    causes: tuple[Cause, ...]
    cause_weights: tuple[int, ...]
    termination_reasons: tuple[str, ...]
    revocation_reasons: tuple[str, ...]
    review_opinions: dict[str, str]
    names: dict[str, Any]


@dataclass(frozen=True)
class Roster:
    officers: dict[str, tuple[str, ...]]  # squad code -> "姓名(执法证号)" entries
    leaders: dict[str, str]  # squad code -> squad leader (approves filing, extension, termination)
    reviewers: tuple[str, ...]  # 法制审核 staff of the bureau's legal section
    directors: tuple[str, ...]  # bureau leaders (approve revocations)
    people: frozenset[str] = field(default_factory=frozenset)


def _load(name: str) -> Any:
    resource = resources.files("auditor") / "data" / "generate" / name
    return load_yaml_text(resource.read_text(encoding="utf-8"), f"auditor/data/generate/{name}")


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    squads_doc = _load("squads.yaml")
    causes_doc = _load("causes.yaml")
    causes = tuple(
        Cause(code=c["code"], name=c["name"], act=c["act"], basis=c["basis"],
              fine={k: (int(v[0]), int(v[1])) for k, v in c["fine"].items()},
              summary=float(c.get("summary", 0)), weight=int(c.get("weight", 1)),
              seizure=bool(c.get("seizure", False)), long=bool(c.get("long", False)))
        for c in causes_doc["causes"]
    )
    region = str(squads_doc["region"])
    authority_code = make_credit_code(random.Random(0), "11", region, str(squads_doc["authority_org_body"]))
    return Catalog(
        district=squads_doc["district"],
        region=region,
        authority=squads_doc["authority"],
        authority_code=authority_code,
        squads=tuple(Squad(s["code"], s["name"], tuple(s["roads"])) for s in squads_doc["squads"]),
        causes=causes,
        cause_weights=tuple(c.weight for c in causes),
        termination_reasons=tuple(causes_doc["termination_reasons"]),
        revocation_reasons=tuple(causes_doc["revocation_reasons"]),
        review_opinions=dict(causes_doc["review_opinions"]),
        names=_load("names.yaml"),
    )


def person_name(rng: random.Random, names: dict[str, Any]) -> str:
    surname = rng.choice(names["surnames"])
    given = "".join(rng.choice(names["given"]) for _ in range(1 if rng.random() < 0.35 else 2))
    return surname + given


def build_roster(seed: int, catalog: Catalog) -> Roster:
    """Officers (12-18 per squad, unique names and certificate numbers), leaders and reviewers."""
    rng = random.Random(f"{seed}:roster")
    used: set[str] = set()

    def fresh_name() -> str:
        while True:
            name = person_name(rng, catalog.names)
            if name not in used:
                used.add(name)
                return name

    cert = 100 + rng.randrange(50)
    officers: dict[str, tuple[str, ...]] = {}
    leaders: dict[str, str] = {}
    for squad in catalog.squads:
        members = []
        for _ in range(rng.randint(12, 18)):
            cert += rng.randint(1, 9)
            members.append(f"{fresh_name()}({catalog.region}{cert:05d})")
        officers[squad.code] = tuple(members)
        leaders[squad.code] = fresh_name()
    reviewers = tuple(fresh_name() for _ in range(4))
    directors = tuple(fresh_name() for _ in range(2))
    return Roster(officers, leaders, reviewers, directors, frozenset(used))
