"""Run one corpus input through the library entry point of its kind, and describe what happened."""

from __future__ import annotations

import re
from pathlib import Path

from auditor.enrich.calendar import load_calendar_file
from auditor.errors import AuditorError
from auditor.exceptions_register import load_register
from auditor.ingest import Limits, load_exports
from auditor.ingest import load_mapping
from auditor.rules.loader import load_rule_pack
from auditor.rules.params import load_profile as load_district
from hostile.corpus import FILES, Hostile, Loaded, Refused


def load(h: Hostile, path: Path, pack):
    """The LoadResult for an export; None for a configuration file that (unexpectedly) loads."""
    if h.kind == "export":
        return load_exports(path, limits=Limits(**h.limits) if h.limits else None,
                            mapping=FILES / h.mapping if h.mapping else None)
    loaders = {
        "rules": load_rule_pack,
        "district": lambda p: load_district(p, pack.params, Path(pack.path)),
        "mapping": load_mapping,
        "calendar": load_calendar_file,
        "exceptions": load_register,
    }
    loaders[h.kind](path)
    return None


_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


def _cell(text: str, limit: int = 160) -> str:
    text = _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", text).replace("\n", " ").replace("|", "\\|")
    return text if len(text) <= limit else text[:limit] + "…"


def expected(h: Hostile) -> str:
    e = h.expect
    if isinstance(e, Refused):
        return _cell(f"refused, exit {e.exit}, 「{e.words}」" + (f", line {e.line}" if e.line else ""))
    rows = sum(e.rows.values())
    loaded = sum(e.loaded.values())
    rej = "; ".join(f"line {line} {fld or '(row)'} 「{words}」" for _t, line, fld, words in e.rejected)
    warn = f"; warnings {', '.join(e.warnings)}" if e.warnings else ""
    unread = f"; NOT READ TO THE END from line {e.unread_line}" if e.unread_line else ""
    return _cell(f"{loaded} of {rows} rows loaded" + (f"; rejected: {rej}" if rej else "") + warn + unread)


def seen(h: Hostile, path: Path, pack) -> str:
    """What actually happens: exit code and place, or counts and each rejected row's line and field, with
    ✓ where the message holds the expected words (✗ where not). The wording itself is left out so that
    rephrasing a message elsewhere does not make this page stale; the words are asserted by the tests."""
    e = h.expect
    try:
        result = load(h, path, pack)
    except AuditorError as exc:
        where = Path(exc.file).name + (f":{exc.line}" if exc.line else "") if exc.file else "(no file)"
        words = e.words if isinstance(e, Refused) else ""
        mark = "✓" if words and words in str(exc) else "✗"
        return _cell(f"exit {exc.exit_code} at {where} {mark}")
    if result is None:
        return "loaded without error"
    rows = sum(c.rows_in for c in result.counts.values())
    loaded = sum(c.loaded for c in result.counts.values())
    parts = [f"{loaded} of {rows} loaded"]
    wanted = list(e.rejected) if isinstance(e, Loaded) else []
    rejected = []
    for i, r in enumerate(result.rejected):
        ok = i < len(wanted) and wanted[i][3] in r.reason
        rejected.append(f":{r.line} {r.field or '(row)'} {'✓' if ok else '✗'}")
    if rejected:
        parts.append("rejected " + ", ".join(rejected[:6]) + (" …" if len(rejected) > 6 else ""))
    if result.warnings:
        parts.append("warnings: " + ", ".join(sorted({w.code for w in result.warnings})))
    for info in result.incomplete:
        parts.append(f"unread from line {info.unread.line}: {info.unread.bytes} of {info.unread.size} bytes")
    return _cell("; ".join(parts))
