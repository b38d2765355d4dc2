"""The deadline table built in bulk equals the one built frame by frame (tests/_deadline_table_reference.py)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from _deadline_table_reference import deadline_table_reference
from auditor.api import AuditConfig, audit_config
from auditor.generate import generate_export
from auditor.results.deadline_table import deadline_table


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("deadlines")
    generate_export(root, 300, 41, violation_rate=0.6, forms=("xml",))
    return audit_config(AuditConfig(exports=(str(root / "xml"),), as_of=date(2026, 11, 25))).run


def test_bulk_table_equals_the_frame_by_frame_one(run):
    table = deadline_table(run.rules, run.applicable, run.facts)
    assert len(table) > 1000 and table["rule_id"].nunique() > 10 and table["status"].nunique() > 2
    assert table["unit"].nunique() > 1 and table["limit"].nunique() > 2
    pd.testing.assert_frame_equal(table, deadline_table_reference(run.rules, run.applicable, run.facts),
                                  check_exact=True)


def test_rule_subsets_and_reversed_order_equal_too(run):
    rules = [r for r in run.rules if r.deadlines]
    for subset in (rules[::-1], rules[:3], rules[1:2]):
        pd.testing.assert_frame_equal(deadline_table(subset, run.applicable, run.facts),
                                      deadline_table_reference(subset, run.applicable, run.facts), check_exact=True)


def test_no_applicable_case_gives_the_same_empty_table(run):
    none = {rule_id: np.zeros_like(mask) for rule_id, mask in run.applicable.items()}
    table = deadline_table(run.rules, none, run.facts)
    assert table.empty
    pd.testing.assert_frame_equal(table, deadline_table_reference(run.rules, none, run.facts), check_exact=True)
