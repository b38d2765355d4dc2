"""Masking of personal data in reports (names partly, ID numbers except the last four)."""

from __future__ import annotations

import re

_ORG_HINT = re.compile(r"(公司|厂|店|部|中心|合作社|事务所|工作室|酒店|餐厅|超市|集团|学校|医院|商行|门市|馆)")


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


def mask_field(name: str, value, field, party_type):
    """The one masking policy for a cell of a canonical field: a personal field is masked (a name partly,
    an ID number but its last four characters, an organisation's code not at all); others stay whole."""
    if field is None or not getattr(field, "personal", False) or value is None:
        return value
    if "name" in name:
        return mask_name(value)
    return mask_id(value, organisation=party_type not in ("自然人", None))
