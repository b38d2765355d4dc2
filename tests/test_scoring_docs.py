"""The documented score defaults are the pack's: docs/scoring.md's table and the deductions quoted in
docs/json-schema.md and docs/result-contract.md read rules/params.yaml's defaults (they drifted once)."""

import re
from pathlib import Path

import pytest

from auditor.rules.params import load_param_declarations

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = {name: p.default for name, p in load_param_declarations(ROOT / "rules" / "params.yaml").items()}
SEVERITY_PARAM = {"严重": "score_deduction_serious", "一般": "score_deduction_general", "提示": "score_deduction_notice"}


def _table_defaults(text: str) -> dict[str, str]:
    section = text.split("## Defaults", 1)[1].split("\n## ", 1)[0]
    return {m.group(1): m.group(2).strip() for m in re.finditer(r"^\| `(score_\w+)` \| ([^|]+) \|", section, re.M)}


def _as_text(value) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, dict):
        return "{}" if not value else str(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def test_the_scoring_doc_table_gives_the_pack_defaults():
    table = _table_defaults((ROOT / "docs" / "scoring.md").read_text(encoding="utf-8"))
    declared = {name for name in DEFAULTS if name.startswith("score_")}
    assert set(table) == declared
    assert {name: table[name] for name in declared} == {name: _as_text(DEFAULTS[name]) for name in declared}


@pytest.mark.parametrize("doc", ["json-schema.md", "result-contract.md"])
def test_the_deductions_quoted_elsewhere_are_the_pack_defaults(doc):
    text = " ".join((ROOT / "docs" / doc).read_text(encoding="utf-8").split())
    quoted = re.findall(r'"?(严重|一般|提示)"?:? (\d+)', text)
    assert len(quoted) >= 3, quoted
    assert {sev: int(n) for sev, n in quoted} == {sev: DEFAULTS[p] for sev, p in SEVERITY_PARAM.items()}
