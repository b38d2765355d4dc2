"""ingest/fastcheck.py: the fast schema path gives exactly the outcome of validating every element.

Every XML input of the test corpus (tests/ingest/test_ingest_xml.py, fixtures/edge, tests/hostile/files) and
generated case elements, valid and subtly invalid, are loaded with validate="always" and "fast"; the
tables, rejections (file, line, field, reason, value), warnings, counts, or the refusal, must be equal.
"""

from __future__ import annotations

import inspect
import tempfile
from dataclasses import replace
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import test_ingest_xml
from auditor.errors import AuditorError
from auditor.ingest import Limits, load_exports
from auditor.ingest.fastcheck import RowReader
from auditor.model.fields import CASE_FIELDS, RECORDING_FIELDS

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = sorted((ROOT / "tests" / "hostile" / "files").glob("*.xml"))
EDGE = [ROOT / "fixtures" / "edge" / "xml_bad_case", ROOT / "fixtures" / "edge" / "xml_truncated"]


def _outcome(paths, profile, limits: Limits):
    try:
        return load_exports(paths, mapping=profile, limits=limits), None
    except AuditorError as exc:
        return None, (type(exc), str(exc), exc.exit_code)


def load_both(paths, profile=None, limits=None):
    """load_exports in both modes; asserts the outcomes are identical and returns the fast one."""
    base = limits or Limits()
    slow, slow_err = _outcome(paths, profile, replace(base, validate="always"))
    fast, fast_err = _outcome(paths, profile, replace(base, validate="fast"))
    assert fast_err == slow_err
    if fast_err is not None:
        load_exports(paths, mapping=profile, limits=base)  # raises that error for the caller
        raise AssertionError("the load failed a moment ago")
    assert fast.rejected == slow.rejected
    assert fast.warnings == slow.warnings
    assert fast.counts == slow.counts
    assert fast.files == slow.files
    for table in slow.tables:
        pd.testing.assert_frame_equal(fast.tables[table], slow.tables[table])
    return fast


def test_modes_are_checked():
    with pytest.raises(ValueError):
        Limits(validate="sometimes")


_XML_TESTS = [f for name, f in vars(test_ingest_xml).items()
              if name.startswith("test_") and list(inspect.signature(f).parameters) == ["tmp_path"]]


@pytest.mark.parametrize("test", _XML_TESTS, ids=lambda f: f.__name__)
def test_xml_test_corpus_same_in_both_modes(test, tmp_path, monkeypatch):
    calls = []

    def both(*args, **kwargs):
        calls.append(args)
        return load_both(*args, **kwargs)
    monkeypatch.setattr(test_ingest_xml, "load_exports", both)
    test(tmp_path)  # the test's own assertions hold on the fast result, which equals the slow one
    assert calls


@pytest.mark.parametrize("path", HOSTILE + EDGE, ids=lambda p: p.name)
def test_hostile_and_edge_files_same_in_both_modes(path):
    try:
        load_both(path)
    except AuditorError:
        pass  # refused: load_both already saw the same refusal in both modes


def test_fast_path_is_taken_for_a_valid_case_and_refused_for_subtle_violations():
    reader = RowReader("cases", RowReader("recordings"))

    def read(body: str):
        return reader.read(etree.fromstring(f"<case>{body}</case>"))
    good = ("<case_id>C1</case_id><filing_date>2024-02-29</filing_date><serious_harm>是</serious_harm>"
            "<officers><officer>张伟</officer></officers><fine_amount>10.50</fine_amount>"
            "<recordings><recording><stage>送达</stage><recorded_at>2025-01-31T23:59:59</recorded_at>"
            "</recording></recordings>")
    row, recs = read(good)
    assert row[0] == "C1" and row[3] == ("张伟",) and len(recs) == 1
    for bad in ["<filing_date>2025-02-29</filing_date>", "<filing_date>2025-04-31</filing_date>",
                "<filing_date> 2025-01-01</filing_date>", "<extension_days>٣</extension_days>",
                "<serious_harm>TRUE</serious_harm>", "<fine_amount>1.</fine_amount>",
                "<case_id>C2</case_id>", "<bogus/>", '<cause a="1">x</cause>', "<cause><b/></cause>",
                "stray text", "<officers><item>x</item></officers>", "<officers><officer><b/></officer></officers>",
                "<recordings><case/></recordings>", "<recordings>x</recordings>",
                '<cause xmlns="urn:x">x</cause>', "<recordings/>",
                "<recordings><recording><recorded_at>2025-01-01T24:00:00</recorded_at></recording></recordings>"]:
        assert read(good.replace("<case_id>C1</case_id>", "<case_id>C1</case_id>" + bad)) is None, bad


# --- generated case elements -------------------------------------------------------------------

