"""Generated documents must not go stale."""

from pathlib import Path

from auditor.rules.catalogue import render_catalogue
from auditor.rules.loader import load_rule_pack

ROOT = Path(__file__).resolve().parents[1]


def test_rule_catalogue_is_current():
    text = render_catalogue(load_rule_pack(ROOT / "rules"))
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == text, \
        "docs/rules.md is stale: run `auditor rules docs --out docs/rules.md`"
