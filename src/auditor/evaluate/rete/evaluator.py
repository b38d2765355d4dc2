"""The Rete evaluator: every rule compiled to durable_rules' JSON ruleset form and judged case by case.

It is the independent second opinion on the vectorized evaluator: the same condition tree, the same
enriched facts, but a different engine deciding which rows match. One ruleset on a private host holds
one durable rule per pack rule (more when a condition is too big for one durable rule and is split
into its disjuncts). Each case is asserted as a fact, together with its recordings, in sessions of about
a thousand facts (every durable rule reads one fact, so facts sharing a session never meet in a match);
every matching rule fires once per fact; each session is deleted afterwards, so memory does not grow
with the number of cases. The consequent records (rule id, row position).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from auditor.errors import RuleError
from auditor.evaluate.context import Facts, RunContext
from auditor.evaluate.facts import effective_condition, full_condition
from auditor.evaluate.outcome import Outcome, empty_overrides
from auditor.evaluate.rete.checker import unsupported, walk_all
from auditor.evaluate.rete.compiler import FALSE, Compiler, Scope, all_of, split, unmarked
from auditor.evaluate.rete.encoder import CHUNK, Table, sessions
from auditor.evaluate.rete.host import MARKS, Sink, assert_sessions, private_host, ruleset, split_rulesets
from auditor.rules.conditions import AllOf
from auditor.rules.model import Rule


class ReteEvaluator:
    name = "rete"

    def compile(self, rules: list[Rule], facts: Facts, ctx: RunContext,
                every_outcome: bool = False) -> dict[str, tuple[Scope, dict]]:
        """scope -> (its fact plan, {durable rule name: ((rule id, kind), expression)}).

        kind "hit": effective ∧ applies ∧ violation certainly true (违规). For a rule that reads a value
        some row may not establish (or for every rule when `every_outcome`), also "na": effective ∧
        applies certainly false (不适用), and "ok": the violation certainly false; a row in none of
        them is 无法判定 (Kleene three-valued logic, see compiler.py `Compiler`).
        """
        out = {}
        unknowns = facts.unknowns
        for scope_name in ("case", "recording"):

            def unknown_of(name, means, scope_name=scope_name):
                return unknowns.of(scope_name, name, means) if unknowns is not None else None

            scope = Scope(facts.fields[scope_name], scope_name[0], unknown_of)
            compiler = Compiler(scope)
            exprs = {}
            other = facts.fields["recording" if scope_name == "case" else "case"]
            for i, rule in enumerate(r for r in rules if r.scope == scope_name):
                for node in walk_all(rule):
                    why = unsupported(node, scope.catalogue)
                    if why:
                        raise RuleError(why, file=rule.file, line=rule.line, rule_id=rule.id)
                compiler.overrides = empty_overrides(rule)
                scope.touched = False
                parts = {"hit": compiler.expr(full_condition(rule, ctx.as_of)),
                         "na": compiler.expr(AllOf((effective_condition(rule, ctx.as_of), rule.applies)), neg=True),
                         "ok": compiler.expr(rule.violation, neg=True)}
                # certainly-false parts test every value they read for being known (`touched`)
                uncertain = scope.touched or any(s.key in facts.deadline_unknown for s in rule.deadlines)
                if uncertain or every_outcome:
                    scope.judged.add(rule.id)
                else:
                    del parts["na"], parts["ok"]
                for kind, expr in parts.items():
                    if expr is FALSE:
                        continue
                    try:
                        pieces = split(all_of([expr, {MARKS[scope_name]: 1}]))
                    except RuleError as exc:
                        raise RuleError(exc.message, file=rule.file, line=rule.line, rule_id=rule.id) from None
                    for k, part in enumerate(pieces):  # a rule split in parts fires once per part at most
                        exprs[f"{scope.tag}{i}{kind}_{k}"] = (
                            (rule.id, kind), unmarked(part, MARKS[scope_name], scope.tag, other))
            out[scope_name] = (scope, exprs)
        return out

    def hits(self, rules: list[Rule], facts: Facts, ctx: RunContext) -> dict[str, np.ndarray]:
        return {rule_id: o.violated for rule_id, o in self.outcomes(rules, facts, ctx).items()}

    def outcomes(self, rules: list[Rule], facts: Facts, ctx: RunContext,
                 every_outcome: bool = False) -> dict[str, Outcome]:
        """Each rule's verdict on every row (see `compile`). Without `every_outcome`, `not_applicable`
        is filled only for rules that can be undetermined."""
        found, judged = self._fired(rules, facts, ctx, every_outcome)
        out = {}
        for rule in rules:
            n = len(facts.frames[rule.scope])
            sets = found.get(rule.id, {})
            hit, na, ok = (np.array(sorted(sets.get(k, ())), dtype=np.int64) for k in ("hit", "na", "ok"))
            undecided = np.zeros(0, dtype=np.int64)
            if rule.id in judged:
                open_ = np.ones(n, dtype=bool)
                for decided in (hit, na, ok):
                    open_[decided] = False
                undecided = np.flatnonzero(open_)
            out[rule.id] = Outcome(hit, undecided, np.setdiff1d(na, hit), n, complete=every_outcome)
        return out

    def _fired(self, rules: list[Rule], facts: Facts, ctx: RunContext, every_outcome: bool):
        """Durable sessions of whole cases with their recordings (encoder.sessions); every rule in one ruleset."""
        compiled = self.compile(rules, facts, ctx, every_outcome)
        judged = set().union(*(scope.judged for scope, _exprs in compiled.values()))
        tables: dict[str, Table | None] = {"case": None, "recording": None}
        exprs: dict = {}
        for scope_name, (scope, scope_exprs) in compiled.items():
            frame = facts.frames[scope_name]
            if scope_exprs and len(frame):
                verdicts = self._regex_verdicts(scope, frame) if scope.regexes else {}
                tables[scope_name] = Table(scope, frame, facts, MARKS[scope_name], verdicts)
                exprs.update(scope_exprs)
        found: dict[str, dict[str, set[int]]] = {r.id: {} for r in rules}
        if exprs:
            sink = Sink()
            host = private_host({"auditor": ruleset(exprs, sink)})
            case_ids = facts.frames["case"]["case_id"].tolist()
            rec_ids = facts.frames["recording"]["case_id"].tolist() if tables["recording"] is not None else []
            per_case = sessions(tables["case"], tables["recording"], case_ids, rec_ids)
            assert_sessions(host, "auditor", per_case, len(case_ids), "Rete",
                            split=lambda: split_rulesets(exprs, sink, "auditor"))
            sink.check()
            for (rule_id, kind), pos in sink.fired:
                found[rule_id].setdefault(kind, set()).add(pos)
        return found, judged

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
                    yield f"t{a + i}", [rows.fact(i, f"t{a + i}", first=True)], 1

        assert_sessions(host, "auditor_regex", per_row(), n, "Rete regex")
        sink.check()
        verdicts = {key: np.zeros(n, dtype=np.int64) for key, _ in scope.regexes.values()}
        for key, pos in sink.fired:
            verdicts[key][pos] = 1
        return verdicts


def ruleset_json(rules: list[Rule], facts: Facts, ctx: RunContext) -> str:
    """The compiled rulesets as JSON (for `explain`-style debugging and the tests)."""
    compiled = ReteEvaluator().compile(rules, facts, ctx)
    return json.dumps({scope: {name: {"rule": tag[0], "outcome": tag[1], "all": [{"m": expr}]}
                               for name, (tag, expr) in exprs.items()}
                       for scope, (_s, exprs) in compiled.items()}, ensure_ascii=False, indent=1, sort_keys=True)
