"""JUnit XML: one suite per squad, one testcase per rule, failures where the squad has findings."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from _report_factory import RULES, small_result
from auditor.report.junit import write_junit


def test_counts_parse_back(tmp_path):
    path = tmp_path / "f.xml"
    write_junit(small_result(), path)
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["南京西路中队", "机动执法中队", "江宁路中队"]
    r = small_result()
    for suite in suites:
        squad = suite.get("name")
        cases = suite.findall("testcase")
        assert len(cases) == len(RULES) == int(suite.get("tests"))
        failing = {c.get("name").split()[0] for c in cases if c.find("failure") is not None}
        assert failing == {f.rule_id for f in r.findings if f.squad == squad}
        assert int(suite.get("failures")) == len(failing)
        for c in cases:
            fail = c.find("failure")
            if fail is not None:
                rid = c.get("name").split()[0]
                mine = [f for f in r.findings if f.squad == squad and f.rule_id == rid]
                assert len(fail.text.splitlines()) == len(mine)
                assert all(f.fingerprint in fail.text for f in mine)
    assert int(root.get("tests")) == 3 * len(RULES)
    assert int(root.get("failures")) == len({(f.squad, f.rule_id) for f in r.findings})


def test_payload_text_stays_text(tmp_path):
    path = tmp_path / "f.xml"
    write_junit(small_result(), path)
    text = path.read_text("utf-8")
    assert "<script>" not in text and "&lt;script&gt;" in text
    root = ET.parse(path).getroot()
    all_text = "".join(e.text or "" for e in root.iter("failure"))
    assert "<script>document.title='pwned'</script>" in all_text  # round-trips as data


def test_deterministic(tmp_path):
    write_junit(small_result(), tmp_path / "a.xml")
    write_junit(small_result(), tmp_path / "b.xml")
    assert (tmp_path / "a.xml").read_bytes() == (tmp_path / "b.xml").read_bytes()
