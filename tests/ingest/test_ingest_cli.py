"""`auditor inspect`: the summary, every rejected row, warnings, --strict and user mistakes."""

from pathlib import Path

from click.testing import CliRunner

from auditor.cli import main

EDGE = Path(__file__).resolve().parents[2] / "fixtures" / "edge"


def _run(*args):
    return CliRunner().invoke(main, ["inspect", *map(str, args)])


def test_summary_rejected_rows_and_warnings():
    result = _run(EDGE / "duplicates")
    assert result.exit_code == 0
    out = result.output
    assert "案件               4         3         1" in out
    assert "静安寺街道综合行政执法队  1" in out
    assert f"{EDGE / 'duplicates' / 'cases.csv'}:5 案件 字段 案件编号（case_id）: 案件编号重复" in out
    assert f"{EDGE / 'duplicates' / 'recordings.csv'}:3 全过程记录 字段 案件编号（case_id）: 案件不存在" in out


def test_strict_exits_3_when_rows_were_rejected():
    assert _run(EDGE / "duplicates", "--strict").exit_code == 3
    assert _run(EDGE / "bom", "--strict").exit_code == 0


def test_english_headings_and_profile_option():
    result = _run(EDGE / "custom_profile", "--mapping", EDGE / "custom_profile" / "profile.yaml", "--lang", "en")
    assert result.exit_code == 0
    assert "Rejected rows (1):" in result.output and "Warnings (1):" in result.output
    assert "[unknown_column]" in result.output and "备注说明" in result.output


def test_user_mistakes_are_one_line_errors(tmp_path):
    missing = _run(tmp_path / "nope.csv")
    assert missing.exit_code == 3
    assert "Traceback" not in missing.output and "不存在" in missing.output
    bad_profile = tmp_path / "p.yaml"
    bad_profile.write_text("tables:\n  cases:\n    colums: {}\n", encoding="utf-8")
    result = _run(EDGE / "bom", "--mapping", bad_profile)
    assert result.exit_code == 2
    assert f"{bad_profile}:3" in result.output and "columns" in result.output


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["inspect", "--help"])
    assert result.exit_code == 0 and "示例:" in result.output


def test_the_old_profile_spelling_still_reads_the_mapping_with_a_notice():
    new = _run(EDGE / "custom_profile", "--mapping", EDGE / "custom_profile" / "profile.yaml")
    old = _run(EDGE / "custom_profile", "--profile", EDGE / "custom_profile" / "profile.yaml")
    default = _run(EDGE / "custom_profile")
    assert new.exit_code == old.exit_code == 0 and old.stdout == new.stdout != default.stdout
    assert "--profile 已更名为 --mapping" in old.stderr and "--mapping" not in new.stderr


def test_english_renders_the_reasons_too():
    out = _run(EDGE / "duplicates", EDGE / "quoted_newlines", "--lang", "en").output
    assert "duplicate case id, first at" in out and "case not found" in out
    assert "invalid date: 2025-02-30" in out
    assert "案件编号重复" not in out and "日期无效" not in out
    zh = _run(EDGE / "quoted_newlines").output
    assert "日期无效: 2025-02-30" in zh
