"""The case-file score (案卷评查得分), as a 案卷评查 scores a file by hand.

Each audited case starts at `base` (100). Each rule that found a problem in the case deducts once
(however many recordings or items it names): the rule's own points when the district profile sets
them (`score_rule_deductions`), else the points for its severity (`score_deduction_*`). A case is
不合格 when any rule of `score_fail_rules` fired on it (limitation expired, 应审未审, no notice before
the decision …) or when its score falls below `score_pass_line`; a 不合格 case scores at most
`score_fail_cap`. Scores never go below 0. A squad's score is the mean of its cases' scores, reported
with its count of 不合格卷. The model and its parameters travel in the run metadata and are printed in
every report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

SEVERITY_KEYS = (("严重", "serious", 10), ("一般", "general", 5), ("提示", "notice", 1))


@dataclass(frozen=True)
class ScoreModel:
    base: float = 100.0
    deductions: dict = field(default_factory=lambda: {s: float(d) for s, _, d in SEVERITY_KEYS})
    rule_deductions: dict = field(default_factory=dict)  # rule id -> points
    fail_rules: tuple = ()
    pass_line: float = 60.0
    fail_cap: float = 59.0

    def as_metadata(self) -> dict:
        return {"base": self.base, "deductions": dict(self.deductions),
                "rule_deductions": dict(sorted(self.rule_deductions.items())),
                "fail_rules": list(self.fail_rules), "pass_line": self.pass_line, "fail_cap": self.fail_cap}

    def points(self, rule_id: str, severity: str) -> float:
        if rule_id in self.rule_deductions:
            return float(self.rule_deductions[rule_id])
        return float(self.deductions.get(severity, 0))

    def case_scores(self, findings) -> dict[str, tuple[float, bool]]:
        """case id -> (score, 不合格) for every case with a finding; a case without one scores `base`."""
        rules: dict[str, dict[str, str]] = defaultdict(dict)
        for f in findings:
            rules[f.case_id].setdefault(f.rule_id, f.severity)
        out = {}
        fail = set(self.fail_rules)
        for cid, fired in rules.items():
            score = max(0.0, self.base - sum(self.points(r, s) for r, s in fired.items()))
            failed = bool(fail & set(fired)) or score < self.pass_line
            out[cid] = (min(score, self.fail_cap) if failed else score, failed)
        return out


def model_from_params(params: dict) -> ScoreModel:
    """The score model of a run, from its parameters (defaults for any that are missing)."""
    return ScoreModel(
        base=float(params.get("score_base", 100)),
        deductions={s: float(params.get(f"score_deduction_{key}", d)) for s, key, d in SEVERITY_KEYS},
        rule_deductions={str(k): float(v) for k, v in (params.get("score_rule_deductions") or {}).items()},
        fail_rules=tuple(params.get("score_fail_rules") or ()),
        pass_line=float(params.get("score_pass_line", 60)),
        fail_cap=float(params.get("score_fail_cap", 59)),
    )


def model_from_metadata(metadata: dict | None) -> ScoreModel:
    """The score model recorded in a result's metadata. A result written before 不合格 existed carries
    only base and deductions: it is read with no 不合格 rule (pass line 0, no cap)."""
    score = (metadata or {}).get("score") or {}
    default = ScoreModel()
    deductions = dict(default.deductions)
    deductions.update({k: float(v) for k, v in (score.get("deductions") or {}).items()})
    base = float(score.get("base", default.base))
    legacy = bool(score) and "pass_line" not in score
    return ScoreModel(
        base=base, deductions=deductions,
        rule_deductions={str(k): float(v) for k, v in (score.get("rule_deductions") or {}).items()},
        fail_rules=tuple(score.get("fail_rules") or ()),
        pass_line=0.0 if legacy else float(score.get("pass_line", default.pass_line)),
        fail_cap=base if legacy else float(score.get("fail_cap", default.fail_cap)),
    )


def describe(model: ScoreModel, lang: str = "zh", severity_label=lambda s, lang: s) -> str:
    """The model in one paragraph, for the reports."""
    sep = "、" if lang != "en" else ", "
    ded = sep.join(f"{severity_label(s, lang)} {model.deductions.get(s, 0):g}" for s, _, _ in SEVERITY_KEYS)
    rules = sep.join(f"{r} {p:g}" for r, p in sorted(model.rule_deductions.items()))
    fails = sep.join(model.fail_rules)
    if lang == "en":
        text = (f"Score: each case file starts at {model.base:g}; each rule that found a problem deducts once, "
                f"by severity ({ded})")
        text += f", or its own points ({rules})" if rules else ""
        text += f"; floor 0. A file is failed (不合格) when it scores below {model.pass_line:g}"
        text += f" or has a finding of {fails}" if fails else ""
        return text + (f"; a failed file scores at most {model.fail_cap:g}. A squad's score is the mean over all "
                       "its audited cases, shown with its number of failed files.")
    text = f"评分：每件案卷基础分 {model.base:g} 分，每条规则发现问题扣分一次，按严重程度（{ded}）"
    text += f"，或按该规则单独设定的分值（{rules}）" if rules else ""
    text += f"，最低 0 分。得分低于 {model.pass_line:g} 分"
    text += f"或存在以下问题之一（{fails}）" if fails else ""
    return text + (f"的案卷为不合格卷，不合格卷最高 {model.fail_cap:g} 分。中队得分为其全部审查案件的平均分，"
                   "并列出不合格卷数。")


def squad_scores(model: ScoreModel, case_squad: dict[str, str], findings) -> dict[str, dict[str, Any]]:
    """squad -> {cases, score_sum, failed} over every audited case (cases without findings score base)."""
    per_case = model.case_scores(findings)
    out: dict[str, dict[str, Any]] = defaultdict(lambda: {"cases": 0, "score_sum": 0.0, "failed": 0})
    for cid, squad in case_squad.items():
        score, failed = per_case.get(cid, (model.base, False))
        row = out[squad]
        row["cases"] += 1
        row["score_sum"] += score
        row["failed"] += int(failed)
    return dict(out)
