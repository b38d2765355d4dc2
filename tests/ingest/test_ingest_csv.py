"""ingest/csv.py: encodings, delimiters, record-start lines, bad rows, table detection, round trip."""

import csv
import io
from datetime import date, datetime

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.errors import InputError
from auditor.ingest import load_exports

HEADER = ["案件编号", "承办中队", "立案日期", "罚款金额（元）", "当事人放弃陈述申辩及听证", "案由"]
ROWS = [
    ["JA-1", "静安寺街道综合行政执法队", "2025/5/7", "￥1,000元", "是", "擅自占用道路从事经营活动"],
    ["JA-2", "江宁路街道综合行政执法队", "2025年6月2日", "", "否", "乱设摊"],
]


def _csv(rows, header=HEADER, delimiter=",") -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def _frame_without_origin(result, table="cases"):
    return result.tables[table].drop(columns=["_file", "_line"])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_encodings_give_the_same_table(tmp_path, encoding):
    ref = tmp_path / "ref" / "cases.csv"
    ref.parent.mkdir()
    ref.write_text(_csv(ROWS), encoding="utf-8")
    other = tmp_path / "other" / "cases.csv"
    other.parent.mkdir()
    other.write_bytes(_csv(ROWS).encode(encoding))
    a, b = load_exports(ref), load_exports(other)
    assert _frame_without_origin(a).equals(_frame_without_origin(b))
    assert len(b.tables["cases"]) == 2 and not b.rejected
    expected = {"utf-8": "utf-8-sig", "utf-8-sig": "utf-8-sig", "gb18030": "gb18030", "gbk": "gb18030",
                "utf-16": "utf-16"}[encoding]
    assert b.files[0].encoding == expected


