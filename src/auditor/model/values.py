"""Parse one raw text value of an export into its canonical kind.

Every reader goes through here, so the accepted forms are defined once: dates as 2025-05-23,
2025/5/23, 2025年5月23日 or 20250523 (each optionally with a time), booleans as 是/否, 有/无, Y/N,
yes/no, true/false, 1/0, √/×, amounts with thousands separators and ¥/元, lists separated by 、 , ;
(also full-width ，；). A bad value raises `ValueError` whose message is a short Chinese reason.

Impossible dates are rejected, never coerced (2025-02-30 is an error, not 2025-03-02). Parsing runs on
millions of cells: `make_parser` builds one closure per column with a memo for the repetitive kinds,
and dates try the ISO fast path first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from auditor.model.fields import Field

Parser = Callable[[str], Any]

# One separator class for every list field; officers look like 张伟(31010600123), so no
# parentheses or spaces here.
_LIST_SPLIT = re.compile(r"[、,;，；\n\r]+")

# 2025-05-23 / 2025/5/23 / 2025.5.23 / 2025年5月23日, optional time 14:30, 14:30:00, 14时30分.
_DATE_RE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s*T\s*|\s+|(?<=日))(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*(?:[:：分]\s*(\d{1,2})(?:\.\d{1,6})?\s*秒?|分)?)?"
)
# 20250523, optional time 1430 / 143000 / 14:30 / 14:30:00.
_COMPACT_RE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:[ T]?(\d{2}):?(\d{2})(?::?(\d{2}))?)?")

_TRUE = frozenset({"是", "有", "y", "yes", "true", "t", "1", "√", "✓", "✔", "对"})
_FALSE = frozenset({"否", "无", "n", "no", "false", "f", "0", "×", "✗", "✘", "x"})

_AMOUNT_RE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+")
_INT_RE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.0+)?")
_CURRENCY = ("¥", "￥", "元", "人民币", "RMB", "CNY")

MAX_DATE_CHARS = 64  # 2025年05月23日 14时30分00秒 needs 22
MAX_AMOUNT = 1e12  # yuan; a bigger amount is a typo or an attack, never a fine
_CACHE_LIMIT = 200_000  # distinct texts per memo before it is dropped (bounds memory)


def decimal_places(field: Field) -> int:
    """Amounts keep 分 (0.01 元); an amount in 万元 (the disclosure platform) needs 6 places for that."""
    return 6 if "万元" in field.zh else 2


def missing_value(field: Field) -> Any:
    """The canonical 'missing' of a field: `()` for lists, None otherwise."""
    return () if field.kind in ("list", "enum_list") else None


def parse_value(field: Field, text: str | None, date_formats: Sequence[str] | None = None,
                value_map: Mapping[str, str] | None = None) -> Any:
    """Parse `text` for `field`; empty text is the field's missing value.

    `date_formats` are the mapping profile's `strptime` formats, tried before the ISO form and the built-in
    forms; `value_map` rewrites a source value (each item, for lists) before it is checked.
    """
    if text is None:
        return missing_value(field)
    return make_parser(field, date_formats, value_map)(text)


def make_parser(field: Field, date_formats: Sequence[str] | None = None,
                value_map: Mapping[str, str] | None = None) -> Parser:
    """A `text -> value` function for one column; raises ValueError with a Chinese reason."""
    convert = _converter(field, tuple(date_formats or ()), dict(value_map or {}))
    missing = missing_value(field)

    def parse(text: str) -> Any:
        if not text:
            return missing
        hit = convert(text)
        if hit.__class__ is Failure:
            raise ValueError(hit.reason)
        return hit
    return parse


class Failure:
    """A value that did not parse, with its reason (what column parsers return instead of raising)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason


ColumnParser = Callable[[Sequence[Any]], tuple[list[Any], list[tuple[int, str]]]]


