"""ingest/xml.py: streaming read, per-case XSD validation, broken files, hostile XML."""

from datetime import date

import pandas as pd
import pytest

from auditor.errors import InputError
from auditor.ingest import load_exports

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _case(cid: str, extra: str = "", squad: str = "静安寺街道综合行政执法队") -> str:
    return (f"  <case>\n    <case_id>{cid}</case_id>\n    <squad>{squad}</squad>\n{extra}  </case>\n")


def _write(tmp_path, body: str, name: str = "cases.xml", root: str = "cases"):
    path = tmp_path / name
    path.write_text(f"{HEAD}<{root}>\n{body}</{root}>\n", encoding="utf-8")
    return path


def test_good_case_has_canonical_values_and_dtypes(tmp_path):
    extra = ("    <officers><officer>张伟(31010600123)</officer><officer>李强(31010600456)</officer></officers>\n"
             "    <filing_date>2025-05-07</filing_date>\n    <serious_harm>否</serious_harm>\n"
             "    <decision_type><item>罚款</item><item>没收违法所得</item></decision_type>\n"
             "    <fine_amount>1234.50</fine_amount>\n    <extension_days>30</extension_days>\n"
             "    <recordings>\n      <recording><stage>现场检查</stage>"
             "<recorded_at>2025-05-06T09:30:00</recorded_at></recording>\n    </recordings>\n")
    r = load_exports(_write(tmp_path, _case("C1", extra)))
    cases = r.tables["cases"]
    row = cases.iloc[0]
    assert row["officers"] == ("张伟(31010600123)", "李强(31010600456)")
    assert row["decision_type"] == ("罚款", "没收违法所得")
    assert row["filing_date"] == pd.Timestamp(date(2025, 5, 7))
    assert cases["serious_harm"].tolist() == [False]
    assert row["fine_amount"] == 1234.5 and row["extension_days"] == 30
    assert row["_line"] == 3 and row["_file"].endswith("cases.xml")
    assert str(cases["filing_date"].dtype) == "datetime64[ns]"
    assert str(cases["serious_harm"].dtype) == "boolean"
    assert str(cases["extension_days"].dtype) == "Int64"
    assert cases["officers"].dtype == object and cases["squad"].dtype == object
    rec = r.tables["recordings"].iloc[0]
    assert rec["case_id"] == "C1" and rec["_line"] == 13
    assert rec["recorded_at"] == pd.Timestamp(2025, 5, 6, 9, 30)
    assert rec["recording_id"] == "13"  # absent: its line number
    assert r.files[0].form == "xml" and len(r.files[0].sha256) == 64


def test_schema_invalid_case_rejected_with_its_line_others_read(tmp_path):
    body = (_case("C1") + _case("C2", "    <filing_date>2025-13-01</filing_date>\n") + _case("C3")
            + _case("C4", "    <fine_amount>-5</fine_amount>\n"))
    r = load_exports(_write(tmp_path, body))
    assert list(r.tables["cases"]["case_id"]) == ["C1", "C3"]
    assert [(x.line, x.field) for x in r.rejected] == [(7, "filing_date"), (16, "fine_amount")]
    assert r.rejected[0].reason.startswith("日期无效: 2025-13-01")
    assert r.rejected[0].value == "2025-13-01"
    assert r.counts["cases"].rows_in == 4 and r.counts["cases"].reconciles


def test_bad_recording_rejects_only_that_recording(tmp_path):
    extra = ("    <recordings>\n"
             "      <recording><stage>现场检查</stage><recorded_at>2025-05-06</recorded_at></recording>\n"
             "      <recording><stage>询问</stage></recording>\n"
             "      <recording><case_id>OTHER</case_id><stage>询问</stage></recording>\n"
             "    </recordings>\n")
    r = load_exports(_write(tmp_path, _case("C1", extra)))
    assert len(r.tables["cases"]) == 1
    assert list(r.tables["recordings"]["stage"]) == ["询问"]
    assert [(x.table, x.line, x.field) for x in r.rejected] == [
        ("recordings", 7, "recorded_at"), ("recordings", 9, "case_id")]
    assert "不符" in r.rejected[1].reason
    assert r.counts["recordings"].rows_in == 3


def test_python_rejected_case_takes_its_recordings(tmp_path):
    extra = ("    <procedure>快速程序</procedure>\n    <recordings><recording><stage>询问</stage></recording>"
             "</recordings>\n")
    r = load_exports(_write(tmp_path, _case("C1", extra) + _case("C2")))
    reasons = {(x.table, x.line): x.reason for x in r.rejected}
    assert reasons[("cases", 3)].startswith("不在可选值中: 快速程序")
    assert reasons[("recordings", 7)] == f"所属案件被拒收: {tmp_path / 'cases.xml'}:3"
    assert r.counts["recordings"].reconciles and r.counts["recordings"].loaded == 0


def test_required_field_missing(tmp_path):
    r = load_exports(_write(tmp_path, "  <case><case_id>C1</case_id></case>\n" + _case("C2")))
    assert [(x.line, x.field, x.reason) for x in r.rejected] == [(3, "squad", "必填字段缺失")]