def test_values_parsed(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(_csv(ROWS), encoding="utf-8")
    cases = load_exports(path).tables["cases"]
    assert list(cases["filing_date"].dt.date) == [date(2025, 5, 7), date(2025, 6, 2)]
    assert cases["fine_amount"].iloc[0] == 1000.0 and cases["fine_amount"].isna().iloc[1]
    assert cases["rights_waived"].tolist() == [True, False]
    assert list(cases["_line"]) == [2, 3]


def test_tab_delimiter_detected(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(_csv(ROWS, delimiter="\t"), encoding="utf-8")
    r = load_exports(path)
    assert list(r.tables["cases"]["case_id"]) == ["JA-1", "JA-2"] and not r.warnings


def test_lines_are_record_starts_with_quoted_newlines(tmp_path):
    rows = [list(ROWS[0]), list(ROWS[1]), ["JA-3", "北站街道综合行政执法队", "2025-02-30", "", "", "占道"]]
    rows[0][5] = "擅自占用道路\n从事经营活动\n（夜间）"
    rows[1][5] = "乱设摊\r\n（早市）"
    path = tmp_path / "cases.csv"
    path.write_text(_csv(rows), encoding="utf-8", newline="")
    r = load_exports(path)
    assert list(r.tables["cases"]["_line"]) == [2, 5]
    assert r.tables["cases"]["cause"].iloc[0] == "擅自占用道路\n从事经营活动\n（夜间）"
    (bad,) = r.rejected
    assert (bad.line, bad.field, bad.reason) == (7, "filing_date", "日期无效: 2025-02-30")


def test_wrong_column_count_rejected_trailing_empty_cells_tolerated(tmp_path):
    text = _csv(ROWS) + "JA-3,北站街道综合行政执法队\r\nJA-4,北站街道综合行政执法队,,,,,,\r\n" \
                        "JA-5,北站街道综合行政执法队,,,,,x\r\n"
    path = tmp_path / "cases.csv"
    path.write_text(text, encoding="utf-8")
    r = load_exports(path)
    assert list(r.tables["cases"]["case_id"]) == ["JA-1", "JA-2", "JA-4"]
    assert [(x.line, x.reason) for x in r.rejected] == [
        (4, "列数不符: 表头 6 列，此行 2 列"), (6, "列数不符: 表头 6 列，此行 7 列")]
    assert r.counts["cases"].rows_in == 5 and r.counts["cases"].reconciles


def test_blank_lines_are_not_rows(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(_csv(ROWS).replace("\r\nJA-2", "\r\n\r\n,,,,,\r\nJA-2"), encoding="utf-8")
    r = load_exports(path)
    assert list(r.tables["cases"]["_line"]) == [2, 5] and r.counts["cases"].rows_in == 2


def test_nul_bytes_are_a_clear_error(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes(_csv(ROWS).encode() + b"JA-3,\x00x,,,,\r\n")
    with pytest.raises(InputError, match="NUL") as exc:
        load_exports(path)
    assert exc.value.file == str(path) and exc.value.line == 4


def test_unknown_and_duplicate_columns_warned_once(tmp_path):
    header = HEADER + ["备注", "执法队"]
    rows = [r + ["复核中", "别的中队"] for r in ROWS]
    path = tmp_path / "cases.csv"
    path.write_text(_csv(rows, header), encoding="utf-8")
    r = load_exports(path)
    assert [(w.code, w.field) for w in r.warnings] == [("unknown_column", "备注"), ("duplicate_column", "squad")]
    assert r.tables["cases"]["squad"].iloc[0] == "静安寺街道综合行政执法队"


def test_header_variants_accepted(tmp_path):
    header = ["case_id", "执法队", "立案日期", "罚款金额(元)", "当事人放弃陈述申辩及听证", " 案 由 "]
    path = tmp_path / "cases.csv"
    path.write_text(_csv(ROWS, header), encoding="utf-8")
    r = load_exports(path)
    assert not r.warnings and r.tables["cases"]["fine_amount"].iloc[0] == 1000.0


def test_table_detected_from_headers_when_name_says_nothing(tmp_path):
    cases = tmp_path / "export_a.csv"
    cases.write_text(_csv(ROWS), encoding="utf-8")
    recs = tmp_path / "export_b.csv"
    recs.write_text(_csv([["JA-1", "现场检查", "2025-05-06 09:30"]], ["案件编号", "执法环节", "记录时间"]),
                    encoding="utf-8")
    r = load_exports(tmp_path)
    assert [(f.path.split("/")[-1], f.table) for f in r.files] == [("export_a.csv", "cases"),
                                                                    ("export_b.csv", "recordings")]
    assert r.tables["recordings"]["recorded_at"].iloc[0] == datetime(2025, 5, 6, 9, 30)


def test_undetectable_csv_named_explicitly_is_an_error_in_a_folder_skipped(tmp_path):
    other = tmp_path / "truth.csv"
    other.write_text("case_id_x,rule\n1,R1\n", encoding="utf-8")
    with pytest.raises(InputError, match="无法判断"):
        load_exports(other)
    (tmp_path / "cases.csv").write_text(_csv(ROWS), encoding="utf-8")
    r = load_exports(tmp_path)
    assert len(r.tables["cases"]) == 2
    assert [w.code for w in r.warnings] == ["skipped_file"]


def test_missing_required_column_rejects_every_row_and_says_why(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(_csv([r[:1] + r[2:] for r in ROWS], [HEADER[0]] + HEADER[2:]), encoding="utf-8")
    r = load_exports(path)
    assert [(x.line, x.field, x.reason) for x in r.rejected] == [(2, "squad", "必填字段缺失"),
                                                                (3, "squad", "必填字段缺失")]
    assert [w.code for w in r.warnings] == ["missing_column"]


_text = st.text(alphabet=st.characters(codec="gb18030", exclude_categories=("Cs", "Cc")) | st.sampled_from(
    [",", '"', "\n", "、", "；", " "]), max_size=12)


@given(st.lists(st.tuples(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
    st.one_of(st.none(), st.decimals(min_value=0, max_value=10_000_000, places=2)),
    st.booleans(),
    _text,
    st.sampled_from(["%Y-%m-%d", "%Y/%-m/%-d", "%Y年%-m月%-d日", "%Y%m%d"]),
    st.sampled_from(["utf-8", "gb18030"]),
), min_size=1, max_size=8))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_round_trip_of_values_through_csv_text(tmp_path, rows):
    records = []
    for i, (d, amount, flag, cause, fmt, _) in enumerate(rows):
        money = "" if amount is None else f"￥{amount:,.2f}元"
        records.append([f"C{i}", "静安寺街道综合行政执法队", d.strftime(fmt), money, "是" if flag else "否", cause])
    path = tmp_path / "cases.csv"
    path.write_bytes(_csv(records).encode(rows[0][5]))
    r = load_exports(path)
    cases = r.tables["cases"]
    assert not r.rejected and len(cases) == len(rows)
    for (d, amount, flag, cause, _, _), (_, row) in zip(rows, cases.iterrows()):
        assert row["filing_date"].date() == d
        assert (amount is None and pd.isna(row["fine_amount"])) or row["fine_amount"] == float(amount)
        assert bool(row["rights_waived"]) is flag
        assert row["cause"] == (cause.strip() or None)


def test_title_row_before_the_header_is_skipped(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("静安区城管执法局案件导出（2025年5月）,,\n\n案件编号,承办中队,案由\nA,静安,乱设摊\n\nB,江宁,占道\n",
                    encoding="utf-8")
    r = load_exports(path)
    assert list(r.tables["cases"]["_line"]) == [4, 6] and list(r.tables["cases"]["case_id"]) == ["A", "B"]
    (w,) = r.warnings
    assert (w.code, w.line) == ("skipped_title_rows", 1) and "案件导出" in w.message
