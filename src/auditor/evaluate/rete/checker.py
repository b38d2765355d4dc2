"""Which rules durable_rules can judge exactly like the vectorized evaluator (`rules validate`)."""

from __future__ import annotations

import itertools

from auditor.errors import RuleError
from auditor.evaluate.outcome import empty_overrides
from auditor.evaluate.rete.compiler import FALSE, LISTS, Compiler, Scope, split
from auditor.evaluate.rete.regex import Unsupported, check_pattern
from auditor.rules.conditions import AllOf, Compare, Matches, walk
from auditor.rules.model import Rule

def check_rules(rules: list[Rule], params: dict) -> list[RuleError]:
    """Errors for rules the Rete evaluator cannot judge exactly like the vectorized one.

    `rules validate` reports them (with file, line and rule id) instead of letting the two evaluators
    silently differ: regexes outside durable's dialect or misjudged by it, comparisons on list
    fields, and conditions too large for durable's rule size limits.
    """
    from auditor.model.fact_fields import case_fact_fields, recording_fact_fields

    catalogues = {"case": case_fact_fields(), "recording": recording_fact_fields()}
    errors = []
    for rule in rules:
        catalogue = catalogues[rule.scope]
        try:
            for node in walk_all(rule):
                why = unsupported(node, catalogue)
                if why:
                    raise RuleError(why)
            bound = rule.bind(params)
            # as large as a run can make it: every value possibly unknown, all three outcomes compiled
            compiler = Compiler(Scope(catalogue, unknown_of=lambda name, means: True))
            compiler.overrides = empty_overrides(rule)
            for expr in (compiler.expr(AllOf((bound.applies, bound.violation))),
                         compiler.expr(bound.applies, neg=True), compiler.expr(bound.violation, neg=True)):
                if expr is not FALSE:
                    split(expr)
        except RuleError as exc:
            errors.append(RuleError(exc.message, file=rule.file, line=rule.line, rule_id=rule.id))
    return errors


def check_pack(pack, params: dict | None = None) -> list[RuleError]:
    """`check_rules` over a loaded pack, with its parameter defaults unless `params` are given."""
    values = params if params is not None else {k: p.default for k, p in pack.params.items()}
    return check_rules(pack.rules, values)


def unsupported(node, catalogue) -> str | None:
    if isinstance(node, Matches):
        if catalogue[node.field].kind not in ("str", "enum"):
            return f"matches 只用于文本字段，{node.field} 是 {catalogue[node.field].kind}"
        try:
            check_pattern(node.pattern)
        except Unsupported as exc:
            return f"字段 {node.field} 的正则 {node.pattern!r}: {exc}"
    if isinstance(node, Compare) and catalogue[node.field].kind in LISTS:
        return f"{node.field} 是列表字段，请用 contains 或 in 而不是 {node.op}"
    return None



def walk_all(rule: Rule):
    return itertools.chain(walk(rule.applies), walk(rule.violation))

