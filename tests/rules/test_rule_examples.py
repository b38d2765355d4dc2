"""Every rule's embedded examples, run once per registered engine: a `fire` example must make its rule
fire, a `pass` example must not. (The other rule tests check what the examples cannot.)"""

from auditor.pipeline.examples import run_examples


def test_every_rule_example_behaves_as_labelled(engine, pack, profile):
    outcomes = run_examples(pack, profile, engine=engine)
    assert len(outcomes) == sum(len(r.examples) for r in pack.rules) >= 2 * len(pack.rules)
    bad = [f"{o.rule_id} {o.kind}#{o.index + 1} ({o.file}:{o.line}) {o.note} {o.error or ('fired' if o.fired else 'silent')}"
           for o in outcomes if not o.ok]
    assert not bad, "\n".join(bad)


def test_a_mislabelled_example_is_reported(pack, profile):
    from dataclasses import replace

    rule = next(r for r in pack.rules if any(e.kind == "fire" for e in r.examples))
    flipped = replace(rule, examples=tuple(replace(e, kind="pass" if e.kind == "fire" else "fire")
                                           for e in rule.examples))
    outcomes = run_examples(replace(pack, rules=[flipped]), profile)
    assert outcomes and not any(o.ok for o in outcomes)