def test_truncated_file_keeps_cases_before_the_break(tmp_path):
    path = tmp_path / "cases.xml"
    path.write_text(HEAD + "<cases>\n" + _case("C1") + _case("C2") + "  <case>\n    <case_id>C3</ca",
                    encoding="utf-8")
    r = load_exports(path)
    assert list(r.tables["cases"]["case_id"]) == ["C1", "C2"]
    (bad,) = r.rejected
    assert bad.line == 12 and bad.reason.startswith("XML 格式错误")
    assert r.counts["cases"].rows_in == 3 and r.counts["cases"].reconciles


@pytest.mark.parametrize("text, message", [
    ("this is not xml", "不是格式正确的 XML"),
    (HEAD + "<report><case><case_id>C1</case_id></case></report>", "根元素不是"),
    (HEAD + "<report/>", "根元素不是"),
])
def test_unreadable_xml_is_an_input_error_naming_the_file(tmp_path, text, message):
    path = tmp_path / "cases.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as exc:
        load_exports(path)
    assert exc.value.file == str(path)


def test_external_entity_and_dtd_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    path = tmp_path / "cases.xml"
    path.write_text(
        HEAD + f'<!DOCTYPE cases [<!ENTITY xxe SYSTEM "file://{secret}">'
        '<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>\n'
        "<cases>\n  <case><case_id>C1</case_id><squad>静安</squad><cause>&xxe;</cause></case>\n</cases>\n",
        encoding="utf-8")
    r = load_exports(path)
    text = r.tables["cases"].to_string() + "".join(x.reason + x.value for x in r.rejected)
    assert "TOP-SECRET-VALUE" not in text
    (bad,) = r.rejected
    assert (bad.line, bad.field) == (4, "cause") and "&xxe;" in bad.reason


def test_entity_expansion_bomb_not_expanded(tmp_path):
    lol = ['<!ENTITY a0 "lollollollollollollollollollol">']
    lol += [f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 9)]
    path = tmp_path / "cases.xml"
    path.write_text(HEAD + "<!DOCTYPE cases [" + "".join(lol) + "]>\n<cases>\n"
                    "  <case><case_id>C1</case_id><squad>静安</squad><cause>&a8;</cause></case>\n</cases>\n",
                    encoding="utf-8")
    r = load_exports(path)
    assert r.tables["cases"].empty  # the parser refuses the amplification: nothing expanded
    (bad,) = r.rejected
    assert bad.reason.startswith("XML 格式错误") and r.counts["cases"].reconciles


def test_unknown_element_warned_once_and_labels_renamed(tmp_path):
    body = ("  <case><case_id>C1</case_id><承办中队>静安寺街道综合行政执法队</承办中队><remark>a</remark></case>\n"
            "  <case><case_id>C2</case_id><squad>江宁路街道综合行政执法队</squad><remark>b</remark></case>\n")
    r = load_exports(_write(tmp_path, body))
    assert list(r.tables["cases"]["squad"]) == ["静安寺街道综合行政执法队", "江宁路街道综合行政执法队"]
    assert [(w.code, w.field) for w in r.warnings] == [("unknown_column", "remark")]
    assert not r.rejected


def test_list_given_as_text_in_xml(tmp_path):
    r = load_exports(_write(tmp_path, _case("C1", "    <officers>张伟(1)、李强(2)</officers>\n")))
    assert r.tables["cases"].iloc[0]["officers"] == ("张伟(1)", "李强(2)")


def test_disclosure_xml(tmp_path):
    body = ("  <disclosure><decision_no>沪静城管罚字〔2025〕第1号</decision_no>"
            "<fine_amount_wan>0.5</fine_amount_wan><disclosure_date>2025-06-01</disclosure_date></disclosure>\n"
            "  <disclosure><party_name>某公司</party_name></disclosure>\n")
    r = load_exports(_write(tmp_path, body, "disclosures.xml", "disclosures"))
    dis = r.tables["disclosures"]
    assert list(dis["fine_amount_wan"]) == [0.5]
    assert [(x.table, x.line, x.field) for x in r.rejected] == [("disclosures", 4, "decision_no")]
    assert [w.code for w in r.warnings] == ["disclosure_unmatched"]
    assert r.files[0].table == "disclosures"


def test_many_cases_stream_in_batches(tmp_path):
    body = "".join(_case(f"C{i:05d}", "    <filing_date>2025-05-07</filing_date>\n") for i in range(9000))
    r = load_exports(_write(tmp_path, body))
    cases = r.tables["cases"]
    assert len(cases) == 9000 and cases["case_id"].is_unique
    assert cases["_line"].is_monotonic_increasing
    assert cases["filing_date"].notna().all()


def test_misplaced_case_is_reported_not_dropped(tmp_path):
    body = _case("C1") + "  <batch>\n" + _case("C2") + "  </batch>\n"
    r = load_exports(_write(tmp_path, body))
    assert list(r.tables["cases"]["case_id"]) == ["C1"]
    (bad,) = r.rejected
    assert bad.line == 8 and "不在根元素下" in bad.reason and r.counts["cases"].rows_in == 2
