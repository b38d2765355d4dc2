"""ingest/profiles.py: merging on the default, and every profile mistake named with file and line."""

import pytest

from auditor.errors import ConfigError
from auditor.ingest import load_exports, load_mapping
from auditor.ingest.mapping import default_mapping


def _profile(tmp_path, text: str):
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_profile_accepts_labels_and_aliases():
    labels = default_mapping().label_map("cases")
    assert labels["案件编号"] == "case_id" and labels["办案单位"] == "squad"
    assert labels["罚款金额(元)"] == "fine_amount"  # width-insensitive
    assert default_mapping().tables["cases"].values["procedure"] == {"一般程序": "普通程序"}


def test_user_profile_merges_on_top(tmp_path):
    p = load_mapping(_profile(tmp_path, """
name: 测试
date_formats: ["%d.%m.%Y"]
tables:
  cases:
    files: ["导出_*.csv"]
    columns: {立案时间: filing_date}
    values:
      procedure: {一般: 普通程序}
    encoding: gb18030
    delimiter: tab
"""))
    cases = p.tables["cases"]
    assert p.name == "测试" and p.sources[0] == "default.yaml"
    assert cases.files[0] == "导出_*.csv" and "cases*.csv" in cases.files
    assert cases.values["procedure"] == {"一般程序": "普通程序", "一般": "普通程序"}
    assert p.label_map("cases")["立案时间"] == "filing_date"
    assert cases.date_formats == ("%d.%m.%Y",)
    assert (cases.encoding, cases.delimiter) == ("gb18030", "\t")
    assert p.tables["recordings"].date_formats == ("%d.%m.%Y",)


def test_scalars_stay_text(tmp_path):
    p = load_mapping(_profile(tmp_path, "tables:\n  cases:\n    values:\n      rights_waived: {Y: 是, 1: 否}\n"))
    assert p.tables["cases"].values["rights_waived"] == {"Y": "是", "1": "否"}


@pytest.mark.parametrize("text, line, message", [
    ("tables:\n  cases:\n    colums: {}\n", 3, "未知的cases 的键: colums（是否想写: columns？）"),
    ("versio: 1\n", 1, "是否想写: version"),
    ("tables:\n  case:\n    columns: {}\n", 2, "未知的表: case（是否想写: cases？）"),
    ("tables:\n  cases:\n    columns:\n      办案单位: squadd\n", 4, "是否想写: squad"),
    ("tables:\n  cases:\n    columns:\n      a: squad\n      a: district\n", 5, "重复的键 'a'（首次出现在第 4 行）"),
    ("encoding: klingon\n", 1, "未知的编码: klingon"),
    ("delimiter: '::'\n", 1, "分隔符必须是一个字符"),
    ("date_formats: [dd/mm/yyyy]\n", 1, "strptime"),
    ("tables:\n  cases:\n    values:\n      procedure: {一般: 一般程序}\n", 4, "不在可选值中"),
    ("tables:\n  cases:\n    columns: [a, b]\n", 3, "必须是键值对"),
    ("tables: {cases: {columns: {a: b}\n", 2, "YAML 无法解析"),
    ("version: 2\n", 1, "不支持的映射配置版本"),
])
def test_profile_errors_name_file_and_line(tmp_path, text, line, message):
    path = _profile(tmp_path, text)
    with pytest.raises(ConfigError) as exc:
        load_mapping(path)
    assert exc.value.file == str(path)
    assert exc.value.line == line
    assert message in exc.value.message


def test_missing_profile_file(tmp_path):
    with pytest.raises(ConfigError, match="不存在"):
        load_mapping(tmp_path / "nope.yaml")


def test_profile_drives_the_reader(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "导出_202505.csv").write_bytes(
        "案件号\t办案单位\t立案时间\t处罚程序\nJA-1\t曹家渡街道综合行政执法队\t07.05.2025\t一般\n".encode("gb18030"))
    profile = _profile(tmp_path, """
date_formats: ["%d.%m.%Y"]
tables:
  cases:
    files: ["导出_*.csv"]
    columns: {案件号: case_id, 立案时间: filing_date, 处罚程序: procedure}
    values: {procedure: {一般: 普通程序}}
    encoding: gb18030
    delimiter: "\\t"
""")
    r = load_exports(tmp_path / "data", mapping=profile)
    row = r.tables["cases"].iloc[0]
    assert (row["case_id"], row["procedure"], str(row["filing_date"].date())) == ("JA-1", "普通程序", "2025-05-07")
    assert not r.rejected and not r.warnings