def make_column_parser(field: Field, date_formats: Sequence[str] | None = None,
                       value_map: Mapping[str, str] | None = None) -> ColumnParser:
    """Parse a whole column of raw values at once: `raw -> (values, [(row, reason), ...])`.

    Raw values are text, None, or (list fields, from XML) a tuple of item texts. Repetitive kinds
    keep a memo across calls, so a million dates cost about as many dictionary look-ups.
    """
    missing = missing_value(field)
    vmap = dict(value_map or {})
    if field.kind == "str":
        shared: dict[str, str] = {}

        def strs(raw):
            if vmap:
                values = [(vmap.get(t.strip(), t.strip()) or None) if t else None for t in raw]
            else:
                values = [t.strip() or None if t else None for t in raw]
            # A repetitive column (squad, approver, cause) keeps one object per distinct text,
            # across batches too: a million rows of 16 squads hold 16 strings, not a million.
            local = dict(zip(values, values))
            if len(local) * 4 < len(values):
                if len(shared) >= _CACHE_LIMIT:
                    shared.clear()
                for text in local:
                    if text is not None:
                        local[text] = shared.setdefault(text, text)
                values = list(map(local.__getitem__, values))
            return values, []
        return strs
    convert = _converter(field, tuple(date_formats or ()), vmap)
    memo: dict[Any, Any] = {None: missing, "": missing}
    failed: set[Any] = set()  # memo keys whose value is a Failure
    unique = [False]  # the last batch was mostly new texts (times of day, amounts): no memo

    def direct(raw):
        values = [convert(t) if t else missing for t in raw]
        return values, [(i, v.reason) for i, v in enumerate(values) if v.__class__ is Failure]

    def column(raw):
        if unique[0]:
            got = direct(raw)
            unique[0] = len(raw) < 256 or len(set(raw[:256])) > 128  # a sample says whether it still is
            return got
        if len(memo) >= _CACHE_LIMIT:
            memo.clear()
            memo[None] = memo[""] = missing
            failed.clear()
        # set.difference walks the (small) batch and looks each text up in the memo; difference_update
        # with a dict would walk the whole memo (up to _CACHE_LIMIT entries) for every batch.
        distinct = set(raw).difference(memo)
        if len(raw) >= 256 and len(distinct) * 2 > len(raw):
            unique[0] = True
            return direct(raw)
        for t in distinct:  # each new text parsed once; the rest is C-level look-ups
            v = memo[t] = convert(t)
            if v.__class__ is Failure:
                failed.add(t)
        values = list(map(memo.__getitem__, raw))
        if not failed or failed.isdisjoint(raw):
            return values, []
        return values, [(i, values[i].reason) for i, t in enumerate(raw) if t in failed]
    return column


def _converter(field: Field, formats: tuple[str, ...], vmap: dict[str, str]) -> Callable[[Any], Any]:
    """Non-empty raw value -> value or Failure (never raises); not memoized."""
    kind = field.kind
    if kind == "str":
        def convert_str(text):
            t = text.strip()
            return (vmap.get(t, t) if vmap else t) or None
        return convert_str
    if kind in ("list", "enum_list"):
        item = _enum_item_parser(field, vmap) if kind == "enum_list" else _str_item_parser(vmap)

        def convert_list(value):
            parts = value if value.__class__ is tuple else _LIST_SPLIT.split(value)
            out = []
            try:
                for part in parts:
                    if part:
                        v = item(part)
                        if v is not None:
                            out.append(v)
            except ValueError as exc:
                return Failure(str(exc))
            return tuple(out)
        return convert_list
    base = {
        "date": lambda t: _parse_date(t, formats),
        "datetime": lambda t: _parse_datetime(t, formats),
        "bool": _parse_bool,
        "int": _parse_int,
        "decimal": lambda t: _parse_decimal(t, decimal_places(field)),
        "enum": _enum_item_parser(field, {}),
    }[kind]

    def convert(text):
        t = text.strip()
        if vmap:
            t = vmap.get(t, t)
        if not t:
            return None
        try:
            return base(t)
        except ValueError as exc:
            return Failure(str(exc))
    return convert


def split_list_text(text: str) -> list[str]:
    """The items of a list written as text (张三、李四), as `parse_value` splits them."""
    return [part for part in _LIST_SPLIT.split(text) if part.strip()]


