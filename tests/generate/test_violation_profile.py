"""The generator's calibrated violation profile: every kind placed once, truth.csv exact when a case
carries several problems, and a default district that scores where a case-file review would."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date

import pytest
from click.testing import CliRunner

from auditor.api import AuditConfig, run_audit
from auditor.cli import main
from auditor.generate import generate_export
from auditor.generate.profile import CONFLICTS, REPLANNING, load_profile
from auditor.generate.violations import REGISTRY
from auditor.report.summary import summarize

AS_OF = date(2026, 11, 25)


def _truth(root) -> dict[str, set[str]]:
    with open(root / "truth.csv", encoding="utf-8") as fh:
        return {r["case_id"]: set(filter(None, r["violations"].split(";"))) for r in csv.DictReader(fh)}


def test_every_kind_is_in_exactly_one_group_with_a_share():
    groups = load_profile()
    placed = [k for g in groups for k in g.kinds]
    assert sorted(placed) == sorted(REGISTRY)
    assert all(0 < g.share <= 1 for g in groups)
    # the two published counts the profile is calibrated on (沪城管执〔2025〕4号)
    by_name = {g.name: g.share for g in groups}
    assert by_name["三超期两随意"] == pytest.approx(23_505 / 128_000, abs=0.001)
    assert by_name["案卷评查问题"] == pytest.approx(350 / (267 + 4_721), abs=0.001)
    assert {k for pair in CONFLICTS for k in pair} <= set(REGISTRY) and REPLANNING <= set(REGISTRY)


@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    root = tmp_path_factory.mktemp("twice")
    generate_export(root, 1500, seed=31, as_of=AS_OF, forms=("xml",), violation_scale=2)
    return root, _truth(root), run_audit(AuditConfig(exports=(root / "xml",), as_of=AS_OF))


def test_cases_with_several_problems_are_found_exactly_as_injected(twice):
    """At twice the default rate many cases carry two or three kinds; the audit must find exactly
    those on every case (and nothing on clean ones): an injection that undoes or hides another
    would show here."""
    _, truth, result = twice
    fired: dict[str, set[str]] = defaultdict(set)
    for f in result.findings:
        fired[f.case_id].add(f.rule_id)
    assert sum(len(v) >= 2 for v in truth.values()) > 300
    wrong = {cid: (sorted(inj), sorted(fired.get(cid, ()))) for cid, inj in truth.items()
             if fired.get(cid, set()) != inj}
    assert not wrong, list(wrong.items())[:5]


def test_the_default_district_scores_in_the_range_of_a_review_and_twice_the_rate_lower(twice, tmp_path):
    """The city's hand review averaged 84.75; the default profile and score model land a generated
    district in the 80s (the export cannot show everything a reviewer marks, so somewhat above it),
    and doubling the violation rate costs a squad several points and doubles its 不合格卷."""
    generate_export(tmp_path, 1500, seed=31, as_of=AS_OF, forms=("xml",))
    default = summarize(run_audit(AuditConfig(exports=(tmp_path / "xml",), as_of=AS_OF)))
    doubled = summarize(twice[2])
    assert 80 <= default.total.score <= 92
    assert doubled.total.score <= default.total.score - 6
    assert doubled.total.failed_cases >= 1.5 * default.total.failed_cases > 0
    flat = _truth(tmp_path)
    assert 0.4 < sum(bool(v) for v in flat.values()) / len(flat) < 0.75


def test_flat_rate_keeps_one_kind_per_case(tmp_path):
    generate_export(tmp_path, 300, seed=5, violation_rate=0.5, as_of=AS_OF, forms=("csv",))
    truth = _truth(tmp_path)
    assert max(len(v) for v in truth.values()) == 1
    assert 0.35 < sum(bool(v) for v in truth.values()) / 300 < 0.65


def test_cli_scale_and_flat_rate_do_not_mix(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["generate", "--cases", "5", "--out", str(tmp_path / "a"), "--violation-rate", "0.1",
                               "--violation-scale", "2"])
    assert res.exit_code == 2 and "--violation-scale" in res.output and "Traceback" not in res.output
    res = runner.invoke(main, ["generate", "--cases", "40", "--seed", "3", "--out", str(tmp_path / "b"),
                               "--violation-scale", "0", "--form", "csv"])
    assert res.exit_code == 0, res.output
    assert "注入违规: 无" in res.output
