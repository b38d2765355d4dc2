"""`auditor rules test`: every rule's embedded examples, each prepared as a run and judged by an engine."""

from __future__ import annotations

from dataclasses import replace

from auditor.enrich.calendar import WorkCalendar
from auditor.evaluate import registry
from auditor.evaluate.prepare import prepare
from auditor.pipeline.audit import judge_outcomes
from auditor.results.finding_text import build_findings
from auditor.rules.examples import EXAMPLE_AS_OF, ExampleOutcome, example_supplied, example_tables
from auditor.rules.loader import RulePack
from auditor.rules.params import Profile, check_value


def run_examples(pack: RulePack, profile: Profile, *, engine=None, calendar=None,
                 rule_ids=()) -> list[ExampleOutcome]:
    """Every example of every rule (or of `rule_ids`), each judged by `engine` (a name or an evaluator;
    default: the reference engine) on its own prepared run."""
    calendar = calendar or WorkCalendar()
    engine = engine or registry.default_name()
    evaluator = registry.create(engine) if isinstance(engine, str) else engine
    outcomes = []
    for rule in pack.rules:
        if rule_ids and rule.id not in rule_ids:
            continue
        counters = {"fire": 0, "pass": 0, "unknown": 0}
        for example in rule.examples:
            index = counters[example.kind]
            counters[example.kind] += 1
            try:
                values = dict(profile.values)
                for key, value in example.params.items():
                    check_value(pack.params[key], value, rule.file, example.line)
                    values[key] = value
                run_profile = replace(profile, values=values)
                run = prepare(example_tables(rule, example, index), as_of=example.as_of or EXAMPLE_AS_OF,
                              pack=pack, profile=run_profile, calendar=calendar, rule_ids=(rule.id,),
                              supplied=example_supplied(example))
                judged = judge_outcomes(run, evaluator)[rule.id]
                hits = {rule.id: judged.violated}
                fired = any(f.rule_id == rule.id for f in build_findings(run.rules, hits, run.facts, run.ctx))
                verdict = "违规" if fired else "无法判定" if len(judged.unknown) else ""
                outcomes.append(ExampleOutcome(rule.id, example.kind, index, example.line, fired, rule.file,
                                               example.note, verdict=verdict))
            except Exception as exc:  # an example that crashes the pipeline is a failed example, reported
                outcomes.append(ExampleOutcome(rule.id, example.kind, index, example.line, False, rule.file,
                                               example.note, error=f"{type(exc).__name__}: {exc}"))
    return outcomes
