"""Messages never state a guess as a fact (issue 11).

* A placeholder's own text for a missing value (`{field|text}`) may claim that something did not
  happen only for a field whose empty cell means "did not happen" (the field catalogue, or the rule's
  `empty:` override); for a field that is merely not recorded the text says 未记载.
* In every finding of the bundled sample, an empty value of the evidence that the message quotes
  reads 未记载 (or the placeholder's own text), never a blank, None, nan or NaT.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from auditor.api import AuditConfig, run_audit
from auditor.model.fact_fields import case_fact_fields, recording_fact_fields
from auditor.rules.placeholders import PLACEHOLDER

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample" / "csv"
_RAW = re.compile(r"(?<![A-Za-z])(None|nan|NaT|<NA>)(?![A-Za-z])")


def _empty_means(rule, name: str) -> str | None:
    if name in rule.empty:
        means = rule.empty[name]
        return means[0] if isinstance(means, tuple) else getattr(means, "means", means)
    catalogue = case_fact_fields() if rule.scope == "case" else recording_fact_fields()
    field = catalogue.get(name)
    return None if field is None else field.empty_means


def test_a_missing_value_text_claims_nothing_the_catalogue_does_not(pack):
    checked, wrong = 0, []
    for rule in pack.rules:
        for m in PLACEHOLDER.finditer(rule.message["zh"]):
            name, text = m.group(1), m.group(2)
            if text is None or "." in name:
                continue
            checked += 1
            if _empty_means(rule, name) != "not_done" and "未记载" not in text:
                wrong.append((rule.id, name, text))
    assert checked >= 5, "the pack's messages carry texts for missing values"
    assert not wrong, wrong


@pytest.fixture(scope="module")
def sample():
    return run_audit(AuditConfig(exports=(SAMPLE,), as_of=dt.date(2026, 11, 25)))


def test_every_quoted_empty_value_reads_as_not_recorded(pack, sample):
    rules = {r.id: r for r in pack.rules}
    quoted_empty = 0
    for f in sample.findings:
        message = f.message["zh"]
        assert not _RAW.search(message), (f.rule_id, message)
        template = rules[f.rule_id].message["zh"]
        defaults = {m.group(1): m.group(2) for m in PLACEHOLDER.finditer(template)}
        for name, value in f.evidence:
            if value not in (None, "", ()) or name not in defaults:
                continue
            quoted_empty += 1
            assert (defaults[name] or "未记载") in message, (f.rule_id, name, message)
    assert quoted_empty > 0, "the sample has findings quoting an empty value"
