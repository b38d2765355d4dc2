"""Meta checks over the whole shipped rule pack (every theme file under rules/).

Every rule: a basis with article and confidence, a correction, at least one `fire` and one `pass`
example (test_rule_examples.py runs them on every engine). Parameters a rule uses are declared; the numbers
LEGAL_REFERENCE.md marks [S] or UNCONFIRMED are declared with that confidence; a rule that judges by
such a parameter cites a basis of that confidence and is no more severe than it allows
(docs/rules-language.md: [S] → at most 一般, UNCONFIRMED → 提示).
"""

from __future__ import annotations

from auditor.rules.conditions import Compare, Contains, Deadline, In, ParamRef, ParamTest, SumOf, walk
from auditor.rules.template import placeholders

# Parameters that steer the tool (correction due date, warnings, scoring), not whether a rule fires.
TOOL_PARAMS = {"correction_working_days", "warning_days", "score_deduction_serious", "score_deduction_general",
               "score_deduction_notice"}
# LEGAL_REFERENCE.md: numbers and lists read only in a secondary source ([S]) or not found (UNCONFIRMED).
WEAK_IN_LEGAL_REFERENCE = {
    "disclosure_working_days": "S",  # 118号 / 双公示 7 working days (§4)
    "review_fine_person": "S", "review_fine_organisation": "S",  # 审核办法 3(一) (§5b)
    "filing_working_days": "UNCONFIRMED",  # 立案时限 (§5a)
    "closure_working_days": "UNCONFIRMED", "termination_grounds": "UNCONFIRMED",  # 结案, 终止调查 (§5a)
    "demand_notice_grace_days": "UNCONFIRMED",  # no deadline for the 催告 in 强制法 35/54
    "recording_upload_days": "UNCONFIRMED", "av_required_extra": "UNCONFIRMED",  # §4, §5d
    "cause_catalogue": "UNCONFIRMED",  # sample 案由库 / 裁量基准
}
RANK = {"P": 0, "S": 1, "UNCONFIRMED": 2}
MAX_SEVERITY = {"P": "严重", "S": "一般", "UNCONFIRMED": "提示"}
SEVERITY_RANK = {"提示": 0, "一般": 1, "严重": 2}


def condition_params(node) -> set[str]:
    """Parameters a condition tree reads (comparisons, sets, parameter tests, deadline limits)."""
    out: set[str] = set()

    def limit(value):
        if isinstance(value, ParamRef):
            out.add(value.name)
        elif isinstance(value, SumOf):
            for part in value.parts:
                limit(part)

    for n in walk(node):
        if isinstance(n, (Compare, Contains)) and isinstance(n.value, ParamRef):
            out.add(n.value.name)
        elif isinstance(n, In) and isinstance(n.values, ParamRef):
            out.add(n.values.name)
        elif isinstance(n, ParamTest):
            out.add(n.param)
        elif isinstance(n, Deadline):
            limit(n.spec.limit)
            if isinstance(n.spec.roll_over, ParamRef):
                out.add(n.spec.roll_over.name)
    return out


def judging_params(rule) -> set[str]:
    """Parameters that decide whether the rule fires: used in its conditions or declared by it."""
    return (condition_params(rule.applies) | condition_params(rule.violation) | set(rule.params)) - TOOL_PARAMS


def test_pack_has_rules_for_every_theme(pack):
    themes = {r.theme for r in pack.rules}
    assert themes >= {"公示", "全过程记录", "法制审核", "三超期", "两随意", "执行", "程序", "主体认定"}
    assert len(pack.rules) >= 50


def test_every_rule_has_a_complete_basis_and_correction(pack):
    bad = []
    for r in pack.rules:
        if not r.basis or any(not (b.law and b.article and b.quote) or b.confidence not in RANK for b in r.basis):
            bad.append((r.id, "basis"))
        if not (r.correction.get("zh", "").strip() and r.correction.get("en", "").strip()):
            bad.append((r.id, "correction"))
        if not (r.message.get("zh", "").strip() and r.message.get("en", "").strip()):
            bad.append((r.id, "message"))
        if not r.departments:
            bad.append((r.id, "departments"))
    assert not bad


def test_every_rule_has_fire_and_pass_examples(pack):
    missing = [r.id for r in pack.rules
               if not any(e.kind == "fire" for e in r.examples) or not any(e.kind == "pass" for e in r.examples)]
    assert not missing


def test_parameters_used_by_rules_are_declared(pack):
    undeclared = []
    for r in pack.rules:
        used = condition_params(r.applies) | condition_params(r.violation) | set(r.params)
        for part in (r.message, r.correction):
            for text in part.values():
                used |= {n.split(".", 1)[1] for n in placeholders(text) if n.startswith("param.")}
        if hasattr(r.due.amount, "name"):
            used.add(r.due.amount.name)
        undeclared += [(r.id, p) for p in sorted(used) if p not in pack.params]
    assert not undeclared