def parse_items(field: Field, items: Sequence[str | None],
                value_map: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """A list field given as separate items (XML `<officer>` children), checked like split text."""
    item = (_enum_item_parser(field, dict(value_map or {})) if field.kind == "enum_list"
            else _str_item_parser(dict(value_map or {})))
    out = []
    for raw in items:
        if raw is None:
            continue
        value = item(raw)
        if value is not None:
            out.append(value)
    return tuple(out)


# --- kinds -------------------------------------------------------------------------------------

def _str_item_parser(vmap: dict[str, str]) -> Parser:
    def parse(text: str) -> str | None:
        t = text.strip()
        if vmap:
            t = vmap.get(t, t)
        return t or None
    return parse


def _enum_item_parser(field: Field, vmap: dict[str, str]) -> Parser:
    choices = frozenset(field.choices)
    listed = ", ".join(field.choices)

    def parse(text: str) -> str | None:
        t = text.strip()
        if vmap:
            t = vmap.get(t, t)
        if not t:
            return None
        if t in choices:
            return t
        raise ValueError(f"不在可选值中: {t}; 可选: {listed}")
    return parse


_MISS = object()


# What a canonical date column (datetime64[ns]) can hold; outside it numpy would wrap the value into
# another century without a word, so such a date is refused by the parser instead.
DATE_MIN = date(1677, 9, 22)
DATE_MAX = date(2262, 4, 11)


def _in_range(value, text: str):
    day = value.date() if isinstance(value, datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValueError(f"日期超出可处理范围: {text}（可处理 {DATE_MIN} 至 {DATE_MAX}；"
                         "表示“无限期”的日期可在映射配置 values 中映射为空）")
    return value


def _by_formats(text: str, formats: tuple[str, ...]) -> datetime | None:
    """The first of the mapping profile's own formats that reads `text`; they come before every
    built-in form, so a column is read one way (a profile's %Y-%d-%m is never read as ISO)."""
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError as exc:
            if "out of range" in str(exc):  # the right shape, an impossible day (31/06/2025)
                raise ValueError(f"日期无效: {text}") from None
    return None


def _parse_date(text: str, formats: tuple[str, ...]) -> date:
    if formats and len(text) <= MAX_DATE_CHARS:
        got = _by_formats(text, formats)
        if got is not None:
            return _in_range(got.date(), text)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return _in_range(date.fromisoformat(text), text)
        except ValueError as exc:
            if str(exc).startswith("日期"):
                raise
            # fall through for the precise reason
    return _parse_datetime(text, ()).date()


def _parse_datetime(text: str, formats: tuple[str, ...]) -> datetime:
    if len(text) > MAX_DATE_CHARS:  # "2025-1-1" + 100,000 spaces kept _DATE_RE backtracking for minutes
        raise ValueError(f"日期格式无法识别（{len(text)} 个字符，不像日期）")
    if formats:
        got = _by_formats(text, formats)
        if got is not None:
            return _in_range(got, text)
    if len(text) == 19 and text[10] in "T " and text[4] == "-" and text[13] == ":" == text[16]:
        try:
            return _in_range(datetime.fromisoformat(text), text)
        except ValueError as exc:
            if str(exc).startswith("日期"):
                raise
    m = _DATE_RE.fullmatch(text) or _COMPACT_RE.fullmatch(text)
    if m is None:
        raise ValueError(f"日期格式无法识别: {text}")
    y, mo, d, hh, mm, ss = m.groups()
    try:
        day = date(int(y), int(mo), int(d))
    except ValueError:
        raise ValueError(f"日期无效: {text}") from None
    try:
        return _in_range(datetime(day.year, day.month, day.day, int(hh or 0), int(mm or 0), int(ss or 0)), text)
    except ValueError as exc:
        if str(exc).startswith("日期"):
            raise
        raise ValueError(f"时间无效: {text}") from None


def _parse_bool(text: str) -> bool:
    t = text.lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise ValueError(f"不是是/否值: {text}")


def _clean_number(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)  # full-width digits, ，and ￥
    for mark in _CURRENCY:
        text = text.replace(mark, "")
    return text.replace(" ", "")


def _parse_int(text: str) -> int:
    t = _clean_number(text)
    if t.startswith("-") and _INT_RE.fullmatch(t[1:]) and float(t[1:].replace(",", "")) != 0:
        raise ValueError(f"不能为负数: {text}")
    if not _INT_RE.fullmatch(t):
        raise ValueError(f"不是整数: {text}")
    digits = t.replace(",", "").split(".")[0]
    if len(digits) > 12:  # days and seconds; more would overflow the Int64 column
        raise ValueError(f"数值大得不合理（{len(digits)} 位）")
    return int(digits)


def _parse_decimal(text: str, places: int = 2) -> float:
    t = _clean_number(text)
    if t.startswith("-") and _AMOUNT_RE.fullmatch(t[1:]):
        if float(t[1:].replace(",", "")) != 0:
            raise ValueError(f"金额不能为负数: {text}")
        t = t[1:]
    if not _AMOUNT_RE.fullmatch(t):
        raise ValueError(f"金额不是数字: {text}")
    value = float(t.replace(",", ""))
    if not value <= MAX_AMOUNT:  # 400 digits would be inf; above ~1e13 float64 loses the fen
        raise ValueError(f"金额大得不合理（上限 {MAX_AMOUNT:.0e} 元）")
    return round(value, places)
