"""fixtures/edge: each hand-made export loads its good rows and reports its bad ones at the right line."""

from pathlib import Path

import pandas as pd
import pytest

from auditor.ingest import load_exports

EDGE = Path(__file__).resolve().parents[2] / "fixtures" / "edge"


def _load(name, **kw):
    r = load_exports(EDGE / name, **kw)
    for table, count in r.counts.items():
        assert count.reconciles, table
    return r


@pytest.mark.parametrize("name, encoding", [("gbk", "gb18030"), ("bom", "utf-8-sig"), ("tab", "utf-8-sig")])
def test_encodings_and_delimiters_read_the_same_cases(name, encoding):
    r = _load(name)
    ref = _load("bom")
    assert r.files[0].encoding == encoding
    assert not r.rejected and not r.warnings
    pd.testing.assert_frame_equal(r.tables["cases"].drop(columns=["_file"]),
                                  ref.tables["cases"].drop(columns=["_file"]))
    cases = r.tables["cases"].set_index("case_id")
    assert cases.loc["JA-2025-000101", "fine_amount"] == 1000.0
    assert cases.loc["JA-2025-000103", "decision_type"] == ("罚款", "没收违法所得")
    assert cases.loc["JA-2025-000102", "officers"] == ("王芳(31010600231)", "赵磊(31010600232)")
    assert str(cases.loc["JA-2025-000101", "filing_date"].date()) == "2025-05-07"


def test_gbk_file_really_is_gb18030():
    raw = (EDGE / "gbk" / "cases.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.decode("gb18030") == (EDGE / "bom" / "cases.csv").read_bytes().decode("utf-8-sig")


def test_quoted_newlines():
    r = _load("quoted_newlines")
    assert list(r.tables["cases"]["_line"]) == [2, 4]
    assert "\n" in r.tables["cases"]["cause"].iloc[1]
    (bad,) = r.rejected
    assert (bad.line, bad.field, bad.reason) == (6, "filing_date", "日期无效: 2025-02-30")


def test_xml_bad_case():
    r = _load("xml_bad_case")
    assert list(r.tables["cases"]["case_id"]) == ["JA-2025-000301", "JA-2025-000303"]
    assert [(x.table, x.line, x.field) for x in r.rejected] == [("cases", 20, "filing_date"),
                                                                ("recordings", 28, None)]
    assert r.rejected[0].reason.startswith("日期无效: 2025-02-30")
    assert len(r.tables["recordings"]) == 1


def test_xml_truncated():
    r = _load("xml_truncated")
    assert list(r.tables["cases"]["case_id"]) == ["JA-2025-000401", "JA-2025-000402"]
    (bad,) = r.rejected
    assert bad.table == "cases" and bad.line == 21 and "XML 格式错误" in bad.reason
    assert r.counts["cases"].rows_in == 3


def test_duplicates():
    r = _load("duplicates")
    assert len(r.tables["cases"]) == 3
    reasons = [(x.table, x.line, x.reason) for x in r.rejected]
    assert reasons == [
        ("cases", 5, f"案件编号重复，首次出现于 {EDGE / 'duplicates' / 'cases.csv'}:2"),
        ("recordings", 3, "案件不存在"),
    ]
    assert r.tables["cases"].set_index("case_id").loc["JA-2025-000101", "squad"] == "静安寺街道综合行政执法队"


def test_custom_profile():
    profile = EDGE / "custom_profile" / "profile.yaml"
    r = _load("custom_profile", profile=profile)
    cases = r.tables["cases"].set_index("case_id")
    assert list(cases.index) == ["JA-2025-000201", "JA-2025-000202"]
    assert cases.loc["JA-2025-000201", "procedure"] == "普通程序"
    assert str(cases.loc["JA-2025-000201", "filing_date"].date()) == "2025-05-07"
    assert cases.loc["JA-2025-000202", "squad"] == "天目西路街道综合行政执法队"
    (bad,) = r.rejected
    assert bad.line == 4 and bad.field == "procedure" and "日期无效: 31/06/2025" in bad.reason
    assert [(w.code, w.field) for w in r.warnings] == [("unknown_column", "备注说明")]


def test_custom_profile_needed():
    r = _load("custom_profile")
    assert r.counts["cases"].loaded == 0 and r.counts["cases"].rejected == 3
    assert "missing_column" in {w.code for w in r.warnings}
