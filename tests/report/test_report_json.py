"""findings.json: valid against the shipped schema, byte-identical, masked, complete."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema

from _report_factory import small_result
from auditor.report.json_report import SCHEMA_ID, write_json


def _schema():
    return json.loads(resources.files("auditor").joinpath("data/findings.schema.json").read_text("utf-8"))


def _write(tmp_path, name="f.json", **kw):
    path = tmp_path / name
    write_json(small_result(), path, **kw)
    return path


def test_valid_against_shipped_schema(tmp_path):
    doc = json.loads(_write(tmp_path).read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(_schema())
    jsonschema.Draft202012Validator(_schema()).validate(doc)
    assert doc["schema"] == SCHEMA_ID == _schema()["properties"]["schema"]["const"]


def test_schema_rejects_a_broken_document(tmp_path):
    doc = json.loads(_write(tmp_path).read_text("utf-8"))
    doc["findings"][0]["severity"] = "critical"
    errors = list(jsonschema.Draft202012Validator(_schema()).iter_errors(doc))
    assert errors and "critical" in errors[0].message


def test_byte_identical_for_identical_inputs(tmp_path):
    a = _write(tmp_path, "a.json").read_bytes()
    b = _write(tmp_path, "b.json").read_bytes()
    c = _write(tmp_path, "c.json", lang="en").read_bytes()
    assert a == b == c
    assert "张三".encode() not in a  # masked
    assert "南京西路中队".encode() in a  # ensure_ascii=False
    assert a.endswith(b"\n") and b"NaN" not in a


def test_contents(tmp_path):
    r = small_result()
    doc = json.loads(_write(tmp_path).read_text("utf-8"))
    assert [f["fingerprint"] for f in doc["findings"]] == [f.fingerprint for f in r.findings]
    assert doc["as_of"] == "2026-11-25" and doc["metadata"]["profile"]["name"] == "静安区"
    assert doc["load"]["counts"]["cases"] == {"rows_in": 11, "loaded": 9, "rejected": 2}
    assert len(doc["load"]["rejected"]) == 3 and doc["load"]["warnings"][0]["code"] == "unknown_column"
    assert doc["notices"][0]["code"] == "calendar_missing"
    assert [w["due"] for w in doc["warnings"]] == ["2026-11-25", "2026-11-30", "2026-12-19"]
    assert doc["summary"]["total"]["findings"] == 13
    assert {x["squad"]: x["rank"] for x in doc["summary"]["squads"]}["南京西路中队"] == 1
    first = next(f for f in doc["findings"] if f["rule_id"] == "OVD-001" and f["case_id"] == "JA2026-0001")
    assert first["source"] == {"file": "exports/cases.xml", "line": 12}
    assert first["evidence"][0] == ["filing_date", "2026-05-06"]
    assert {x["id"]: x["findings"] for x in doc["rules"]}["DQ-001"] == 3


def test_personal_data_masked_unless_asked(tmp_path):
    masked = json.loads(_write(tmp_path, "m.json").read_text("utf-8"))
    shown = json.loads(_write(tmp_path, "s.json", show_personal_data=True).read_text("utf-8"))
    ev = lambda d: [e for f in d["findings"] for e in f["evidence"] if e[0] in ("party_name", "party_id")]  # noqa: E731
    assert sorted(ev(masked)) == [["party_id", "**************1234"], ["party_name", "张*"]]
    assert sorted(ev(shown)) == [["party_id", "310101198001011234"], ["party_name", "张三"]]
    rej = lambda d: [r["value"] for r in d["load"]["rejected"] if r["field"] == "party_id"]  # noqa: E731
    assert rej(masked) == ["**************4578"] and rej(shown) == ["110101199003074578"]
    assert masked["metadata"]["show_personal_data"] is False and shown["metadata"]["show_personal_data"] is True
