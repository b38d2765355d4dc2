"""The whole rule pack scored against the generator's ground truth.

A 10,000-case export (seed 7, 80 % of cases with one injected violation, so every injector — even
those that need a rare case such as a hearing or a seizure — is drawn at least once, and 2,000
cases stay clean) is generated into a temp dir and audited with `auditor.api.run_audit`;
`scripts/score_rules.py` compares the findings with `truth.csv`. Every rule with an injector must
find exactly the cases injected with it (100 % precision, 100 % recall), clean cases must produce no
finding, and every rule of the pack must have an injector.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CASES, SEED, RATE = 10_000, 7, 0.8


def _load_script():
    spec = importlib.util.spec_from_file_location("score_rules", REPO / "scripts" / "score_rules.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


score_rules = _load_script()


@pytest.fixture(scope="module")
def scoring(tmp_path_factory):
    return score_rules.score(tmp_path_factory.mktemp("scored"), CASES, SEED, RATE)


def test_the_export_is_the_advertised_size(scoring):
    assert scoring.cases == CASES
    assert 0.75 * CASES < scoring.injected_cases < 0.85 * CASES


def test_every_rule_with_an_injector_scores_100_percent(scoring):
    scored = sorted(scoring.rules & scoring.injectors)
    assert len(scored) >= 50
    problems = {}
    for rid in scored:
        s = scoring.scores[rid]
        if s.injected == 0 or s.false_positives or s.missed:
            problems[rid] = (f"injected {s.injected}, found {s.found}, false positives "
                             f"{s.false_positives[:3]}, missed {s.missed[:3]}")
        else:
            assert s.precision == 1.0 and s.recall == 1.0
    assert not problems, problems


def test_clean_cases_produce_no_finding(scoring):
    assert scoring.cases - scoring.injected_cases > 1000
    assert scoring.clean_findings == []


def test_every_injector_belongs_to_a_rule_of_the_pack(scoring):
    assert scoring.injectors_without_rule == []


def test_every_rule_of_the_pack_has_an_injector(scoring):
    assert scoring.rules_without_injector == []


def test_script_prints_the_table_and_sets_the_exit_code(tmp_path, capsys):
    code = score_rules.main(["--cases", "200", "--seed", "3", "--rate", "0.5", "--keep", str(tmp_path / "x")])
    out = capsys.readouterr().out
    assert "prec %" in out and "recall %" in out and "cases: 200" in out
    assert "CQ-HANDLING-LATE" in out and "ZX-COURT-LATE" in out
    assert (tmp_path / "x" / "truth.csv").exists()
    assert code in (0, 1)
    assert (code == 0) == ("all rules with an injector at 100 %" in out
                           and "rules without an injector: none" in out
                           and "injectors without a rule: none" in out)
