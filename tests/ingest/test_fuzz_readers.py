"""Property-based fuzzing of the export readers (hypothesis, bounded so the suite stays fast).

Whatever the bytes, `load_exports` either raises InputError or returns a load report in which every
table reconciles (rows in = loaded + rejected); for well-formed CSV text and XML case elements the rows
in are exactly the records written, so nothing can vanish silently.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.errors import InputError
from auditor.ingest import load_exports
from auditor.model.fields import CASE_FIELDS, RECORDING_FIELDS

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEADER = ["案件编号", "承办中队", "案由", "当事人名称", "罚款金额（元）", "立案日期", "案件状态", "是否申请听证"]

# Text that XML 1.0 and the csv module can carry (no surrogates); NUL and other controls stay in for CSV.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
XML_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
SAMPLES = st.sampled_from(["2025-02-30", "2025-03-03", "2025/3/3", "NaN", "1e30", "-5", "一千", "9" * 40,
                          "200", "1,000.50", "是", "否", "=1+1", "\"", "", "   ", "<b>&amp;</b>"])
VALUES = st.one_of(TEXT, SAMPLES, st.just("\r\n"))


def _reconciles(result) -> None:
    for table, count in result.counts.items():
        assert count.rows_in == count.loaded + count.rejected, (table, count)
        assert len(result.tables[table]) == count.loaded
    for r in result.rejected:
        assert r.line >= 1 and r.reason


def _load(data: bytes, name: str):
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.write_bytes(data)
        try:
            return load_exports(p)
        except InputError as exc:
            assert exc.file and str(exc)
            return None


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(["cases.csv", "recordings.csv", "cases.xml", "x.csv"]))
def test_random_bytes(data, name):
    result = _load(data, name)
    if result is not None:
        _reconciles(result)


@FUZZ
@given(st.binary(max_size=1500), st.sampled_from([b"", b"\xef\xbb\xbf"]),
       st.sampled_from(["utf-8", "gb18030"]))
def test_random_bytes_after_a_valid_header(tail, bom, encoding):
    head = bom + (",".join(HEADER) + "\n").encode(encoding)
    result = _load(head + tail, "cases.csv")
    if result is not None:
        _reconciles(result)


@FUZZ
@given(st.lists(st.lists(VALUES, min_size=0, max_size=len(HEADER) + 2), max_size=25),
       st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]), st.sampled_from([",", "\t"]))
def test_random_csv_text(rows, encoding, delimiter):
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter)
    writer.writerow(HEADER)
    writer.writerows(rows)
    result = _load(buf.getvalue().encode(encoding), "cases.csv")
    if result is None:
        # Refused as a whole only for what the loader documents: a NUL in the text.
        assert any("\x00" in c for row in rows for c in row)
        return
    _reconciles(result)
    written = [r for r in rows if any(r)]  # a row of empty cells carries nothing and is skipped
    assert result.counts["cases"].rows_in == len(written)
    loaded_ids = set(result.tables["cases"]["case_id"])
    assert loaded_ids <= {r[0].strip() for r in written if r}


_CASE_NAMES = [f.name for f in CASE_FIELDS]
_REC_NAMES = [f.name for f in RECORDING_FIELDS]


def _element(name: str, text: str) -> str:
    return f"<{name}>{escape(text)}</{name}>"


CASE_ELEMENT = st.tuples(
    st.dictionaries(st.sampled_from(_CASE_NAMES), st.one_of(XML_TEXT, SAMPLES), max_size=8),
    st.lists(st.dictionaries(st.sampled_from(_REC_NAMES), XML_TEXT, max_size=4), max_size=3),
    st.lists(st.sampled_from(["bogus", "备注", "x-y"]), max_size=2),
)


@FUZZ
@given(st.lists(CASE_ELEMENT, max_size=12))
def test_random_xml_case_elements(cases):
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<cases>\n']
    for fields, recordings, unknown in cases:
        body = "".join(_element(k, v) for k, v in fields.items())
        body += "".join(_element(u, "1") for u in unknown)
        if recordings:
            body += "<recordings>" + "".join(
                "<recording>" + "".join(_element(k, v) for k, v in rec.items()) + "</recording>"
                for rec in recordings) + "</recordings>"
        parts.append(f"<case>{body}</case>\n")
    parts.append("</cases>\n")
    result = _load("".join(parts).encode("utf-8"), "cases.xml")
    assert result is not None, "a well-formed <cases> document is never refused as a whole"
    _reconciles(result)
    assert result.counts["cases"].rows_in == len(cases)
    nested = sum(len(r) for _, r, _ in cases)
    assert result.counts["recordings"].rows_in == nested


# Children of the root in any mix: plain rows, rows of the other kind, rows in a default or prefixed
# namespace, wrappers holding rows, unknown elements, stray text. Every one must be read, rejected as a
# row of its table, or reported as a warning; none may vanish.
ROOT_CHILD = st.sampled_from([
    ("row", '<case><case_id>{id}</case_id><squad>一中队</squad></case>'),
    ("other", "<disclosure><decision_no>D{id}</decision_no></disclosure>"),
    ("row_ns", '<case xmlns="urn:x"><case_id>{id}</case_id><squad>一中队</squad></case>'),
    ("row_prefixed", '<p:case xmlns:p="urn:x"><case_id>{id}</case_id></p:case>'),
    ("wrapped", '<batch><case><case_id>{id}</case_id><squad>一中队</squad></case></batch>'),
    ("unknown", "<meta_{id}>x</meta_{id}>"),
    ("text", "stray {id}"),
])


@FUZZ
@given(st.lists(ROOT_CHILD, max_size=15), st.sampled_from(["cases", "disclosures"]))
def test_every_element_under_the_root_is_accounted_for(children, root):
    body = []
    for i, (kind, template) in enumerate(children):
        text = template.format(id=i)
        if root == "disclosures":  # the same mix seen from a disclosure export: case and disclosure swap
            text = re.sub(r"<(/?)(p:)?(case|disclosure)\b",
                          lambda m: f"<{m[1]}{m[2] or ''}{'disclosure' if m[3] == 'case' else 'case'}", text)
            text = text.replace("case_id>", "decision_no>")
        body.append(text)
    doc = f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>\n' + "\n".join(body) + f"\n</{root}>\n"
    result = _load(doc.encode("utf-8"), f"{root}.xml")
    assert result is not None
    _reconciles(result)
    rows = sum(1 for kind, _ in children if kind != "unknown" and kind != "text")
    assert sum(c.rows_in for c in result.counts.values()) == rows, "a row-like element vanished"
    codes = {w.code for w in result.warnings}
    if any(kind in ("unknown", "wrapped") for kind, _ in children):
        assert "unknown_element" in codes
    if any(kind == "text" for kind, _ in children):
        assert "unknown_text" in codes
