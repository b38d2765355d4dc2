"""The one masking policy for personal data, used by findings, explain and every report: names partly,
ID numbers except the last four, an organisation's name and credit code whole."""

from __future__ import annotations

import re

_ORG_HINT = re.compile(r"(公司|厂|店|部|中心|合作社|事务所|工作室|酒店|餐厅|超市|集团|学校|医院|商行|门市|馆)")


_MASK_RUN = re.compile(r"[*＊×]+")


def matches_masked(value: str, masked: str) -> bool:
    """Whether a value published with mask characters (3101**********1282, 王**) can be `value`: the
    visible parts appear in order, the first at the start and the last at the end, and each run of
    mask characters hides at least one character. Platforms mask differently (first 4 + last 4, or
    last 4 only); any masking consistent with the value is accepted. Case is ignored."""
    value, masked = value.strip().upper(), masked.strip().upper()
    if len(masked) == len(value):
        return all(m in "*＊×" or m == v for m, v in zip(masked, value))
    parts = _MASK_RUN.split(masked)
    pattern = "".join(re.escape(p) + (".+" if i < len(parts) - 1 else "") for i, p in enumerate(parts))
    return re.fullmatch(pattern, value, flags=re.DOTALL) is not None


def mask_name(name: str | None) -> str | None:
    """张三 -> 张*, 欧阳娜娜 -> 欧阳**; organisation names are public and stay whole."""
    if not name:
        return name
    if _ORG_HINT.search(name) or len(name) > 8:
        return name
    keep = 2 if len(name) >= 4 else 1
    return name[:keep] + "*" * (len(name) - keep)


def mask_id(value: str | None, organisation: bool = False) -> str | None:
    """Everything but the last four characters replaced by *. An organisation's unified social credit
    code is public (it is published with every 双公示 record) and stays whole."""
    if not value or organisation:
        return value
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]



def is_organisation(party_type) -> bool:
    """Whether the party is not a natural person (its credit code is public, its name a firm's name)."""
    return isinstance(party_type, str) and party_type not in ("自然人", "")


def mask_personal(name: str, value, *, organisation: bool = False):
    """The one masking policy, for a value of the personal field `name`: a name partly masked (an
    organisation's name stays whole, see mask_name), an ID number all but its last four characters
    (an organisation's code stays whole). Non-text values pass through."""
    if not isinstance(value, str):
        return value
    if "name" in name or name == "legal_rep":
        return mask_name(value)
    return mask_id(value, organisation=organisation)


def mask_field(name: str, value, field, party_type):
    """`value` of the canonical or derived `field` (None: unknown) masked by the one policy when the
    field is personal; the case's `party_type` says whether the party is an organisation."""
    if field is None or not getattr(field, "personal", False) or value is None:
        return value
    return mask_personal(name, value, organisation=is_organisation(party_type))
