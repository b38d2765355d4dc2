"""The Rete evaluator: every rule compiled to durable_rules' JSON ruleset form and judged case by case.

It is the independent second opinion on the vectorized evaluator: the same condition tree, the same
enriched facts, but a different engine deciding which rows match. One ruleset on a private host holds
one durable rule per pack rule (more when a condition is too big for one durable rule and is split
into its disjuncts). Each case is asserted as a fact, together with its recordings, in its own session,
so every matching rule fires once per fact; the session is deleted afterwards, so memory does not grow
with the number of cases. The consequent records (rule id, row position).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from auditor.errors import RuleError
from auditor.evaluate.context import Facts, RunContext
from auditor.evaluate.facts import full_condition
from auditor.evaluate.rete.checker import unsupported, walk_all
from auditor.evaluate.rete.compiler import FALSE, Compiler, Scope, all_of, split, unmarked
from auditor.evaluate.rete.encoder import CHUNK, Table, sessions
from auditor.evaluate.rete.host import MARKS, Sink, assert_sessions, private_host, ruleset
from auditor.rules.model import Rule


class ReteEvaluator:
    name = "rete"

    def compile(self, rules: list[Rule], facts: Facts, ctx: RunContext) -> dict[str, tuple[Scope, dict]]:
        """scope -> (its fact plan, {durable rule name: (rule id, expression)})."""
        out = {}
        for scope_name in ("case", "recording"):
            scope = Scope(facts.fields[scope_name], scope_name[0])
            compiler = Compiler(scope)
            exprs = {}
            for i, rule in enumerate(r for r in rules if r.scope == scope_name):
                for node in walk_all(rule):
                    why = unsupported(node, scope.catalogue)
                    if why:
                        raise RuleError(why, file=rule.file, line=rule.line, rule_id=rule.id)
                expr = compiler.expr(full_condition(rule, ctx.as_of))
                if expr is FALSE:
                    continue
                try:
                    parts = split(all_of([expr, {MARKS[scope_name]: 1}]))
                except RuleError as exc:
                    raise RuleError(exc.message, file=rule.file, line=rule.line, rule_id=rule.id) from None
                other = facts.fields["recording" if scope_name == "case" else "case"]
                for k, part in enumerate(parts):  # a rule split in parts fires once per part at most
                    exprs[f"{scope.tag}{i}_{k}"] = (rule.id, unmarked(part, MARKS[scope_name], scope.tag, other))
            out[scope_name] = (scope, exprs)
        return out

    def hits(self, rules: list[Rule], facts: Facts, ctx: RunContext) -> dict[str, np.ndarray]:
        """One durable session per case holding the case and its recordings; every rule in one ruleset."""
        compiled = self.compile(rules, facts, ctx)
        tables: dict[str, Table | None] = {"case": None, "recording": None}
        exprs: dict = {}
        for scope_name, (scope, scope_exprs) in compiled.items():
            frame = facts.frames[scope_name]
            if scope_exprs and len(frame):
                verdicts = self._regex_verdicts(scope, frame) if scope.regexes else {}
                tables[scope_name] = Table(scope, frame, facts, MARKS[scope_name], verdicts)
                exprs.update(scope_exprs)
        found: dict[str, set[int]] = {r.id: set() for r in rules}
        if exprs:
            sink = Sink()
            host = private_host({"auditor": ruleset(exprs, sink)})
            case_ids = facts.frames["case"]["case_id"].tolist()
            rec_ids = facts.frames["recording"]["case_id"].tolist() if tables["recording"] is not None else []
            per_case = sessions(tables["case"], tables["recording"], case_ids, rec_ids)
            assert_sessions(host, "auditor", per_case, len(case_ids), "Rete")
            sink.check()
            for rule_id, pos in sink.fired:
                found[rule_id].add(pos)
        return {rule_id: np.array(sorted(p), dtype=np.int64) for rule_id, p in found.items()}

    def _regex_verdicts(self, scope: Scope, frame: pd.DataFrame) -> dict[str, np.ndarray]:
        """durable's own verdict on each regex that appears negated: 1 matched, 0 not (or no text)."""
        sink = Sink()
        exprs = {key: (key, {"$mt": {scope.key(name): durable_pattern}})
                 for (name, _pattern), (key, durable_pattern) in scope.regexes.items()}
        host = private_host({"auditor_regex": ruleset(exprs, sink)})
        text = Scope(scope.catalogue, scope.tag)
        for name, _pattern in scope.regexes:
            text.key(name)
        table = Table(text, frame, Facts(frames={}), "~t")
        n = len(frame)

        def per_row():
            for a in range(0, n, CHUNK):
                rows = table.rows(np.arange(a, min(a + CHUNK, n)))
                for i in range(len(rows.positions)):
                    yield f"t{a + i}", [rows.fact(i, f"t{a + i}", first=True)]

        assert_sessions(host, "auditor_regex", per_row(), n, "Rete regex")
        sink.check()
        verdicts = {key: np.zeros(n, dtype=np.int64) for key, _ in scope.regexes.values()}
        for key, pos in sink.fired:
            verdicts[key][pos] = 1
        return verdicts


def ruleset_json(rules: list[Rule], facts: Facts, ctx: RunContext) -> str:
    """The compiled rulesets as JSON (for `explain`-style debugging and the tests)."""
    compiled = ReteEvaluator().compile(rules, facts, ctx)
    return json.dumps({scope: {name: {"rule": rid, "all": [{"m": expr}]} for name, (rid, expr) in exprs.items()}
                       for scope, (_s, exprs) in compiled.items()}, ensure_ascii=False, indent=1, sort_keys=True)