_KIND_VALUES = {
    "date": ["2025-05-07", "2024-02-29", "2025-02-29", "2025-02-30", "2025-04-31", "2025-12-31", "0000-01-01",
             "0001-01-01", "2025-1-7", " 2025-05-07 ", "2025/5/7", "2025-05-07T10:00:00", "20250507"],
    "datetime": ["2025-05-07T09:30:00", "2025-05-07T24:00:00", "2025-05-07T23:59:60", "2025-05-07 09:30:00",
                 "2025-02-29T10:00:00", " 2025-05-07T09:30:00", "2025-05-07T09:30"],
    "bool": ["true", "false", "是", "否", "1", "0", " true", "TRUE", "yes", "有"],
    "int": ["0", "30", "007", "٣", "-1", "1.0", " 5 ", "1e3", "9" * 30],
    "decimal": ["10", "10.50", "0.5", ".5", "1.", "1,000", "-5", "１０", "1e3", " 10 "],
}
_SAMPLE_TEXT = st.one_of(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
                         st.sampled_from(["", "   ", "\n", "罚款", "简易程序", "已结案", "<b>"]))


_VALID = {"date": ["2025-05-07", "2024-02-29", "2025-12-31", ""], "datetime": ["2025-05-07T09:30:00", ""],
          "bool": ["true", "否"], "int": ["30"], "decimal": ["10.50", "7"]}


def _value(field):
    """Mostly valid, so that a case reaches the fast path with its one defect; sometimes anything."""
    pool = _KIND_VALUES.get(field.kind)
    if not pool:
        return _SAMPLE_TEXT
    return st.sampled_from(_VALID[field.kind] * 40 + pool)


def _field_xml(fields):
    """One child element per drawn field, with a value of its kind (valid or nearly so)."""
    return st.lists(st.sampled_from(fields), min_size=1, max_size=8, unique=True).flatmap(
        lambda fs: st.tuples(*[st.tuples(st.just(f), _value(f)) for f in fs]))


_MUTATIONS = st.sampled_from([
    "", "dup", "unknown", "label", "attr", "nested", "stray", "wrong_item", "item_child",
    "namespaced", "comment", "cdata", "entity_like"])


def _render(pairs, mutation: str, item_tags: dict[str, str]) -> str:
    out = []
    for f, v in pairs:
        if f.kind in ("list", "enum_list") and v and v.strip():
            item = item_tags.get(f.name, "item")
            out.append(f"<{f.name}>" + "".join(f"<{item}>{escape(p)}</{item}>" for p in v.split("、")) + f"</{f.name}>")
        else:
            out.append(f"<{f.name}>{escape(v)}</{f.name}>")
    if pairs and mutation:
        f, v = pairs[0]
        first = {
            "dup": out[0] + out[0],
            "attr": f'<{f.name} source="x">{escape(v)}</{f.name}>',
            "nested": f"<{f.name}>{escape(v)}<b>1</b></{f.name}>",
            "stray": out[0] + "文字",
            "wrong_item": f"<{f.name}><item>a</item><officer>b</officer></{f.name}>",
            "item_child": f"<{f.name}><item>a<b/></item></{f.name}>",
            "namespaced": f'<{f.name} xmlns="urn:x">{escape(v)}</{f.name}>',
            "comment": f"<{f.name}>{escape(v[:2])}<!-- c -->{escape(v[2:])}</{f.name}>",
            "cdata": f"<{f.name}><![CDATA[{v}]]></{f.name}>" if "]]>" not in v else out[0],
            "entity_like": f"<{f.name}>{escape(v)}&amp;&#x32;</{f.name}>",
            "unknown": out[0] + "<bogus>1</bogus>",
            "label": f"<{f.zh}>{escape(v)}</{f.zh}>" if f.zh.isidentifier() else out[0],
        }[mutation]
        out[0] = first
    return "".join(out)


CASE = st.tuples(
    st.sampled_from(["C1", "C2", "C3"]), _field_xml(CASE_FIELDS), _MUTATIONS,
    st.lists(st.tuples(_field_xml(RECORDING_FIELDS), _MUTATIONS), max_size=3),
    st.sampled_from(["", "", "<recordings></recordings>", "<recordings>x</recordings>",
                     "<recordings><recording/><bogus/></recordings>"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CASE, min_size=1, max_size=6))
def test_generated_cases_same_in_both_modes(cases):
    items = {"officers": "officer"}
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<cases>\n']
    for cid, pairs, mutation, recordings, odd in cases:
        body = f"<case_id>{cid}</case_id><squad>一中队</squad>" + _render(
            [p for p in pairs if p[0].name not in ("case_id", "squad")], mutation, items)
        if recordings:
            body += "<recordings>\n" + "".join(
                f"  <recording>{_render(rp, rm, items)}</recording>\n" for rp, rm in recordings) + "</recordings>"
        elif odd:
            body += odd
        parts.append(f"<case>\n  {body}\n</case>\n")
    parts.append("</cases>\n")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "cases.xml"
        path.write_text("".join(parts), encoding="utf-8")
        try:
            load_both(path)
        except AuditorError:
            pass  # the same refusal in both modes
