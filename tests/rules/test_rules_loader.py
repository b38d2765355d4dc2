import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.errors import ConfigError, RuleError
from auditor.rules.loader import load_rule_pack

PACK = Path(__file__).resolve().parents[2] / "rules"

GOOD_RULE = """
rules:
  - id: TT-ONE
    title: {zh: 测试, en: test}
    theme: 程序
    severity: 一般
    basis: [{law: 行政处罚法, article: 第一条, quote: 测试, confidence: P}]
    violation: {field: fine_amount, gt: 100}
    message: {zh: "罚款 {fine_amount} 元", en: "fine {fine_amount}"}
    correction: {zh: 改正, en: fix}
    departments: [案件审理科]
    due: {working_days: 10}
    examples:
      fire: [{fine_amount: 200}]
      pass: [{fine_amount: 50}]
"""


def make_pack(tmp_path, text):
    d = tmp_path / "pack"
    d.mkdir()
    shutil.copy(PACK / "params.yaml", d / "params.yaml")
    shutil.copy(PACK / "pack.yaml", d / "pack.yaml")
    (d / "data").mkdir()
    shutil.copy(PACK / "data" / "causes.csv", d / "data" / "causes.csv")
    (d / "t.yaml").write_text(text, encoding="utf-8")
    return d


def test_good_rule_loads(tmp_path):
    pack = load_rule_pack(make_pack(tmp_path, GOOD_RULE))
    assert [r.id for r in pack.rules] == ["TT-ONE"]


@pytest.mark.parametrize("edit, line, pattern", [
    (("    severity: 一般\n", "    severity: 一般\n    severty: 严重\n"), 7, "severty.*severity"),
    (("{field: fine_amount, gt: 100}", "{field: fine_amount, gtt: 100}"), 8, "未知.*'gtt'.*gt"),
    (("{field: fine_amount, gt: 100}", "{field: fine_amunt, gt: 100}"), 8, "未知字段 'fine_amunt'.*fine_amount"),
    (("theme: 程序", "theme: 程式"), 5, "程式"),
    (("due: {working_days: 10}", "due: {working_days: {param: corection_working_days}}"), None, "corection"),
    (("fine {fine_amount}", "fine {fine_amont}"), 9, "fine_amont"),
    (("    departments: [案件审理科]\n", "    departments: [案件审理科]\n    departments: [执法监督科]\n"), 12,
     "重复的键"),
    (("basis: [{law", "basis: [{law: x, law"), 7, "重复的键|YAML"),
    (("examples:\n      fire: [{fine_amount: 200}]", "examples:\n      fire: [{fine_amnt: 200}]"), 14, "fine_amnt"),
    (("{field: fine_amount, gt: 100}", "{field: procedure, eq: 一般程序}"), 8, "一般程序.*普通程序"),
])
def test_broken_rule_names_file_line_and_key(tmp_path, edit, line, pattern):
    text = GOOD_RULE.replace(*edit)
    assert text != GOOD_RULE
    with pytest.raises(ConfigError) as info:  # RuleError, or ConfigError for YAML-level mistakes
        load_rule_pack(make_pack(tmp_path, text))
    message = str(info.value)
    assert "t.yaml" in message
    if line:
        assert f"t.yaml:{line}" in message, message
    assert __import__("re").search(pattern, message), message


def test_duplicate_rule_id_across_files(tmp_path):
    d = make_pack(tmp_path, GOOD_RULE)
    (d / "u.yaml").write_text(GOOD_RULE, encoding="utf-8")
    with pytest.raises(RuleError, match="规则编号重复"):
        load_rule_pack(d)


def test_bad_yaml_is_reported_with_line(tmp_path):
    with pytest.raises(ConfigError, match=r"t.yaml:\d+.*YAML"):
        load_rule_pack(make_pack(tmp_path, GOOD_RULE + "  - id: [unclosed\n"))


def test_unsafe_yaml_tag_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="t.yaml:4.*python/object"):
        load_rule_pack(make_pack(tmp_path, GOOD_RULE.replace("测试, en: test", "!!python/object/apply:os.system [id]")))


def test_cli_validate_exits_2_without_traceback(tmp_path):
    d = make_pack(tmp_path, GOOD_RULE.replace("gt: 100", "gtt: 100"))
    proc = subprocess.run([sys.executable, "-m", "auditor.cli", "rules", "validate", str(d)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "t.yaml:8" in proc.stderr and "gtt" in proc.stderr


def test_cli_validate_accepts_the_shipped_pack():
    proc = subprocess.run([sys.executable, "-m", "auditor.cli", "rules", "validate", str(PACK)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_cli_validate_refuses_a_regex_only_one_evaluator_could_run(tmp_path):
    d = make_pack(tmp_path, GOOD_RULE.replace("{field: fine_amount, gt: 100}", "{field: cause, matches: '(?=x)y'}")
                  .replace("fine_amount: 200", "cause: y").replace("fine_amount: 50", "cause: z"))
    proc = subprocess.run([sys.executable, "-m", "auditor.cli", "rules", "validate", str(d)],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "t.yaml" in proc.stderr and "TT-ONE" in proc.stderr and "durable_rules" in proc.stderr
