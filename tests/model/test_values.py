"""model/values.py: every accepted form of every kind, and the Chinese reasons for bad values."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.model.fields import field_of
from auditor.model.values import decimal_places, make_column_parser, parse_items, parse_value

FILING = field_of("cases", "filing_date")
RECORDED = field_of("recordings", "recorded_at")
WAIVED = field_of("cases", "rights_waived")
FINE = field_of("cases", "fine_amount")
FINE_WAN = field_of("disclosures", "fine_amount_wan")
DAYS = field_of("cases", "extension_days")
PROCEDURE = field_of("cases", "procedure")
OFFICERS = field_of("cases", "officers")
DECISION = field_of("cases", "decision_type")
CAUSE = field_of("cases", "cause")


@pytest.mark.parametrize("text", [
    "2025-05-23", "2025/5/23", "2025/05/23", "2025年5月23日", "2025年05月23日", "20250523", "2025.5.23",
    " 2025-05-23 ", "2025-05-23 14:30", "2025-05-23 14:30:00", "2025/5/23 9:05", "2025-05-23T14:30:00",
    "2025年5月23日 14:30", "2025年5月23日14时30分", "20250523 1430",
])
def test_date_forms(text):
    assert parse_value(FILING, text) == date(2025, 5, 23)


@pytest.mark.parametrize("text, expected", [
    ("2025-05-23 14:30", datetime(2025, 5, 23, 14, 30)),
    ("2025-05-23 14:30:05", datetime(2025, 5, 23, 14, 30, 5)),
    ("2025-05-23T14:30:05", datetime(2025, 5, 23, 14, 30, 5)),
    ("2025/5/23 9:05", datetime(2025, 5, 23, 9, 5)),
    ("2025年5月23日 14:30:00", datetime(2025, 5, 23, 14, 30)),
    ("20250523143005", datetime(2025, 5, 23, 14, 30, 5)),
    ("2025-05-23", datetime(2025, 5, 23)),
])
def test_datetime_forms(text, expected):
    assert parse_value(RECORDED, text) == expected


@pytest.mark.parametrize("text", ["2025-02-30", "2025/2/29", "2025年4月31日", "20251301", "2025-00-10"])
def test_impossible_dates_rejected_not_coerced(text):
    with pytest.raises(ValueError, match=f"日期无效: {text}"):
        parse_value(FILING, text)


def test_leap_day_is_a_date():
    assert parse_value(FILING, "2024-02-29") == date(2024, 2, 29)


@pytest.mark.parametrize("text", ["abc", "2025-5", "23/05/2025", "2025-05-23 下午"])
def test_unrecognised_date(text):
    with pytest.raises(ValueError, match="日期格式无法识别"):
        parse_value(FILING, text)


def test_bad_time_rejected():
    with pytest.raises(ValueError, match="时间无效"):
        parse_value(RECORDED, "2025-05-23 25:00")


def test_profile_date_format_and_its_impossible_dates():
    assert parse_value(FILING, "07/05/2025", date_formats=["%d/%m/%Y"]) == date(2025, 5, 7)
    with pytest.raises(ValueError, match="日期无效: 31/06/2025"):
        parse_value(FILING, "31/06/2025", date_formats=["%d/%m/%Y"])


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
@settings(max_examples=200, deadline=None)
def test_every_real_date_parses_in_every_form(d):
    forms = [d.isoformat(), f"{d.year}/{d.month}/{d.day}", f"{d.year}年{d.month}月{d.day}日",
             d.strftime("%Y%m%d"), f"{d.isoformat()} 08:15"]
    for text in forms:
        assert parse_value(FILING, text) == d, text


@given(st.integers(1900, 2200), st.integers(1, 12), st.integers(29, 31))
@settings(max_examples=200, deadline=None)
def test_end_of_month_days_valid_exactly_when_calendar_says(y, m, dd):
    text = f"{y}-{m:02d}-{dd:02d}"
    valid = (date(y, m, 1) + timedelta(days=dd - 1)).month == m
    if valid:
        assert parse_value(FILING, text) == date(y, m, dd)
    else:
        with pytest.raises(ValueError, match="日期无效"):
            parse_value(FILING, text)


@pytest.mark.parametrize("text", ["是", "有", "Y", "y", "yes", "YES", "true", "True", "1", "√"])
def test_true_forms(text):
    assert parse_value(WAIVED, text) is True


@pytest.mark.parametrize("text", ["否", "无", "N", "no", "false", "FALSE", "0", "×"])
def test_false_forms(text):
    assert parse_value(WAIVED, text) is False


def test_bad_bool():
    with pytest.raises(ValueError, match="不是是/否值: 也许"):
        parse_value(WAIVED, "也许")


@pytest.mark.parametrize("text, expected", [
    ("1234.50", 1234.5), ("1,234.50", 1234.5), ("￥5,000元", 5000.0), ("¥5000", 5000.0), ("200元", 200.0),
    ("0", 0.0), (" 3000 ", 3000.0), ("1,000,000", 1_000_000.0), ("12.345", 12.35), ("５００", 500.0),
])
def test_amount_forms(text, expected):
    assert parse_value(FINE, text) == expected


@pytest.mark.parametrize("text", ["abc", "12,34", "1.2.3", "五百"])
def test_amount_not_a_number(text):
    with pytest.raises(ValueError, match="金额不是数字"):
        parse_value(FINE, text)


def test_negative_amount_rejected():
    with pytest.raises(ValueError, match="金额不能为负数"):
        parse_value(FINE, "-500")


def test_wan_amount_keeps_one_fen():
    assert decimal_places(FINE_WAN) == 6
    assert parse_value(FINE_WAN, "0.123450") == 0.12345


@pytest.mark.parametrize("text, expected", [("30", 30), ("1,200", 1200), ("30.0", 30), ("0", 0)])
def test_int_forms(text, expected):
    assert parse_value(DAYS, text) == expected


@pytest.mark.parametrize("text, reason", [("-3", "不能为负数"), ("3.5", "不是整数"), ("三十", "不是整数")])
def test_bad_int(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_value(DAYS, text)


def test_enum_reason_lists_the_choices():
    assert parse_value(PROCEDURE, "普通程序") == "普通程序"
    with pytest.raises(ValueError) as exc:
        parse_value(PROCEDURE, "简易")
    assert str(exc.value) == "不在可选值中: 简易; 可选: 简易程序, 普通程序"


def test_value_map_applies_before_the_check():
    assert parse_value(PROCEDURE, "一般程序", value_map={"一般程序": "普通程序"}) == "普通程序"
    assert parse_value(DECISION, "罚金、警告", value_map={"罚金": "罚款"}) == ("罚款", "警告")


@pytest.mark.parametrize("text", [
    "张伟(31010600123)、李强(31010600456)", "张伟(31010600123),李强(31010600456)",
    "张伟(31010600123);李强(31010600456)", "张伟(31010600123)，李强(31010600456)",
    "张伟(31010600123)；李强(31010600456)", " 张伟(31010600123) 、 李强(31010600456) ,",
])
def test_list_separators(text):
    assert parse_value(OFFICERS, text) == ("张伟(31010600123)", "李强(31010600456)")


def test_enum_list_checks_every_item():
    assert parse_value(DECISION, "罚款、没收违法所得") == ("罚款", "没收违法所得")
    with pytest.raises(ValueError, match="不在可选值中: 罚金"):
        parse_value(DECISION, "罚款、罚金")


def test_list_items_from_xml():
    assert parse_items(DECISION, ["罚款", " 警告 ", None]) == ("罚款", "警告")


def test_missing_values():
    assert parse_value(FILING, "") is None
    assert parse_value(FILING, "   ") is None
    assert parse_value(CAUSE, "  ") is None
    assert parse_value(OFFICERS, "") == ()
    assert parse_value(OFFICERS, None) == ()
    assert parse_value(CAUSE, " 乱设摊 ") == "乱设摊"


def test_column_parser_reports_rows_and_memoizes_failures():
    parse = make_column_parser(FILING)
    values, failures = parse(["2025-05-23", "", "2025-02-30", None, "2025-05-23", "2025-02-30"])
    assert values[0] == values[4] == date(2025, 5, 23)
    assert values[1] is None and values[3] is None
    assert failures == [(2, "日期无效: 2025-02-30"), (5, "日期无效: 2025-02-30")]
    lists = make_column_parser(OFFICERS)
    values, failures = lists([("张伟", "李强"), "王芳、赵磊", None])
    assert values == [("张伟", "李强"), ("王芳", "赵磊"), ()] and failures == []


def test_repetitive_text_columns_share_one_object_per_value():
    parse = make_column_parser(CAUSE)
    raw = [f" 乱设摊{i % 3} " for i in range(40)]
    first, _ = parse(raw)
    second, _ = parse(list(reversed(raw)))
    assert first[0] == "乱设摊0" and len({id(v) for v in first + second}) == 3
    unique, _ = parse([f"案由{i}" for i in range(10)] + ["", None])
    assert unique[:2] == ["案由0", "案由1"] and unique[-2:] == [None, None]


def test_column_of_mostly_new_texts_parses_directly_with_the_same_values_and_failures():
    """Times of day rarely repeat: past half new texts a column skips its memo, same outcome."""
    parse = make_column_parser(RECORDED)
    times = [f"2025-05-{1 + i // 1440:02d}T{i // 60 % 24:02d}:{i % 60:02d}:00" for i in range(600)]
    raw = times[:300] + ["", None, "2025-02-30T10:00:00", " ", "2025-05-01 08:00"] + times[300:]
    for batch in (raw, list(reversed(raw)), raw[:100] + raw[:100] * 3):  # direct, direct, back to the memo
        values, failures = parse(batch)
        assert values == [parse_value(RECORDED, t) if t != "2025-02-30T10:00:00" else values[i]
                          for i, t in enumerate(batch)]
        assert failures == [(i, "日期无效: 2025-02-30T10:00:00") for i, t in enumerate(batch)
                            if t == "2025-02-30T10:00:00"]
    assert values[0] == datetime(2025, 5, 1, 0, 0)
