"""Every basis quote of the pack is checked against the statute texts it cites (`rules validate --laws`)."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.errors import ConfigError
from auditor.rules.quotecheck import check_quotes
from auditor.rules.statutes import load_statutes, normalise_text, parse_statute

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "rules"
LAWS = REPO.parent / "shared" / "laws"

MINI_LAW = """# 中华人民共和国测试法

<!-- INFO END -->

## 第一章  总则

第一条 为了测试，制定本法。

第二条 当事人应当自收到决定书之日起十五日内缴纳；

（一）逾期的，加处罚款；

（二）其他情形。

第三条 本法自2021年7月15日起施行。"""


def rule_with_basis(basis_yaml: str) -> str:
    return f"""rules:
  - id: TT-QUOTE
    title: {{zh: 测试, en: test}}
    theme: 程序
    severity: 一般
    basis:
{basis_yaml}
    violation: {{field: fine_amount, gt: 100}}
    message: {{zh: "罚款 {{fine_amount}} 元", en: "fine {{fine_amount}}"}}
    correction: {{zh: 改正, en: fix}}
    departments: [案件审理科]
    due: {{working_days: 10}}
    examples:
      fire: [{{fine_amount: 200}}]
      pass: [{{fine_amount: 50}}]
"""


@pytest.fixture
def mini_laws(tmp_path):
    d = tmp_path / "laws"
    d.mkdir()
    (d / "测试法.md").write_text(MINI_LAW, encoding="utf-8")
    return d


def test_the_shared_statute_texts_are_there():
    # CI clones the repository with shared/ beside it; without the texts the pack cannot be checked.
    assert (LAWS / "行政处罚法-2021.md").is_file(), LAWS


def test_every_quote_of_the_pack_is_found_or_sourced():
    result = CliRunner().invoke(main, ["rules", "validate", "--laws", str(LAWS), str(PACK)])
    assert result.exit_code == 0, result.output
    assert "引文核对" in result.output
    report = check_quotes(sorted(p for p in PACK.glob("*.yaml") if p.name not in ("params.yaml", "pack.yaml")), LAWS)
    assert report.ok
    assert len(report.verified) >= 60  # most of the pack quotes the statute texts themselves
    assert all(ref.source for ref in report.unverifiable)
    # A law among the texts is never waved through as "unverifiable".
    titles = set(load_statutes(LAWS))
    assert not [r for r in report.unverifiable if normalise_text(r.law) in titles]


def test_an_altered_quote_fails_with_file_and_line(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    path = pack / "enforcement.yaml"
    text = path.read_text(encoding="utf-8")
    original = "quote: 当事人应当自收到行政处罚决定书之日起十五日内"
    assert original in text
    line = text[: text.index(original)].count("\n") + 1
    path.write_text(text.replace(original, "quote: 当事人应当自收到行政处罚决定书之日起十日内", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "validate", "--laws", str(LAWS), str(pack)])
    assert result.exit_code == 2, result.output
    # The basis entry starts two lines above its quote (law, article, quote).
    assert f"enforcement.yaml:{line - 2}" in result.output
    assert "ZX-DEMAND-MISSING" in result.output
    assert "第六十七条" in result.output


def test_whitespace_and_width_of_punctuation_are_ignored(tmp_path, mini_laws):
    f = tmp_path / "t.yaml"
    f.write_text(rule_with_basis(
        "      - {law: 《中华人民共和国测试法》, article: 第二条第一款, quote: '当事人应当自收到决定书之日起 十五日内缴纳;', confidence: P}\n"
        "      - {law: 中华人民共和国测试法, article: 第二条, quote: '当事人应当……(一)逾期的,加处罚款；', confidence: P}"),
        encoding="utf-8")
    report = check_quotes([f], mini_laws)
    assert report.ok, [str(e) for e in report.errors]
    assert len(report.verified) == 2


def test_a_quote_in_another_article_is_refused_with_a_hint(tmp_path, mini_laws):
    f = tmp_path / "t.yaml"
    f.write_text(rule_with_basis(
        "      - {law: 中华人民共和国测试法, article: 第一条, quote: 当事人应当自收到决定书之日起十五日内缴纳, confidence: P}"),
        encoding="utf-8")
    report = check_quotes([f], mini_laws)
    assert len(report.errors) == 1
    message = str(report.errors[0])
    assert f"{f}:7" in message and "第二条" in message


def test_ellipsis_parts_must_keep_their_order(tmp_path, mini_laws):
    f = tmp_path / "t.yaml"
    f.write_text(rule_with_basis(
        "      - {law: 中华人民共和国测试法, article: 第二条, quote: （二）其他情形。……当事人应当, confidence: P}"),
        encoding="utf-8")
    assert not check_quotes([f], mini_laws).ok


def test_an_article_the_law_does_not_have_is_named(tmp_path, mini_laws):
    f = tmp_path / "t.yaml"
    f.write_text(rule_with_basis(
        "      - {law: 中华人民共和国测试法, article: 第九十九条, quote: 为了测试, confidence: P}"), encoding="utf-8")
    report = check_quotes([f], mini_laws)
    assert "没有所引条文 第九十九条" in str(report.errors[0])


def test_a_document_outside_the_texts_needs_a_source(tmp_path, mini_laws):
    f = tmp_path / "t.yaml"
    f.write_text(rule_with_basis("      - {law: 某区文件, article: 第一条, quote: 任意, confidence: S}"), encoding="utf-8")
    report = check_quotes([f], mini_laws)
    assert not report.ok and "source" in str(report.errors[0])
    f.write_text(rule_with_basis(
        "      - {law: 某区文件, article: 第一条, quote: 任意, confidence: S, source: 某区政府网站转引}"), encoding="utf-8")
    report = check_quotes([f], mini_laws)
    assert report.ok and [r.source for r in report.unverifiable] == ["某区政府网站转引"]


def test_a_source_on_a_law_that_can_be_checked_is_refused(tmp_path, mini_laws):
    f = tmp_path / "t.yaml"
    f.write_text(rule_with_basis(
        "      - {law: 中华人民共和国测试法, article: 第一条, quote: 为了测试, confidence: P, source: 转引}"), encoding="utf-8")
    assert not check_quotes([f], mini_laws).ok


def test_statute_parsing_splits_articles():
    statute = parse_statute(MINI_LAW, "测试法.md")
    assert statute.title == "中华人民共和国测试法"
    assert list(statute.articles) == ["第一条", "第二条", "第三条"]
    assert "总则" not in statute.articles["第一条"]  # a chapter heading ends the article before it


def test_symlinked_law_files_are_refused(tmp_path, mini_laws):
    (mini_laws / "link.md").symlink_to(mini_laws / "测试法.md")
    with pytest.raises(ConfigError, match="符号链接"):
        load_statutes(mini_laws)


def test_a_directory_without_laws_is_an_error(tmp_path):
    (tmp_path / "x.md").write_text("no title", encoding="utf-8")
    with pytest.raises(ConfigError, match="法规文本"):
        load_statutes(tmp_path)
