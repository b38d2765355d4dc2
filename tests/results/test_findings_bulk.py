"""Findings built in bulk equal the per-finding builder's, byte for byte, on generated exports."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import date

import pytest

from _findings_reference import build_findings_per_finding
from auditor.api import AuditConfig, audit_config
from auditor.generate import generate_export
from auditor.report.json_report import write_json
from auditor.results.finding_text import build_findings
from auditor.rules.template import compile_template, filled, render

AS_OF = date(2026, 11, 25)
DROPPED = ("案由编码", "立案审批人", "法制审核人员", "审核人员具有法律职业资格", "集体讨论日期")


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    root = tmp_path_factory.mktemp("bulk")
    generate_export(root, 400, 29, violation_rate=1.0)
    missing = root / "csv-missing"
    missing.mkdir()
    with open(root / "csv" / "cases.csv", encoding="utf-8-sig", newline="") as src, \
            open(missing / "cases.csv", "w", encoding="utf-8-sig", newline="") as dst:
        rows = csv.reader(src)
        header = next(rows)
        keep = [i for i, h in enumerate(header) if h not in DROPPED]
        out = csv.writer(dst)
        out.writerow([header[i] for i in keep])
        out.writerows([row[i] for i in keep] for row in rows)
    (missing / "recordings.csv").write_bytes((root / "csv" / "recordings.csv").read_bytes())
    return root


@pytest.mark.parametrize("form", ["xml", "csv-missing"])
@pytest.mark.parametrize("personal", [False, True])
def test_bulk_equals_per_finding(exports, tmp_path, form, personal):
    audit = audit_config(AuditConfig(exports=(str(exports / form),), as_of=AS_OF, show_personal_data=personal))
    run = audit.run
    bulk = build_findings(run.rules, audit.hits, run.facts, run.ctx)
    reference = build_findings_per_finding(run.rules, audit.hits, run.facts, run.ctx)
    # without the dropped columns, findings resting on them are 无法判定 (listed apart), not findings
    assert len(bulk) >= (400 if form == "xml" else 300) and len({f.rule_id for f in bulk}) > 30
    assert any(f.evidence for f in bulk)
    assert any("dl." in t for r in run.rules for t in r.message.values())  # deadline figures are rendered
    assert bulk == reference
    # and the machine output written from them, byte for byte
    a = write_json(replace(audit.result, findings=bulk), tmp_path / "a.json")[0].read_bytes()
    b = write_json(replace(audit.result, findings=reference), tmp_path / "b.json")[0].read_bytes()
    assert a == b and json.loads(a)["findings"]


@pytest.mark.parametrize("template", [
    "{a} and {b|无} {{literal}} {{{a}}} }} {{ {c.d|x} tail", "", "no placeholder", "{a}{a}{b}",
    "{{{{", "}}}}{a|", "{a|}",
])
def test_compiled_template_renders_as_render(template):
    for values in ({"a": 1.0, "b": None, "c.d": ()}, {"a": date(2026, 1, 2), "b": "x", "c.d": ("p", "q")}, {}):
        for lang in ("zh", "en"):
            parts = [s if isinstance(s, str) else filled(values.get(s[0]), s[1], lang)
                     for s in compile_template(template)]
            assert "".join(parts) == render(template, values, lang)
