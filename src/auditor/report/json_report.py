"""The machine-readable report: `findings.json`, schema "auditor-findings/2" (2: 无法判定 items under
`undetermined` and the export's `coverage`; they are never among `findings` unless the run asked).

Documented in docs/json-schema.md; the JSON Schema ships as auditor/data/findings.schema.json.
Byte-identical for identical inputs: sorted keys, fixed separators, one finding per line, dates as ISO
text, lists in the AuditResult's own order, no timestamp of "now". Both languages are written, so
`lang` does not change the file; personal data is masked unless `show_personal_data`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from auditor.atomic import atomic_path
from auditor.report.common import (
    basis_list, load_counts, load_list, masked_evidence, masked_rejected_value, plain,
    rule_attr, source_of, stable_json,
)
from auditor.report.summary import summarize

SCHEMA_ID = "auditor-findings/2"


def _lang_pair(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {"zh": str(value.get("zh") or ""), "en": str(value.get("en") or "")}
    text = "" if value is None else str(value)
    return {"zh": text, "en": text}


def _finding_item(f: Any, sources: dict, show_personal_data: bool) -> dict[str, Any]:
    src = sources.get(f.case_id)
    return {
        "fingerprint": f.fingerprint, "rule_id": f.rule_id, "case_id": f.case_id, "squad": f.squad,
        "theme": f.theme, "severity": f.severity, "subject": f.subject,
        "title": _lang_pair(f.title), "message": _lang_pair(f.message),
        "correction": _lang_pair(f.correction), "departments": list(f.departments),
        "correction_due": plain(f.correction_due), "basis": basis_list(f.basis),
        "evidence": [[k, plain(v)] for k, v in masked_evidence(f, show_personal_data)],
        "source": {"file": src[0], "line": src[1]} if src else None,
    }


def _undetermined_item(u: Any) -> dict[str, Any]:
    return {"fingerprint": u.fingerprint, "rule_id": u.rule_id, "case_id": u.case_id, "squad": u.squad,
            "theme": u.theme, "severity": u.severity, "subject": u.subject, "title": _lang_pair(u.title),
            "missing": list(u.missing), "missing_labels": _lang_pair(u.missing_labels)}


def _rule(rule: Any, count: int) -> dict[str, Any]:
    return {
        "id": str(rule_attr(rule, "id")),
        "title": _lang_pair(rule_attr(rule, "title")),
        "theme": str(rule_attr(rule, "theme", "")),
        "severity": str(rule_attr(rule, "severity", "")),
        "basis": basis_list(rule_attr(rule, "basis", ())),
        "departments": [str(d) for d in rule_attr(rule, "departments", ()) or ()],
        "correction": _lang_pair(rule_attr(rule, "correction")),
        "description": _lang_pair(rule_attr(rule, "description")),
        "findings": count,
    }


def build_document(result: Any, *, show_personal_data: bool = False) -> dict[str, Any]:
    """The report as plain data (what `write_json` serialises)."""
    document = _document_head(result, show_personal_data)
    sources = source_of(result)
    document["findings"] = [_finding_item(f, sources, show_personal_data) for f in result.findings]
    document["undetermined"] = [_undetermined_item(u) for u in getattr(result, "undetermined", ()) or ()]
    return document


def _document_head(result: Any, show_personal_data: bool) -> dict[str, Any]:
    """Every part of the document but the two long lists (`findings`, `undetermined`)."""
    summary = summarize(result)
    metadata = plain(dict(result.metadata or {}))
    metadata["show_personal_data"] = bool(show_personal_data)
    return {
        "schema": SCHEMA_ID,
        "as_of": plain(result.as_of),
        "metadata": metadata,
        "load": {
            "counts": {t: {"rows_in": i, "loaded": ok, "rejected": rej}
                       for t, i, ok, rej in load_counts(result)},
            "rejected": [
                {"table": str(r.table), "file": str(r.file), "line": plain(r.line),
                 "field": plain(r.field), "reason": str(r.reason),
                 "value": plain(masked_rejected_value(r, show_personal_data))}
                for r in load_list(result, "rejected")
            ],
            "warnings": [
                {"code": str(w.code), "file": plain(w.file), "line": plain(w.line),
                 "field": plain(w.field), "message": str(w.message)}
                for w in load_list(result, "warnings")
            ],
            "files": [
                {k: plain(getattr(fi, k, None)) for k in ("path", "sha256", "table", "form", "encoding", "rows")}
                for fi in load_list(result, "files")
            ],
        },
        "rules": [_rule(r, summary.by_rule.get(str(rule_attr(r, "id")), 0))
                  for r in sorted(result.rules, key=lambda r: str(rule_attr(r, "id")))],
        "warnings": [
            {"case_id": w.case_id, "squad": w.squad, "rule_id": w.rule_id, "deadline": w.deadline,
             "label": _lang_pair(w.label), "due": plain(w.due), "days_left": int(w.days_left)}
            for w in result.warnings
        ],
        "notices": [
            {"code": n.code, "message": _lang_pair(n.message), "count": int(n.count),
             "detail": [str(d) for d in n.detail]}
            for n in result.notices
        ],
        "summary": summary.as_dict(),
        "coverage": coverage_document(result),
    }


def coverage_document(result: Any) -> dict[str, Any] | None:
    """What the export supplied, the one-line statement, and the 无法判定 counts per rule and squad."""
    from auditor.coverage import coverage_line

    coverage = getattr(result, "coverage", None)
    if coverage is None:
        return None
    undetermined = getattr(result, "undetermined", ()) or ()
    by_rule: dict[str, int] = {}
    by_squad: dict[str, int] = {}
    for u in undetermined:
        by_rule[u.rule_id] = by_rule.get(u.rule_id, 0) + 1
        by_squad[u.squad] = by_squad.get(u.squad, 0) + 1
    return {**coverage.as_dict(),
            "statement": {lang: coverage_line(coverage, len(undetermined), lang) for lang in ("zh", "en")},
            "undetermined_by_rule": dict(sorted(by_rule.items())),
            "undetermined_by_squad": dict(sorted(by_squad.items()))}


def dumps(document: dict[str, Any]) -> str:
    """The one serialisation of a report document (stable bytes)."""
    return stable_json(document, depth=2) + "\n"


def write_json(result: Any, path: str | Path, *, lang: str = "zh", show_personal_data: bool = False) -> list[Path]:
    """Write findings.json; returns the paths written. `lang` is accepted for symmetry (both are written).

    Streamed: the findings and 无法判定 items are encoded one line at a time straight to the file, so
    that neither the whole document nor its text is held at once; the bytes are `dumps(build_document())`."""
    del lang
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as out:
        for chunk in _stream(result, show_personal_data):
            out.write(chunk)
    return [Path(path)]


def _stream(result: Any, show_personal_data: bool) -> Iterator[str]:
    """`dumps(build_document(result))` in pieces: the two long lists are encoded item by item."""
    head = _document_head(result, show_personal_data)
    sources = source_of(result)
    head["findings"] = head["undetermined"] = None
    long_lists = {
        "findings": (_ENCODE(_finding_item(f, sources, show_personal_data)) for f in result.findings),
        "undetermined": _undetermined_lines(getattr(result, "undetermined", ()) or ()),
    }
    yield "{\n"
    for i, key in enumerate(sorted(head, key=str)):
        yield ("" if i == 0 else ",\n") + f"  {json.dumps(str(key), ensure_ascii=False)}: "
        items = long_lists.get(key)
        if items is None:
            yield stable_json(head[key], 1, "  ")
            continue
        first = True
        for line in items:
            yield ("[\n    " if first else ",\n    ") + line
            first = False
        yield "[]" if first else "\n  ]"
    yield "\n}\n"


_ENCODE = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def _undetermined_lines(items) -> Iterator[str]:
    """Each 无法判定 item as `_ENCODE(_undetermined_item(u))` gives it; the parts a rule or a set of
    missing fields repeats on thousands of items are encoded once. Items share their title and label
    objects (see evaluate/outcome.py), so those are keyed by identity: every item stays alive, and
    with it every object whose identity is a key, until the stream ends."""
    text = json.encoder.encode_basestring  # what the encoder writes for a str with ensure_ascii=False
    parts: dict[tuple, tuple[str, str]] = {}
    for u in items:
        key = (u.rule_id, u.severity, u.theme, id(u.title), id(u.missing), id(u.missing_labels))
        cached = parts.get(key)
        if cached is None:
            item = _undetermined_item(u)
            middle = _ENCODE({k: item[k] for k in ("missing", "missing_labels", "rule_id", "severity")})[1:-1]
            tail = _ENCODE({k: item[k] for k in ("theme", "title")})[1:-1]
            cached = parts[key] = (middle, tail)
        try:
            yield (f'{{"case_id":{text(u.case_id)},"fingerprint":{text(u.fingerprint)},{cached[0]},'
                   f'"squad":{text(u.squad)},"subject":{text(u.subject)},{cached[1]}}}')
        except TypeError:  # a value that is not text: encoded whole
            yield _ENCODE(_undetermined_item(u))
