"""Law versions by date: a deadline whose limit, unit or very existence depends on which text of the
law applies to the case.

```yaml
deadline:
  name: limitation
  from: limitation_from
  limit: {param: limitation_months_serious}   # the current text
  unit: months
  versions:
    by: limitation_from            # the date the law says decides (violation, filing, decision date)
    texts:
      - {until: 2021-07-14, limit: 24, unit: months, text: 行政处罚法（2017）第二十九条}
      - {from: 2021-07-15, text: 行政处罚法（2021）第三十六条}   # no limit/unit: the deadline's own
    lighter_at: decision_date      # optional (从旧兼从轻, 行政处罚法 第三十七条): the text in force on
    lighter: earlier_due           #   this date counts too when it is lighter for the party
```

A text with `applies: false` means the law then had no such deadline: the rule does not judge the
case. A case whose deciding date is missing, or falls in no text's period, is not judged either.
Every evaluator reads the same precomputed deadline (enrich/versioned.py), so they cannot differ.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from auditor.suggest import did_you_mean, first_unknown

_TEXT_KEYS = {"from", "until", "limit", "unit", "applies", "text"}
_VERSION_KEYS = {"by", "texts", "lighter_at", "lighter"}
LIGHTER = ("earlier_due", "later_due")


@dataclass(frozen=True)
class LawText:
    start: dt.date | None
    end: dt.date | None
    limit: Any = None  # None: the deadline's own limit; int or ParamRef before binding
    unit: str | None = None  # None: the deadline's own unit
    applies: bool = True
    text: str = ""  # which text of the law this is, for the catalogue


@dataclass(frozen=True)
class Versions:
    by: str  # date field that picks the text
    texts: tuple[LawText, ...]
    lighter_at: str | None = None
    lighter: str = "earlier_due"


def parse_versions(raw, ctx, owner, owner_key, units, parse_limit) -> Versions:
    """Parse the `versions:` block of a deadline; errors name file, line and key."""
    if not isinstance(raw, dict):
        raise ctx.error("versions 应为映射（by / texts / lighter_at / lighter）", owner, owner_key)
    key = first_unknown(raw, _VERSION_KEYS)
    if key is not None:
        raise ctx.error(f"versions 中的未知键 {key!r}{did_you_mean(key, _VERSION_KEYS)}；"
                        f"可用: {', '.join(sorted(_VERSION_KEYS))}", raw, key)
    if "by" not in raw or "texts" not in raw:
        raise ctx.error("versions 需要 by（决定适用版本的日期字段）和 texts（各版本）", raw, None)
    by = _date_field(raw["by"], ctx, raw, "by")
    lighter_at = _date_field(raw["lighter_at"], ctx, raw, "lighter_at") if raw.get("lighter_at") else None
    lighter = raw.get("lighter", "earlier_due")
    if lighter not in LIGHTER:
        raise ctx.error(f"lighter 只能是 {' 或 '.join(LIGHTER)}（哪个届满日对当事人较轻）", raw, "lighter")
    items = raw["texts"]
    if not isinstance(items, list) or not items:
        raise ctx.error("texts 应为非空列表", raw, "texts")
    texts = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ctx.error("texts 的每一项应为映射（from / until / limit / unit / applies / text）", items, i)
        key = first_unknown(item, _TEXT_KEYS)
        if key is not None:
            raise ctx.error(f"texts 中的未知键 {key!r}{did_you_mean(key, _TEXT_KEYS)}；"
                            f"可用: {', '.join(sorted(_TEXT_KEYS))}", item, key)
        unit = item.get("unit")
        if unit is not None and unit not in units:
            raise ctx.error(f"未知单位 {unit!r}；可选: {', '.join(units)}", item, "unit")
        applies = item.get("applies", True)
        if not isinstance(applies, bool):
            raise ctx.error("applies 应为 true 或 false", item, "applies")
        limit = parse_limit(item["limit"], ctx, item, "limit") if "limit" in item else None
        texts.append(LawText(start=_date(item.get("from"), ctx, item, "from"),
                             end=_date(item.get("until"), ctx, item, "until"), limit=limit, unit=unit,
                             applies=applies, text=str(item.get("text", ""))))
    ordered = sorted(texts, key=lambda t: t.start or dt.date.min)
    for a, b in zip(ordered, ordered[1:]):
        if a.end is None or b.start is None or a.end >= b.start:
            raise ctx.error("texts 的施行期间不能重叠（前一版本需写 until，后一版本需写 from）", raw, "texts")
    return Versions(by=by, texts=tuple(ordered), lighter_at=lighter_at, lighter=lighter)


def bind_versions(versions: Versions | None, params: dict, resolve_limit) -> Versions | None:
    if versions is None:
        return None
    return replace(versions, texts=tuple(
        replace(t, limit=None if t.limit is None else resolve_limit(t.limit, params)) for t in versions.texts))


def version_fields(versions: Versions | None) -> list[str]:
    if versions is None:
        return []
    return [versions.by] + ([versions.lighter_at] if versions.lighter_at else [])


def _date_field(name, ctx, owner, key) -> str:
    field = ctx.field(name, owner, key)
    if ctx.fields[field].kind not in ("date", "datetime"):
        raise ctx.error(f"{key} 须为日期字段，{field} 不是", owner, key)
    return field


def _date(value, ctx, owner, key):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise ctx.error(f"日期 {value!r} 应写作 YYYY-MM-DD", owner, key)
