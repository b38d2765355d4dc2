"""Views of findings and of the cases they belong to, for the HTML report's pages.

A case page shows the case's header fields (personal data masked unless asked), its timeline, the
deadlines computed for it (merged where several rules compute the same one) and its findings. The
case and deadline rows of all the cases wanted are looked up once, not per page.
"""

from __future__ import annotations

from typing import Any

from auditor.findings import SEVERITIES
from auditor.model.fields import CASE_FIELDS
from auditor.privacy import is_organisation
from auditor.report import labels
from auditor.report.common import (
    basis_text, departments_text, evidence_items, field_label, is_missing, iso, mask_value, rule_attr,
    source_text, tr,
)

_DATE_FIELDS = tuple(f.name for f in CASE_FIELDS if f.kind in ("date", "datetime"))
_HEADER_FIELDS = ("cause", "procedure", "party_type", "party_name", "status")


def case_lookups(result: Any, wanted: list[str]) -> tuple[dict[str, dict], dict[str, list]]:
    """The case-table row and the deadline rows of each wanted case, looked up once for all pages."""
    case_rows: dict[str, dict] = {}
    cases = getattr(result, "cases", None)
    if cases is not None and len(cases) and "case_id" in cases.columns and wanted:
        sub = cases[cases["case_id"].isin(wanted)]
        cols = [c for c in ("case_id", *_HEADER_FIELDS, "party_id", *_DATE_FIELDS) if c in sub.columns]
        for rec in _records(sub, cols):
            case_rows.setdefault(str(rec["case_id"]), rec)
    deadline_rows: dict[str, list] = {}
    dl = getattr(result, "deadlines", None)
    if dl is not None and len(dl) and "case_id" in dl.columns and wanted:
        for rec in _records(dl[dl["case_id"].isin(wanted)], list(dl.columns)):
            deadline_rows.setdefault(str(rec["case_id"]), []).append(rec)
    return case_rows, deadline_rows


def _records(frame: Any, cols: list[str]) -> list[dict]:
    """frame[cols] as row dicts with the values `to_dict("records")` gives, built column-wise (faster)."""
    if not len(frame):
        return []
    values = [frame[c].tolist() for c in cols]
    return [dict(zip(cols, row)) for row in zip(*values)]


def case_pages(grouped: dict[str, list], wanted: list[str], anchors: dict[str, str], lookups: tuple,
               lang: str, show_personal_data: bool, sources: dict, rules: dict) -> list[dict]:
    """The case-page views of `wanted` (case ids of `grouped`, findings per case in reading order)."""
    case_rows, deadline_rows = lookups
    pages = []
    for cid in wanted:
        fs = grouped[cid]
        rec = case_rows.get(cid, {})
        org = is_organisation(rec.get("party_type"))
        info = []
        for name in _HEADER_FIELDS:
            v = rec.get(name)
            if is_missing(v) or v == "":
                continue
            if not show_personal_data:
                v = mask_value(name, v, organisation=org)
            label = field_label(name, lang)
            info.append((label[:1].upper() + label[1:], str(v)))
        timeline = []
        for order, name in enumerate(_DATE_FIELDS):
            d = iso(rec.get(name))
            if d:
                timeline.append((d, order, field_label(name, lang)))
        timeline.sort()
        deadlines = _deadline_rows(deadline_rows.get(cid, []), {f.rule_id for f in fs}, lang)
        pages.append({
            "anchor": anchors[cid], "case_id": cid, "squad": fs[0].squad, "info": info,
            "source": source_text(sources.get(cid)),
            "timeline": [(d, label) for d, _, label in timeline], "deadlines": deadlines,
            "findings": [finding_view(f, lang, show_personal_data, rules) for f in fs],
        })
    return pages


def group_by_case(findings: list) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for f in findings:
        grouped.setdefault(f.case_id, []).append(f)
    return grouped


def case_sections(result: Any, findings: list, lang: str, show_personal_data: bool, cap: int,
                   sources: dict, rules: dict) -> tuple[list[dict], int, dict[str, str]]:
    """Per-case pages for the first `cap` cases with findings (in reading order); returns the pages,
    how many cases were left out, and case_id -> anchor."""
    grouped = group_by_case(findings)
    wanted = list(grouped)[:cap]
    omitted = max(0, len(grouped) - len(wanted))
    anchors = {cid: f"case-{i + 1}" for i, cid in enumerate(wanted)}
    pages = case_pages(grouped, wanted, anchors, case_lookups(result, wanted), lang, show_personal_data,
                       sources, rules)
    return pages, omitted, anchors


def _deadline_rows(rows: list[dict], fired: set[str], lang: str) -> list[dict]:
    """A case's computed deadlines for its page, in date order. Several rules often compute the same
    deadline (公示期限 for GS-DISCLOSURE-LATE and GS-NOT-DISCLOSED): one row names them all. A missed
    deadline none of whose rules made a finding (their other conditions exclude the case, e.g. no
    court application is needed once the fine is paid) says so instead of alarming."""
    merged: dict[tuple, dict] = {}
    for d in rows:
        label = str(d.get("label_en") if lang == "en" else d.get("label_zh") or d.get("name") or "")
        limit = d.get("limit")
        key = (label, iso(d.get("start")), iso(d.get("due")), iso(d.get("end")),
               None if is_missing(limit) else int(limit), str(d.get("unit", "")), str(d.get("status") or ""))
        row = merged.setdefault(key, {"rule_ids": []})
        rid = str(d.get("rule_id") or "")
        if rid and rid not in row["rule_ids"]:
            row["rule_ids"].append(rid)
    out = []
    for (label, start, due, end, limit, unit, status), row in merged.items():
        moot = status in ("late", "overdue", "early") and not fired.intersection(row["rule_ids"])
        unit_text = labels.unit_label(unit, lang)
        out.append({
            "label": label, "rule_id": " ".join(row["rule_ids"]),
            "start": start or "—", "due": due or "—", "end": end or "—",
            "limit": "" if limit is None else (f"{limit} {unit_text}" if lang == "en" else f"{limit}{unit_text}"),
            "status": "moot" if moot else status,
            "status_label": labels.status_label(status, lang) + (labels.text("not_a_finding", lang) if moot else ""),
        })
    out.sort(key=lambda r: (r["start"] == "—", r["start"], r["due"]))
    return out


def finding_view(f: Any, lang: str, show_personal_data: bool, rules: dict | None = None) -> dict[str, Any]:
    rule = (rules or {}).get(f.rule_id)
    return {
        "fingerprint": f.fingerprint, "rule_id": f.rule_id, "case_id": f.case_id, "squad": f.squad,
        "theme": f.theme, "theme_label": labels.theme_label(f.theme, lang), "severity": f.severity,
        "severity_label": labels.severity_label(f.severity, lang), "sev_class": f"sev{SEVERITIES.index(f.severity)}"
        if f.severity in SEVERITIES else "sev1",
        "title": tr(f.title, lang), "subject": f.subject, "message": tr(f.message, lang),
        "basis": basis_text(f.basis, lang),
        "quotes": [str(b.quote) for b in f.basis if getattr(b, "quote", "")],
        "correction": tr(f.correction, lang), "departments": departments_text(f.departments, lang),
        "due": iso(f.correction_due) or "",
        "evidence": evidence_items(f, lang, show_personal_data, rule,
                                   "recordings" if rule_attr(rule, "scope") == "recording" else "cases"),
    }
