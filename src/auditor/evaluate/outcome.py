"""A rule's four outcomes on every row (违规 / 合规 / 不适用 / 无法判定) and the 无法判定 items.

Both evaluators decide, per rule, which rows are certainly violated, certainly out of scope, and
undecided (Kleene three-valued logic over the condition tree, see evaluate/vectorized.py and
evaluate/rete.py); everything built from that verdict is here, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import sha256

import numpy as np

from auditor.coverage import table_label
from auditor.enrich.unknowns import DERIVED_CASE, DERIVED_RECORDING, SCOPE_TABLE
from auditor.findings import Undetermined, fingerprint_prefix
from auditor.model.fields import TABLES
from auditor.rules.conditions import fields_of
from auditor.rules.model import Rule


@dataclass(frozen=True)
class Outcome:
    """A rule's verdict on every row of its scope (sorted positions of each outcome):

    违规 `violated`: effective ∧ applies ∧ violation is certainly true; 不适用 `not_applicable`:
    effective ∧ applies is certainly false; 无法判定 `unknown`: neither certainly true nor certainly
    false; 合规: every other row (`compliant()`).
    """

    violated: np.ndarray
    unknown: np.ndarray
    not_applicable: np.ndarray
    n: int
    complete: bool = True  # False: `not_applicable` filled only where the rule can be undetermined

    @classmethod
    def from_masks(cls, full: tuple[np.ndarray, np.ndarray], scope_false: np.ndarray) -> "Outcome":
        t, f = full
        return cls(np.flatnonzero(t), np.flatnonzero(~t & ~f), np.flatnonzero(scope_false), len(t))

    def verdicts(self) -> np.ndarray:
        """One of 违规 / 合规 / 不适用 / 无法判定 per row."""
        out = np.full(self.n, "合规", dtype=object)
        out[self.not_applicable] = "不适用"
        out[self.unknown] = "无法判定"
        out[self.violated] = "违规"
        return out


def empty_overrides(rule: Rule) -> dict[str, str]:
    """field -> what an empty cell means for this rule, where the rule overrides the catalogue."""
    return {name: means for name, (means, _reason) in (getattr(rule, "empty", None) or {}).items()}


def missing_label(name: str, scope: str, facts, lang: str = "zh") -> str:
    """How a field whose value is unknown is named to the user: which column or table is missing."""
    supplied = facts.supplied or {}
    table = SCOPE_TABLE[scope]
    derived = (DERIVED_CASE if scope == "case" else DERIVED_RECORDING).get(name)
    fdef = facts.fields[scope].get(name)
    label = fdef.zh if lang == "zh" and fdef is not None else name
    if derived is None:
        if table not in supplied or name not in supplied[table]:
            return f"{label}（导出无此列）" if lang == "zh" else f"{label} (column not in the export)"
        return f"{label}（未记载）" if lang == "zh" else f"{label} (not recorded)"
    tables = [s[6:] for s in derived[1] if s.startswith("table:")]
    if derived[0] in ("published", "published_required"):
        tables = ["disclosures"]
    for t in tables:
        if t not in supplied:
            return f"{table_label(t)}（导出未提供）" if lang == "zh" else f"{table_label(t, 'en')} (not supplied)"
    for source in derived[1]:  # a column the fact is computed from that the export lacks: name that column
        src_scope, src = ("case", source[5:]) if source.startswith("case:") else (scope, source)
        if src in _CANONICAL[SCOPE_TABLE[src_scope]] and src not in (supplied.get(SCOPE_TABLE[src_scope]) or ()):
            return missing_label(src, src_scope, facts, lang)
    if name in _GAPS:
        return _GAPS[name][0 if lang == "zh" else 1]
    return f"{label}（所依据的数据缺失）" if lang == "zh" else f"{label} (its source data is missing)"


_CANONICAL = {table: {f.name for f in fields} for table, fields in TABLES.items()}
# Derived facts whose value is unknown for a reason of their own (model/officers.py)
_GAPS = {
    "officer_names": ("承办人员姓名（未记载：只写了执法证号，或未写承办人员）",
                      "officer names (not recorded: certificate numbers only, or no officers)"),
    "case_officer_count": ("记录中的执法人员是否本案承办人员（未记载执法人员，或一方只写姓名、另一方只写执法证号，无法比对）",
                           "whether the recording's officers handle the case (officers not recorded, or names "
                           "against certificate numbers only)"),
}


def build_undetermined(rules: list[Rule], outcomes: dict[str, Outcome], facts, as_of) -> list[Undetermined]:
    """The 无法判定 items: per (rule, row), the fields whose unknown values leave the verdict open."""
    from auditor.evaluate.facts import full_condition

    out: list[Undetermined] = []
    unknowns = facts.unknowns
    for rule in rules:
        outcome = outcomes.get(rule.id)
        if outcome is None or not len(outcome.unknown):
            continue
        positions = outcome.unknown
        frame = facts.frames[rule.scope]
        overrides = empty_overrides(rule)
        names = []
        for name in fields_of(full_condition(rule, as_of)):  # leaves and deadline dates
            mask = unknowns.of(rule.scope, name, overrides.get(name)) if unknowns is not None else None
            if mask is not None and mask[positions].any():
                names.append((name, mask[positions]))
        for spec in rule.deadlines:
            mask = facts.deadline_unknown.get(spec.key)
            if mask is not None and not any(spec.from_field == n or spec.to_field == n for n, _ in names):
                for name in (spec.from_field, spec.to_field, spec.extension_field, spec.excluded_field):
                    m = unknowns.of(rule.scope, name, overrides.get(name)) if name and unknowns else None
                    if m is not None and m[positions].any():
                        names.append((name, m[positions]))
        labels_zh = {name: missing_label(name, rule.scope, facts) for name, _ in names}
        labels_en = {name: missing_label(name, rule.scope, facts, "en") for name, _ in names}
        # Which of `names` each row misses, as one bit code per row: the texts of each distinct code
        # are made once and shared by its items (a missing table leaves every case of a rule undecided).
        codes = np.zeros(len(positions), dtype=object if len(names) > 62 else np.int64)
        for bit, (_name, hit) in enumerate(names):
            codes |= np.asarray(hit, dtype=codes.dtype) << bit
        shared: dict[int, tuple] = {}
        for code in set(codes.tolist()):
            missing = tuple(name for bit, (name, _hit) in enumerate(names) if code >> bit & 1)
            zh = "、".join(dict.fromkeys(labels_zh[m] for m in missing)) or "（期限所依据的数据缺失）"
            en = ", ".join(dict.fromkeys(labels_en[m] for m in missing)) or "(data a deadline needs is missing)"
            shared[code] = (missing, {"zh": zh, "en": en})
        case_ids = frame["case_id"].to_numpy(dtype=object)[positions]
        squads = frame["squad"].to_numpy(dtype=object)[positions]
        subjects = frame[rule.subject].to_numpy(dtype=object)[positions] if rule.subject else None
        title = dict(rule.title)
        prefix = fingerprint_prefix(rule.id)
        for i, (pos, code) in enumerate(zip(positions.tolist(), codes.tolist())):
            missing, labels = shared[code]
            subject = "" if subjects is None else str(subjects[i] if subjects[i] is not None else f"#{pos + 1}")
            case_id = str(case_ids[i])
            out.append(Undetermined(
                fingerprint=sha256(prefix + f"{case_id}\x1f{subject}".encode()).hexdigest()[:20],
                rule_id=rule.id, case_id=case_id, squad=str(squads[i] or ""), theme=rule.theme,
                severity=rule.severity, subject=subject, title=title, missing=missing, missing_labels=labels))
    out.sort(key=Undetermined.sort_key)
    return out


def reads_table(rule: Rule, table: str) -> bool:
    """Whether a rule's verdict depends on `table` (recordings or disclosures): its scope is that
    table, or it reads a fact derived from it."""
    if rule.scope == "recording":
        return table == "recordings"
    names = fields_of(rule.applies) + fields_of(rule.violation)
    for name in names:
        mode, sources = DERIVED_CASE.get(name, ("", ()))
        if f"table:{table}" in sources or (table == "disclosures" and (
                mode.startswith("published") or any(s.startswith("pub_") for s in sources))):
            return True
    return False


def rules_without_tables(rules: list[Rule], supplied: dict) -> dict[str, tuple[str, ...]]:
    """table not supplied -> ids of the rules that read it."""
    return {t: tuple(r.id for r in rules if reads_table(r, t)) for t in ("recordings", "disclosures")
            if t not in supplied}
