"""Adding an evaluator is one module and one registration: the CLI choices, the report label, parity and
`rules validate` all pick it up from the registry."""

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.errors import RuleError, UsageError
from auditor.evaluate import registry
from auditor.evaluate.vectorized import VectorizedEvaluator

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample" / "xml"


class EchoEvaluator:
    """A second engine in a few lines: the vectorized masks, judged rule by rule (`forget` drops one hit)."""

    name = "echo"
    forget = False

    def hits(self, rules, facts, ctx):
        out = {}
        for rule in rules:
            out.update(VectorizedEvaluator().hits([rule], facts, ctx))
        if self.forget:
            rule_id = next(k for k, v in sorted(out.items()) if len(v))
            out[rule_id] = out[rule_id][1:]
        return out


class ForgetfulEvaluator(EchoEvaluator):
    forget = True


@pytest.fixture
def echo(monkeypatch):
    def register(factory=EchoEvaluator, check_pack=None):
        info = registry.EvaluatorInfo("echo", {"zh": "回声引擎", "en": "echo engine"}, factory,
                                      frozenset({registry.PARITY}), check_pack=check_pack)
        monkeypatch.setitem(registry._REGISTRY, "echo", info)
        return info
    return register


def test_a_registered_engine_is_a_cli_choice_named_in_the_reports(echo, tmp_path):
    echo()
    out = tmp_path / "r"
    res = CliRunner().invoke(main, ["audit", str(SAMPLE), "--as-of", "2026-11-25", "--out", str(out), "--format",
                                    "json,html", "--no-history", "--engine", "echo"])
    assert res.exit_code == 1, res.output
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert doc["metadata"]["engine"] == "echo" and len(doc["findings"]) > 0
    assert "引擎：回声引擎" in (out / "report.html").read_text(encoding="utf-8")


def test_an_unregistered_engine_is_refused_with_the_registered_ones(tmp_path):
    res = CliRunner().invoke(main, ["audit", str(SAMPLE), "--as-of", "2026-11-25", "--out", str(tmp_path),
                                    "--no-history", "--engine", "echo"])
    assert res.exit_code == 2 and "vectorized" in res.output and "rete" in res.output
    with pytest.raises(UsageError, match="vectorize"):
        registry.create("vectorise")


def test_parity_includes_every_engine_with_the_parity_capability(echo):
    from auditor.api import AuditConfig
    from auditor.job import AuditJob, run_job

    echo()
    assert registry.parity_names() == ("vectorized", "rete", "echo")
    config = AuditConfig(exports=(SAMPLE,), as_of=dt.date(2026, 11, 25), engine="echo")
    outcome = run_job(AuditJob(config=config, out_dir=None, check_parity=True))
    assert outcome.parity.ok and outcome.parity.engines == ("vectorized", "rete", "echo")
    assert outcome.parity.agreed == 2 * len(outcome.result.findings) > 0


def test_parity_catches_a_registered_engine_that_differs(echo):
    from auditor.api import AuditConfig, load_inputs, prepare_config
    from auditor.evaluate.parity import check_parity

    echo(ForgetfulEvaluator)
    config = AuditConfig(exports=(SAMPLE,), as_of=dt.date(2026, 11, 25))
    run = prepare_config(config, load_inputs(config).tables)
    report = check_parity(run, ("vectorized", "echo"))
    assert not report.ok and len(report.differences) == 1
    assert (report.differences[0].found_by, report.differences[0].missed_by) == ("vectorized", "echo")


def test_rules_validate_asks_every_registered_engine(echo):
    def refuse_all(pack, params=None):
        return [RuleError("回声引擎无法判定", rule_id=pack.rules[0].id)]

    echo(check_pack=refuse_all)
    res = CliRunner().invoke(main, ["rules", "validate"])
    assert res.exit_code == 2 and "回声引擎无法判定" in res.output


def test_the_reference_engine_is_the_default():
    assert registry.default_name() == "vectorized"
    assert registry.REFERENCE in registry.info("vectorized").capabilities

