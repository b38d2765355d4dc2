"""District profiles: overrides checked by name, type and, for data tables, columns."""

from pathlib import Path

import pytest

from auditor.errors import ConfigError
from auditor.rules.loader import load_rule_pack
from auditor.rules.params import load_profile

PACK = load_rule_pack(Path(__file__).resolve().parents[2] / "rules")


def profile(tmp_path, text):
    p = tmp_path / "p.yaml"
    p.write_text(text, encoding="utf-8")
    return load_profile(p, PACK.params, Path(PACK.path))


def test_example_profile_overrides_by_name():
    prof = load_profile(Path(PACK.path) / "profiles" / "jingan-example.yaml", PACK.params, Path(PACK.path))
    assert prof.name == "静安区（示例配置）"
    assert prof.values["filing_working_days"] == 7 and "filing_working_days" in prof.overrides
    assert prof.values["service_working_days"] == 7  # untouched default


@pytest.mark.parametrize("text, words", [
    ("params:\n  filing_workdays: 5\n", "filing_working_days"),
    ("params:\n  filing_working_days: '5'\n", "int"),
    ("params:\n  cause_catalogue: /etc/passwd\n", "缺少列"),
    ("profle: {name: x}\n", "profile"),
])
def test_bad_profiles_name_file_and_problem(tmp_path, text, words):
    with pytest.raises(ConfigError) as info:
        profile(tmp_path, text)
    assert words in str(info.value)
