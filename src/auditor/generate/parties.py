"""Parties of the sample cases: natural persons with valid ID numbers, businesses and organisations with
valid unified social credit codes (both check digits of GB 32100 / GB 11714 hold)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from auditor.generate.catalog import Catalog, Cause, person_name
from auditor.idcodes import CREDIT_ALPHABET, make_credit_code, make_id_card


@dataclass(frozen=True)
class Party:
    type: str  # one of fields.PARTY_TYPES
    name: str
    id: str  # ID number (自然人) or unified social credit code
    legal_rep: str | None  # 法定代表人 / 负责人 / 经营者; None for a natural person

    @property
    def fine_class(self) -> str:
        return "individual" if self.type in ("自然人", "个体工商户") else "unit"


def party_type_for(rng: random.Random, cause: Cause) -> str:
    classes = cause.fine
    if "individual" in classes and "unit" in classes:
        return rng.choices(("自然人", "个体工商户", "法人", "其他组织"), weights=(30, 30, 30, 10))[0]
    if "individual" in classes:
        return "自然人"
    return rng.choices(("法人", "其他组织"), weights=(8, 2))[0]


def make_party(rng: random.Random, cause: Cause, when: date, catalog: Catalog) -> Party:
    names = catalog.names
    ptype = party_type_for(rng, cause)
    if ptype == "自然人":
        return Party(ptype, person_name(rng, names), _id_number(rng, when, names), None)
    trade = rng.choice(names["trade"])
    if ptype == "个体工商户":
        name = f"上海市{catalog.district}{trade}{rng.choice(names['shop_lines'])}"
        code = make_credit_code(rng, "92", catalog.region, _org_body(rng))
        return Party(ptype, name, code, person_name(rng, names))
    line = rng.choice(names["company_lines"].get(cause.code, names["company_lines"]["default"]))
    region = rng.choice(names["credit_regions"])
    if ptype == "法人":
        name = f"上海{trade}{line}有限公司"
        code = make_credit_code(rng, "91", region, _org_body(rng))
    elif rng.random() < 0.7:
        name = f"上海{trade}{line}有限公司{catalog.district.removesuffix('区')}分公司"
        code = make_credit_code(rng, "91", catalog.region, _org_body(rng))
    else:
        name = f"上海市{catalog.district}{trade}文化艺术中心"
        code = make_credit_code(rng, "52", catalog.region, _org_body(rng))
    return Party(ptype, name, code, person_name(rng, names))


def _id_number(rng: random.Random, when: date, names: dict) -> str:
    pool = names["id_regions_shanghai"] if rng.random() < 0.65 else names["id_regions_other"]
    age_days = rng.randint(19 * 365, 72 * 365)
    return make_id_card(rng, rng.choice(pool), when - timedelta(days=age_days))


def _org_body(rng: random.Random) -> str:
    """New-style (MA + 6) for most, old-style 8-digit organisation codes for the rest."""
    if rng.random() < 0.65:
        return "MA" + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(6))
    return "".join(rng.choice("0123456789") for _ in range(8))
