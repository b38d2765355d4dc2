"""Read officer entries as exports write them: each officer with a name, a certificate number, or both.

The online case-handling system writes 张伟(31010600123); other systems write names only (张伟、李强),
or bare certificate numbers (31010012、31010034; 执法证号31010012,31010034; 31010012 / 31010034;
张伟 31010012). The list parser (model/values.py) has already split a cell on 、 , ; and their
full-width forms; an entry may still hold several officers separated by spaces or slashes. Every
officer counts once; where only the number is written its name is None (未记载), and the other way round.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple


class Officer(NamedTuple):
    name: str | None
    cert: str | None


# A certificate number: letters, digits and hyphens, at least five characters, at least four digits.
_CERT = r"(?=(?:[A-Za-z-]*\d){4})[A-Za-z0-9][A-Za-z0-9-]{4,}"
_LABEL = r"(?:行政)?执法证(?:件)?(?:编号|号码|号)?|证件?(?:编号|号码|号)|编号"
_TOKEN = re.compile(
    rf"(?P<paired>(?P<pname>[^\s/|()\d:]*)\s*\(\s*(?:{_LABEL})?\s*:?\s*(?P<pinner>[^()]*?)\s*\))"  # 张伟(31010600123)
    rf"|(?:(?:{_LABEL})\s*:?\s*)?(?P<cert>{_CERT})(?![A-Za-z0-9-])"  # 31010012, 执法证号:31010012
    rf"|(?P<label>(?:{_LABEL})\s*:?)"  # a label left alone
    rf"|(?P<name>[^\s/|()\d:]+)"  # 张伟
    rf"|(?P<sep>[\s/|]+)"  # separators inside one entry
    rf"|(?P<other>.)")
_TRAILING_LABEL = re.compile(rf"(?:{_LABEL})$")
_WHOLE_CERT = re.compile(rf"(?:(?:{_LABEL})\s*:?\s*)?({_CERT})")

_MEMO: dict[str, tuple[Officer, ...]] = {}
_MEMO_LIMIT = 100_000  # distinct entries remembered (a district has a few hundred officers)


def parse_entry(text: str) -> tuple[Officer, ...]:
    """The officers of one list entry (full-width forms read as their ASCII twins)."""
    hit = _MEMO.get(text)
    if hit is not None:
        return hit
    out: list[Officer] = []
    pending: str | None = None  # a name that a certificate number right after it belongs to
    joined = True  # no separator since `pending`
    for m in _TOKEN.finditer(unicodedata.normalize("NFKC", text)):
        if m.group("paired") is not None:
            _flush(out, pending)
            inner = _WHOLE_CERT.fullmatch(m.group("pinner"))
            out.append(Officer(m.group("pname") or None, inner.group(1) if inner else None))
            pending = None
        elif m.group("cert") is not None:
            if pending is not None and joined:  # 张伟 31010012: one officer
                out.append(Officer(pending, m.group("cert")))
            else:
                _flush(out, pending)
                out.append(Officer(None, m.group("cert")))
            pending = None
        elif m.group("name") is not None:
            _flush(out, pending)
            pending, joined = _TRAILING_LABEL.sub("", m.group("name")) or None, True
        elif m.group("sep") is not None:
            joined = joined and not re.search(r"[/|]", m.group("sep"))
        # a label alone or a stray character carries no officer
    _flush(out, pending)
    result = tuple(out)
    if len(_MEMO) >= _MEMO_LIMIT:
        _MEMO.clear()
    _MEMO[text] = result
    return result


def _flush(out: list[Officer], pending: str | None) -> None:
    if pending is not None:
        out.append(Officer(pending, None))


def parse_officers(entries) -> tuple[Officer, ...]:
    """The officers of one cell (a tuple of entries; anything else holds none)."""
    if not isinstance(entries, tuple):
        return ()
    if len(entries) == 1:
        return parse_entry(entries[0])
    return tuple(o for entry in entries for o in parse_entry(entry))


def officer_membership(case_ids, officers, case_officers) -> tuple[list[int], list[int]]:
    """Per recording: how many of its officers are among its case's officers, and how many cannot be
    compared with them (one side writes only names, the other only certificate numbers).

    `case_ids`, `officers`: the recordings' columns; `case_officers`: the cases' officers indexed by case id.
    An officer is the case's when the names or the certificate numbers agree.
    """
    roster: dict[object, tuple] = {}
    for case_id, entries in case_officers.items():
        if case_id in roster:
            continue
        people = parse_officers(entries)
        roster[case_id] = ({o.name for o in people if o.name is not None},
                           {o.cert for o in people if o.cert is not None},
                           any(o.name is None for o in people), any(o.cert is None for o in people))
    none = (set(), set(), False, False)
    memo: dict[tuple, tuple[int, int]] = {}
    matched, uncertain = [], []
    for case_id, entries in zip(case_ids, officers):
        key = (case_id, entries)
        hit = memo.get(key)
        if hit is None:
            names, certs, nameless, certless = roster.get(case_id, none)
            mine = uncertain_here = 0
            for o in parse_officers(entries):
                if _same(o, names, certs):
                    mine += 1
                elif _incomparable(o, nameless, certless):
                    uncertain_here += 1
            hit = memo[key] = (mine, uncertain_here)
        matched.append(hit[0])
        uncertain.append(hit[1])
    return matched, uncertain


def reviewer_among(reviewer, officers: tuple[Officer, ...]) -> bool | None:
    """Is the legal reviewer (a cell such as 李强, 李强(31010600456) or 31010600456) one of the case's
    officers? True when a name or a certificate number agrees; None (undecided) when no reviewer or no
    officer is recorded, or when one side writes only a name and the other only a number; else False."""
    people = parse_entry(reviewer) if isinstance(reviewer, str) else ()
    if not people or not officers:
        return None
    names = {o.name for o in officers if o.name is not None}
    certs = {o.cert for o in officers if o.cert is not None}
    if any(_same(r, names, certs) for r in people):
        return True
    nameless = any(o.name is None for o in officers)
    certless = any(o.cert is None for o in officers)
    if any(_incomparable(r, nameless, certless) for r in people):
        return None
    return False


def _same(o: Officer, names: set, certs: set) -> bool:
    """The officer is one of those named or numbered."""
    return (o.name is not None and o.name in names) or (o.cert is not None and o.cert in certs)


def _incomparable(o: Officer, nameless: bool, certless: bool) -> bool:
    """The officer cannot be told apart from someone on the other side: written only by number where
    someone there has no number, or only by name where someone there has no name."""
    return (o.name is None and certless) or (o.cert is None and nameless)
