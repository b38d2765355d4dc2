"""JUnit XML (`findings.junit.xml`), for CI dashboards that understand test reports.

Mapping (also in docs/json-schema.md):
- `<testsuites name="auditor">` holds one `<testsuite>` per squad (name = squad, in rank order);
- each suite holds one `<testcase>` per rule that ran (classname = squad, name = "RULE-ID title"),
  so tests = number of rules and every squad has the same list;
- a testcase fails (`<failure type="严重|一般|提示" message="N findings">`) when the rule has
  findings for that squad; the failure text lists them, one line each:
  `case_id [subject]: message (fingerprint)`; type is the rule's severity;
- `<properties>` on each suite: as-of date, parameter profile, cases audited, score, rank.
No timestamps or durations (time="0"), so the file is deterministic.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any

from auditor.atomic import atomic_write_bytes
from auditor.report import labels
from auditor.report.common import profile_name, rule_attr, tr, xml_safe
from auditor.report.summary import summarize


def _one_line(text: str) -> str:
    # One finding per line: line breaks or tabs inside case text would split it.
    return re.sub(r"[\r\n\t]+", " ", text)


def _rules(result: Any, lang: str) -> list[tuple[str, str, str]]:
    """(id, title, severity) for every rule that ran plus any rule seen only in findings, by id."""
    out = {str(rule_attr(r, "id")): (tr(rule_attr(r, "title"), lang), str(rule_attr(r, "severity", "")))
           for r in result.rules}
    for f in result.findings:
        out.setdefault(f.rule_id, (tr(f.title, lang), f.severity))
    return [(rid, *out[rid]) for rid in sorted(out)]


def build_junit(result: Any, *, lang: str = "zh") -> ET.Element:
    summary = summarize(result)
    rules = _rules(result, lang)
    grouped: defaultdict[tuple[str, str], list] = defaultdict(list)
    for f in result.findings:
        grouped[(f.squad, f.rule_id)].append(f)
    root = ET.Element("testsuites", name="auditor")
    total_tests = total_failures = 0
    for sq in summary.squads:
        failures = sum(1 for rid, _, _ in rules if grouped.get((sq.squad, rid)))
        suite = ET.SubElement(root, "testsuite", name=xml_safe(sq.squad), tests=str(len(rules)),
                              failures=str(failures), errors="0", skipped="0", time="0")
        props = ET.SubElement(suite, "properties")
        for name, value in (("as_of", result.as_of.isoformat()), ("profile", profile_name(result)),
                            ("cases", sq.cases), ("score", sq.score), ("rank", sq.rank)):
            ET.SubElement(props, "property", name=name, value=xml_safe(str(value)))
        for rid, title, severity in rules:
            case = ET.SubElement(suite, "testcase", classname=xml_safe(sq.squad),
                                 name=xml_safe(f"{rid} {title}".strip()), time="0")
            found = grouped.get((sq.squad, rid))
            if found:
                lines = [_one_line(f"{f.case_id}{' [' + f.subject + ']' if f.subject else ''}: "
                                   f"{tr(f.message, lang)} ({f.fingerprint})") for f in found]
                n = len(found)
                msg = f"{n} 个问题" if lang != "en" else f"{n} finding{'s' if n != 1 else ''}"
                fail = ET.SubElement(case, "failure", message=msg,
                                     type=labels.severity_label(severity, lang))
                fail.text = xml_safe("\n".join(lines))
        total_tests += len(rules)
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    return root


def write_junit(result: Any, path: str | Path, *, lang: str = "zh", show_personal_data: bool = False) -> list[Path]:
    """Write the JUnit XML; messages are the run's (already masked), so `show_personal_data` adds nothing."""
    del show_personal_data
    root = build_junit(result, lang=lang)
    ET.indent(root)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return [atomic_write_bytes(path, data + b"\n")]
