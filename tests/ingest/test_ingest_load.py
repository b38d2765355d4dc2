"""load_exports: inputs, limits, cross-table checks, and XML/CSV forms giving the same tables."""

from pathlib import Path

import pandas as pd
import pytest

from auditor.errors import InputError
from auditor.ingest import Limits, load_exports
from auditor.model.frame import columns, empty_frame, to_frame

EDGE = Path(__file__).resolve().parents[2] / "fixtures" / "edge"
CASES = "案件编号,承办中队,处罚决定书文号\n{rows}"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_xml_and_csv_forms_give_identical_tables():
    xml, csv = load_exports(EDGE / "pair" / "xml"), load_exports(EDGE / "pair" / "csv")
    for table in ("cases", "recordings", "disclosures"):
        a = xml.tables[table].drop(columns=["_file", "_line"])
        b = csv.tables[table].drop(columns=["_file", "_line"])
        pd.testing.assert_frame_equal(a, b)
        assert len(a) == 2
    assert xml.tables["cases"]["decision_type"].iloc[0] == ("罚款", "没收违法所得")
    assert csv.tables["cases"]["procedure"].iloc[0] == "普通程序"  # 一般程序 via the default value map
    assert xml.tables["disclosures"]["fine_amount_wan"].iloc[0] == 0.12345


def test_missing_path_empty_folder_empty_file(tmp_path):
    with pytest.raises(InputError, match="不存在") as exc:
        load_exports(tmp_path / "nope.xml")
    assert exc.value.file == str(tmp_path / "nope.xml")
    (tmp_path / "empty_dir").mkdir()
    (tmp_path / "empty_dir" / "readme.txt").write_text("x")
    with pytest.raises(InputError, match="目录中没有"):
        load_exports(tmp_path / "empty_dir")
    empty = _write(tmp_path / "cases.csv", "")
    with pytest.raises(InputError, match="文件为空") as exc:
        load_exports(empty)
    assert exc.value.file == str(empty) and exc.value.exit_code == 3


def test_header_only_file_is_zero_rows(tmp_path):
    r = load_exports(_write(tmp_path / "cases.csv", "案件编号,承办中队\n"))
    assert r.counts["cases"].rows_in == 0 and list(r.tables["cases"].columns) == list(columns("cases"))


def test_file_size_limit(tmp_path):
    path = _write(tmp_path / "cases.csv", CASES.format(rows="A,静安,\n"))
    with pytest.raises(InputError, match="文件过大"):
        load_exports(path, limits=Limits(max_file_bytes=10))


def test_field_length_limit_rejects_the_row(tmp_path):
    path = _write(tmp_path / "cases.csv", CASES.format(rows="A,静安,\nB,静安," + "x" * 50 + "\n"))
    r = load_exports(path, limits=Limits(max_field_chars=20))
    assert list(r.tables["cases"]["case_id"]) == ["A"]
    (bad,) = r.rejected
    assert (bad.line, bad.field, bad.reason) == (3, "decision_no", "字段过长: 50 个字符，上限 20")
    assert len(bad.value) <= 81


def test_row_limit(tmp_path):
    path = _write(tmp_path / "cases.csv", CASES.format(rows="A,静安,\nB,静安,\nC,静安,\n"))
    with pytest.raises(InputError, match="行数超过上限 2") as exc:
        load_exports(path, limits=Limits(max_rows=2))
    assert exc.value.line == 4


def test_duplicates_across_files_and_forms(tmp_path):
    _write(tmp_path / "a" / "cases.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<cases>\n'
           "  <case><case_id>A</case_id><squad>静安</squad></case>\n</cases>\n")
    csv = _write(tmp_path / "b" / "cases.csv", CASES.format(rows="B,静安,\nA,江宁,\nB,北站,\n"))
    r = load_exports([tmp_path / "a", csv])
    assert list(r.tables["cases"]["case_id"]) == ["A", "B"]
    assert [(x.file, x.line, x.reason) for x in r.rejected] == [
        (str(csv), 3, f"案件编号重复，首次出现于 {tmp_path / 'a' / 'cases.xml'}:3"),
        (str(csv), 4, f"案件编号重复，首次出现于 {csv}:2")]
    assert r.counts["cases"].rows_in == 4 and r.counts["cases"].reconciles