def test_weak_numbers_of_the_legal_reference_keep_their_confidence(pack):
    wrong = {name: (pack.params[name].confidence if name in pack.params else "undeclared", expected)
             for name, expected in WEAK_IN_LEGAL_REFERENCE.items()
             if name not in pack.params or pack.params[name].confidence != expected}
    assert not wrong
    for name in WEAK_IN_LEGAL_REFERENCE:
        assert pack.params[name].basis.strip(), name


def test_rules_judging_by_a_weak_parameter_cite_and_respect_it(pack):
    problems = []
    for r in pack.rules:
        confidences = {pack.params[p].confidence for p in judging_params(r) if p in pack.params}
        weakest = max(confidences, key=RANK.get, default="P")
        if weakest == "P":
            continue
        if not any(RANK[b.confidence] >= RANK[weakest] for b in r.basis):
            problems.append((r.id, f"uses a {weakest} parameter but no basis has that confidence"))
        if SEVERITY_RANK[r.severity] > SEVERITY_RANK[MAX_SEVERITY[weakest]]:
            problems.append((r.id, f"severity {r.severity} above {MAX_SEVERITY[weakest]} for a {weakest} parameter"))
    assert not problems


def test_severity_follows_the_weakest_basis_when_all_bases_are_weak(pack):
    # A rule resting only on [S] (or UNCONFIRMED) sources cannot be 严重 (or above 提示).
    too_severe = []
    for r in pack.rules:
        strongest = min((b.confidence for b in r.basis), key=RANK.get)
        if SEVERITY_RANK[r.severity] > SEVERITY_RANK[MAX_SEVERITY[strongest]]:
            too_severe.append((r.id, r.severity, strongest))
    assert not too_severe


def test_rule_ids_carry_their_theme_prefix(pack):
    prefix = {"公示": "GS", "全过程记录": "JL", "法制审核": "FH", "三超期": "CQ", "两随意": "SY", "执行": "ZX"}
    wrong = [r.id for r in pack.rules if r.theme in prefix and not r.id.startswith(prefix[r.theme] + "-")]
    assert not wrong


def _sources(name: str, scope: str, seen=None) -> set[str]:
    """The canonical fields ("cases.x", "recordings.x") and tables ("table:x") a fact is computed from."""
    from auditor.enrich.unknowns import DERIVED_CASE, DERIVED_RECORDING
    from auditor.model.fields import TABLES

    seen = set() if seen is None else seen
    if (scope, name) in seen:
        return set()
    seen.add((scope, name))
    table = "cases" if scope == "case" else "recordings"
    if name.startswith("table:"):
        return {name}
    if name.startswith("case:"):
        return _sources(name[5:], "case", seen)
    derived = (DERIVED_CASE if scope == "case" else DERIVED_RECORDING).get(name)
    if derived is None:
        assert name in {f.name for f in TABLES[table]}, f"{name} is neither canonical nor derived"
        return {f"{table}.{name}"}
    mode, sources = derived
    if mode.startswith("published"):  # read from the joined disclosure record
        return {"table:disclosures", *(f"disclosures.{s}" for s in sources if not s.startswith("table:"))}
    if mode == "date_order":  # every date of the pairs it compares
        from auditor.enrich.derive import DATE_ORDER

        sources = tuple(name for pair in DATE_ORDER for name in pair)
    out = set()
    for source in sources:
        out |= _sources(source, scope, seen)
    return out


def test_every_rule_reading_an_optional_table_or_field_has_an_unknown_example(pack):
    """A rule whose verdict can rest on a table or column an export may lack (a field the catalogue does
    not require, or the recordings / disclosures table) carries an `unknown` example showing it is then
    无法判定, not a finding. "Optional" is derived from the field catalogue through the derived facts."""
    import datetime as dt

    from auditor.evaluate.facts import full_condition
    from auditor.model.fields import TABLES
    from auditor.rules.conditions import fields_of

    required = {f"{t}.{f.name}" for t, fields in TABLES.items() for f in fields if f.required}
    needs, missing = [], []
    for rule in pack.rules:
        reads = set()
        for name in fields_of(full_condition(rule, dt.date(2026, 11, 25))):
            reads |= _sources(name, rule.scope)
        if rule.scope == "recording":
            reads.add("table:recordings")
        if not reads - required:
            continue
        needs.append(rule.id)
        if not any(e.kind == "unknown" for e in rule.examples):
            missing.append((rule.id, sorted(reads - required)[:3]))
    assert not missing, missing
    assert len(needs) > len(pack.rules) // 2  # the derivation finds what rules read
    # a rule reading only required fields needs none, and the derivation tells them apart
    assert {"cases.case_id", "cases.squad"} <= required and _sources("officer_names", "case") == {"cases.officers"}
    assert _sources("case_officer_count", "recording") == {"recordings.officers", "cases.officers"}
    assert "table:disclosures" in _sources("pub_fine_diff_yuan", "case")
    assert "cases.decision_date" in _sources("date_order_errors", "case")
