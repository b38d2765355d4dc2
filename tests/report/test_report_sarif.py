"""SARIF 2.1.0: valid against the OASIS schema, rules, levels, locations, fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from _report_factory import RULES, small_result
from auditor.report.sarif import FINGERPRINT_KEY, write_sarif

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))


def _doc(tmp_path, **kw):
    path = tmp_path / "f.sarif"
    write_sarif(small_result(), path, **kw)
    return json.loads(path.read_text("utf-8"))


def test_valid_against_sarif_schema(tmp_path):
    doc = _doc(tmp_path)
    jsonschema.Draft4Validator(SCHEMA).validate(doc)
    assert doc["version"] == "2.1.0"
    bad = json.loads(json.dumps(doc))
    bad["runs"][0]["results"][0]["level"] = "fatal"
    assert list(jsonschema.Draft4Validator(SCHEMA).iter_errors(bad))  # the schema does bite


def test_rules_and_results(tmp_path):
    run = _doc(tmp_path)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r.id for r in RULES)
    dis = next(r for r in rules if r["id"] == "DIS-001")
    assert "《中华人民共和国行政处罚法》第四十八条第一款" in dis["help"]["text"]
    assert dis["shortDescription"]["text"] == "处罚决定未公示"
    results = run["results"]
    r = small_result()
    assert len(results) == len(r.findings)
    levels = {f.severity: res["level"] for f, res in zip(r.findings, results)}
    assert levels == {"严重": "error", "一般": "warning", "提示": "note"}
    for f, res in zip(r.findings, results):
        assert res["ruleId"] == f.rule_id and rules[res["ruleIndex"]]["id"] == f.rule_id
        assert res["partialFingerprints"][FINGERPRINT_KEY] == f.fingerprint
        assert res["message"]["text"] == f.message["zh"]


def test_locations(tmp_path):
    results = _doc(tmp_path)["runs"][0]["results"]
    ovd = next(x for x in results if x["properties"]["caseId"] == "JA2026-0001")
    loc = ovd["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == "exports/cases.xml"
    assert loc["physicalLocation"]["region"]["startLine"] == 12
    assert loc["logicalLocations"][0]["fullyQualifiedName"] == "江宁路中队/JA2026-0001"


def test_english_and_notices(tmp_path):
    run = _doc(tmp_path, lang="en")["runs"][0]
    assert run["tool"]["driver"]["rules"][0]["shortDescription"]["text"] == "Decision not disclosed"
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["descriptor"]["id"] == "calendar_missing" and "2027" in notes[0]["message"]["text"]