def test_same_file_twice_is_read_once(tmp_path):
    path = _write(tmp_path / "cases.csv", CASES.format(rows="A,静安,\n"))
    r = load_exports([path, tmp_path, str(path)])
    assert len(r.files) == 1 and not r.rejected


def test_orphan_recordings_and_unmatched_disclosures(tmp_path):
    _write(tmp_path / "cases.csv", CASES.format(rows="A,静安,罚1\nB,静安,罚2\nC,,罚3\n"))
    _write(tmp_path / "recordings.csv", "案件编号,执法环节,记录编号\nA,现场检查,R1\nZ,询问,R1\nC,询问,\nA,询问,\n")
    _write(tmp_path / "disclosures.csv", "行政处罚决定书文号,公示日期\n罚1,2025-06-01\n外机关罚9,2025-06-02\n")
    r = load_exports(tmp_path)
    rec = r.tables["recordings"]
    assert list(rec["case_id"]) == ["A", "A"] and list(rec["recording_id"]) == ["R1", "5"]
    reasons = {(x.table, x.line): x.reason for x in r.rejected}
    assert reasons[("recordings", 3)] == "案件不存在"
    assert reasons[("recordings", 4)] == "案件不存在"  # case C was rejected for a missing squad
    assert reasons[("cases", 4)] == "必填字段缺失"
    assert list(r.tables["disclosures"]["decision_no"]) == ["罚1", "外机关罚9"]
    (w,) = [w for w in r.warnings if w.code == "disclosure_unmatched"]
    assert (w.line, w.field) == (3, "decision_no") and "外机关罚9" in w.message
    for count in r.counts.values():
        assert count.reconciles


def test_recordings_of_a_rejected_duplicate_case_name_it(tmp_path):
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<cases>\n'
           "  <case><case_id>A</case_id><squad>静安</squad></case>\n"
           "  <case><case_id>A</case_id><squad>静安</squad>\n"
           "    <recordings><recording><stage>询问</stage></recording></recordings></case>\n</cases>\n")
    path = _write(tmp_path / "cases.xml", xml)
    r = load_exports(path)
    assert r.tables["recordings"].empty
    rec = [x for x in r.rejected if x.table == "recordings"]
    assert [(x.line, x.reason) for x in rec] == [(5, f"所属案件被拒收: {path}:4")]


def test_frame_helpers_have_canonical_dtypes():
    empty = empty_frame("cases")
    assert list(empty.columns) == list(columns("cases")) and len(empty) == 0
    assert str(empty["filing_date"].dtype) == "datetime64[ns]" and str(empty["_line"].dtype) == "int64"
    df = to_frame("recordings", [{"case_id": "A", "stage": "询问", "duration_s": 5, "_file": "f", "_line": 2},
                                 {"case_id": "B", "stage": "送达"}])
    assert df["duration_s"].tolist()[0] == 5 and df["duration_s"].isna().tolist() == [False, True]
    assert df["officers"].tolist() == [(), ()] and df["_line"].tolist() == [2, 0]
    with pytest.raises(KeyError):
        to_frame("cases", {"nonsense": [1]})


def test_repeated_recording_id_within_a_case_is_named(tmp_path):
    _write(tmp_path / "cases.csv", CASES.format(rows="A,静安,\nB,静安,\n"))
    _write(tmp_path / "recordings.csv", "案件编号,执法环节,记录编号\nA,现场检查,R1\nB,询问,R1\nA,询问,R1\n")
    r = load_exports(tmp_path)
    assert len(r.tables["recordings"]) == 3
    (w,) = [w for w in r.warnings if w.code == "duplicate_recording_id"]
    assert (w.line, w.field) == (4, "recording_id") and "R1" in w.message
