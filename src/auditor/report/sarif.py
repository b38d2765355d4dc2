"""SARIF 2.1.0 (`findings.sarif`), for code-scanning style dashboards and CI annotations.

Mapping:
- one run; `tool.driver.rules` = the rules that ran (id, title, help = legal basis with quotes,
  properties theme / severity / departments);
- one result per finding: level error / warning / note for 严重 / 一般 / 提示, message = the
  finding's message, a logical location `squad/case_id` and, when the case table knows where the
  case came from (`_file`, `_line`), a physical location in that export file;
- `partialFingerprints["auditor/v1"]` = the finding fingerprint (stable across monthly runs);
- notices (e.g. a missing holiday calendar) become tool execution notifications.
Deterministic: no timestamps, sorted keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from auditor import __version__
from auditor.atomic import atomic_write_text
from auditor.report import labels
from auditor.report.common import basis_text, departments_text, rule_attr, source_of, stable_json, tr

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"严重": "error", "一般": "warning", "提示": "note"}
FINGERPRINT_KEY = "auditor/v1"


def _uri(path: str) -> str:
    return quote(str(path).replace("\\", "/"), safe="/:._-~")


def _help(basis: Any, lang: str) -> str:
    lines = [basis_text(basis, lang)]
    for b in basis or ():
        q = str(getattr(b, "quote", "") or "")
        if q:
            lines.append(f"「{q}」" if lang != "en" else f'"{q}"')
    return "\n".join(x for x in lines if x)


def _driver_rule(rule: Any, lang: str) -> dict[str, Any]:
    title = tr(rule_attr(rule, "title"), lang)
    description = tr(rule_attr(rule, "description"), lang) or title
    severity = str(rule_attr(rule, "severity", ""))
    return {
        "id": str(rule_attr(rule, "id")),
        "name": str(rule_attr(rule, "id")).replace("-", ""),
        "shortDescription": {"text": title or str(rule_attr(rule, "id"))},
        "fullDescription": {"text": description or str(rule_attr(rule, "id"))},
        "help": {"text": _help(rule_attr(rule, "basis", ()), lang) or title or str(rule_attr(rule, "id"))},
        "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
        "properties": {
            "theme": labels.theme_label(str(rule_attr(rule, "theme", "")), lang),
            "severity": labels.severity_label(severity, lang),
            "departments": [str(d) for d in rule_attr(rule, "departments", ()) or ()],
            "correction": tr(rule_attr(rule, "correction"), lang),
        },
    }


def build_sarif(result: Any, *, lang: str = "zh") -> dict[str, Any]:
    rules = sorted(result.rules, key=lambda r: str(rule_attr(r, "id")))
    index = {str(rule_attr(r, "id")): i for i, r in enumerate(rules)}
    sources = source_of(result)
    results = []
    for f in result.findings:
        location: dict[str, Any] = {
            "logicalLocations": [{"name": f.case_id, "fullyQualifiedName": f"{f.squad}/{f.case_id}",
                                  "kind": "object"}],
        }
        src = sources.get(f.case_id)
        if src:
            phys: dict[str, Any] = {"artifactLocation": {"uri": _uri(src[0])}}
            if src[1]:
                phys["region"] = {"startLine": src[1]}
            location["physicalLocation"] = phys
        item: dict[str, Any] = {
            "ruleId": f.rule_id,
            "level": LEVEL.get(f.severity, "warning"),
            "message": {"text": tr(f.message, lang) or tr(f.title, lang) or f.rule_id},
            "locations": [location],
            "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
            "properties": {
                "squad": f.squad, "caseId": f.case_id, "subject": f.subject,
                "theme": labels.theme_label(f.theme, lang), "severity": labels.severity_label(f.severity, lang),
                "correction": tr(f.correction, lang), "departments": departments_text(f.departments, lang),
                "correctionDue": f.correction_due.isoformat() if f.correction_due else None,
            },
        }
        if f.rule_id in index:
            item["ruleIndex"] = index[f.rule_id]
        results.append(item)
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if result.notices:
        invocation["toolExecutionNotifications"] = [
            {"message": {"text": tr(n.message, lang) or n.code}, "level": "warning",
             "descriptor": {"id": n.code}}
            for n in result.notices
        ]
    meta = result.metadata or {}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "auditor",
                "version": str(meta.get("tool_version") or __version__),
                "rules": [_driver_rule(r, lang) for r in rules],
            }},
            "invocations": [invocation],
            "results": results,
            "columnKind": "unicodeCodePoints",
            "properties": {
                "asOf": result.as_of.isoformat(),
                "profile": (meta.get("profile") or {}).get("name"),
                "rulePack": (meta.get("rule_pack") or {}).get("version"),
            },
        }],
    }


def write_sarif(result: Any, path: str | Path, *, lang: str = "zh", show_personal_data: bool = False) -> list[Path]:
    """Write the SARIF log; messages are the run's (already masked), so `show_personal_data` adds nothing."""
    del show_personal_data
    doc = build_sarif(result, lang=lang)
    text = stable_json(doc, depth=4) + "\n"  # runs[0].results[i] one per line
    return [atomic_write_text(path, text)]
