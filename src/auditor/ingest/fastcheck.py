"""A fast pre-check that a `case`/`disclosure` element satisfies the shipped XSD, without the validator.

Per-element XSD validation costs about as much as parsing; the check here costs a fraction and says
only "certainly valid" or "look closer". It is deliberately narrower than the schema (every element it
passes, the XSD passes too), so a flagged element goes to the real validator and keeps its exact
message and line; nothing the XSD would reject is ever read on the fast path.

What the XSD (`xsd.render_xsd`) says, and how it is checked here:
- structure, while the reader takes the texts (`RowReader`): each child a known field (no
  namespace), at most once; a list field holds only its item element; `recordings` holds only
  `recording` elements, each read like a record; one compiled XPath per element says how many
  elements lie below it, which must be exactly those the reader took (so simple fields and list
  items hold text only), and that there is no attribute anywhere and no non-blank text directly in
  a record or in `recordings`;
- values, per field kind, on the texts the reader takes anyway: dates exactly YYYY-MM-DD and a real
  day, datetimes YYYY-MM-DDThh:mm:ss and a real time, booleans true/false/是/否/1/0, ASCII integers
  and plain decimals; blank (XML whitespace only) for every kind. Other spellings the XSD would
  accept (padded values, other digits) are merely sent to the validator;
- entity references are invisible to XPath, so a file with a DOCTYPE (the only way a document can
  hold one) is validated element by element (`fast_allowed`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from operator import itemgetter

from lxml import etree

from auditor.ingest.xsd import LIST_ITEM
from auditor.model.fields import TABLES

VALIDATE_MODES = ("fast", "always")

_XML_SPACE = " \t\r\n"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_BOOLS = frozenset({"true", "false", "是", "否", "1", "0"})


def fast_allowed(root) -> bool:
    """False when the document has a DOCTYPE: without one, an entity reference other than the five
    predefined (always expanded) is a well-formedness error, so no entity node can exist."""
    info = root.getroottree().docinfo
    return not (info.doctype or info.internalDTD is not None or info.externalDTD is not None)


# One C-level call per element: how many elements lie below it, plus a million for anything the XSD
# rejects that the reader does not see (attributes anywhere, non-blank text where only elements go).
_OUTLINE = etree.XPath(
    "count(descendant::*) + 1000000 * count(descendant-or-self::*/@* | text()[normalize-space()]"
    " | recordings/text()[normalize-space()] | recordings/recording/text()[normalize-space()])")


class RowReader:
    """Reads an element's raw texts into a row by field position (the layout of `xml._row`: list
    fields given as items become tuples, the spare last slot holds `recordings`), returning None
    when the element is not provably valid. The reader accounts for every element it reads; an
    element it did not read (a child inside a simple field or a list item) makes the count differ
    from the outline's, so the element is flagged."""

    def __init__(self, table: str, nested: RowReader | None = None):
        fields = TABLES[table]
        self.size = len(fields) + 1
        self.slots = {f.name: i for i, f in enumerate(fields)}
        self.items = {f.name: LIST_ITEM.get(f.name, "item") for f in fields if f.kind in ("list", "enum_list")}
        self.nested = nested
        if nested is not None:
            self.slots["recordings"] = len(fields)
        self.special = frozenset(self.items) | ({"recordings"} if nested is not None else set())
        self.values_ok = ValueCheck(table)

    def read(self, el) -> tuple[list, list[list]] | None:
        """(row, rows of the nested recordings) of a provably schema-valid element, else None."""
        outline = _OUTLINE(el)
        if outline >= 1000000:
            return None
        nested_rows: list[list] = []
        got = self._read(el, nested_rows)
        if got is None:
            return None
        row, count = got
        if count != outline or not self.values_ok(row):
            return None
        nested = self.nested
        if nested is not None and not all(map(nested.values_ok, nested_rows)):
            return None
        return row, nested_rows

    def _read(self, el, nested_rows: list) -> tuple[list, int] | None:
        row: list = [None] * self.size
        seen = bytearray(self.size)  # a field given twice leaves fewer marks than children
        slots, special = self.slots, self.special
        count = 0
        for c in el:
            tag = c.tag
            s = slots.get(tag)  # an unknown or namespaced name, and a non-element, is not found
            if s is None:
                return None
            seen[s] = 1
            if tag in special:
                if tag == "recordings":
                    row[s] = c
                    for rec in c:
                        if rec.tag != "recording":
                            return None
                        got = self.nested._read(rec, ())
                        if got is None:
                            return None
                        nested_rows.append(got[0])
                        count += 1 + got[1]
                    continue
                if len(c):
                    item = self.items[tag]
                    kids = list(c)
                    if c.text and not _blank(c.text):
                        return None  # mixed content: text beside the items (xml._list_items)
                    for x in kids:
                        if x.tag != item or (x.tail and not _blank(x.tail)):
                            return None
                    row[s] = tuple([x.text for x in kids])
                    count += len(kids)
                    continue
            row[s] = c.text
        n = len(el)
        if seen.count(1) != n:
            return None
        return row, count + n


def _blank(t: str) -> bool:
    return not t.strip(_XML_SPACE)


def _date_ok(t: str) -> bool:
    if _DATE.fullmatch(t) is None:
        return _blank(t)
    try:
        date.fromisoformat(t)
    except ValueError:
        return False
    return True


def _datetime_ok(t: str) -> bool:
    if _DATETIME.fullmatch(t) is None:
        return _blank(t)
    try:
        datetime.fromisoformat(t)
    except ValueError:
        return False
    return True


_PREDICATES: dict[str, Callable[[str], bool]] = {
    "date": _date_ok,
    "datetime": _datetime_ok,
    "bool": lambda t: t in _BOOLS or _blank(t),
    "int": lambda t: (t.isascii() and t.isdigit()) or _blank(t),
    "decimal": lambda t: _DECIMAL.fullmatch(t) is not None or _blank(t),
}


# The common spellings of each kind in one regular expression (every day of every month but
# 29 February, which needs the year); a text they miss is judged by the predicate above.
_DAY = (r"(?!0000)[0-9]{4}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
        r"|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)")
_COMMON = {
    "date": _DAY,
    "datetime": _DAY + r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]",
    "bool": r"true|false|是|否|1|0",
    "int": r"[0-9]+",
    "decimal": r"[0-9]+(?:\.[0-9]+)?",
}
_SEP = "\x00"  # cannot occur in XML text, so joined texts cannot pass as one another


class ValueCheck:
    """Checks the raw texts of one table's row (a list by field position, as `xml._row` builds it)
    against the XSD simple types: the texts of one kind joined, one regular-expression match."""

    def __init__(self, table: str):
        self.groups = []
        for kind, pred in _PREDICATES.items():
            slots = [i for i, f in enumerate(TABLES[table]) if f.kind == kind]
            if slots:
                get = itemgetter(*slots) if len(slots) > 1 else (lambda row, s=slots[0]: (row[s],))
                common = re.compile(f"(?:{_COMMON[kind]})(?:{_SEP}(?:{_COMMON[kind]}))*")
                self.groups.append((get, common.fullmatch, pred))

    def __call__(self, row: list) -> bool:
        for get, common, pred in self.groups:
            joined = _SEP.join(filter(None, get(row)))
            if joined and common(joined) is None and not all(map(pred, joined.split(_SEP))):
                return False
        return True
