"""A rule's own reading of empty cells (`empty:` in the rule YAML), checked when the pack loads.

The field catalogue (model/fields.py) says once what an empty cell of each field means. A rule may
read it otherwise for a reason of its own, e.g. a 全过程记录 rule for which an empty 立案审批人 in a
supplied column *is* the breach (the file holds no approval record):

    empty:
      filing_approver: {means: not_done, reason: 案卷中没有立案审批记录即为本规则所查的缺失}

Only canonical fields the rule reads can be overridden, only to the other meaning, and only with a
reason. A column or table the export did not supply stays unknown whatever the rule says.
"""

from __future__ import annotations

from auditor.model.fields import EMPTY_MEANINGS, TABLES
from auditor.rules.conditions import fields_of
from auditor.suggest import did_you_mean

SCOPE_TABLE = {"case": "cases", "recording": "recordings"}


def parse_empty(raw, ctx, scope: str, conditions) -> dict[str, tuple[str, str]]:
    """field -> (means, reason) from a rule's `empty:` mapping (already schema-checked)."""
    if not raw:
        return {}
    catalogue = {f.name: f for f in TABLES[SCOPE_TABLE[scope]]}
    read = set()
    for node in conditions:
        read.update(fields_of(node))
    out = {}
    for name, spec in raw.items():
        if name not in catalogue:
            raise ctx.error(f"empty 只能覆盖{'案件' if scope == 'case' else '记录'}表的原始字段，{name!r} 不是"
                            f"{did_you_mean(str(name), catalogue)}", raw, name)
        if name not in read:
            raise ctx.error(f"empty 覆盖的字段 {name} 未被本规则的条件读取", raw, name)
        means = spec["means"]
        if means not in EMPTY_MEANINGS:
            raise ctx.error(f"empty 的 means 只能是 {' / '.join(EMPTY_MEANINGS)}", spec, "means")
        if means == catalogue[name].empty_means:
            raise ctx.error(f"字段 {name} 在字段目录中已是 {means}，无需覆盖", spec, "means")
        reason = str(spec.get("reason") or "").strip()
        if not reason:
            raise ctx.error("empty 覆盖须写明理由（reason）", spec, "reason")
        out[name] = (means, reason)
    return out
