"""Per-squad statistics shared by every report format; reporters never recompute anything else.

Score (案卷评查得分, 100-point scale): the model of `auditor.scoring` (each case starts at `base`, each
rule that fired deducts once by its own points or its severity's, 不合格 triggers cap the case), read
from metadata["score"]. A squad's score is the mean over all its audited cases (a case with no finding
scores `base`), rounded to two decimals, with its count of 不合格卷; rank 1 is the best score, ties
broken by squad name so ranks are unique and stable.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from auditor.findings import SEVERITIES, THEMES
from auditor.report.common import rule_attr
from auditor.scoring import ScoreModel, model_from_metadata, squad_scores


@dataclass(frozen=True)
class SquadSummary:
    squad: str
    rank: int
    cases: int  # audited cases
    cases_with_findings: int
    findings: int
    by_theme: dict[str, int]  # every theme of THEMES (plus any unknown one), in that order
    by_severity: dict[str, int]  # every severity of SEVERITIES, in that order
    warnings: int
    score: float
    failed_cases: int = 0  # 不合格卷

    def as_dict(self) -> dict[str, Any]:
        return {
            "squad": self.squad, "rank": self.rank, "cases": self.cases,
            "cases_with_findings": self.cases_with_findings, "findings": self.findings,
            "by_theme": dict(self.by_theme), "by_severity": dict(self.by_severity),
            "warnings": self.warnings, "score": self.score, "failed_cases": self.failed_cases,
        }


@dataclass(frozen=True)
class Summary:
    squads: tuple[SquadSummary, ...]  # ordered by rank
    total: SquadSummary  # the district as a whole (squad "", rank 0), score = mean over all cases
    by_rule: dict[str, int]  # rule id -> findings, every rule of result.rules (0 when silent), by id
    by_rule_squad: dict[tuple[str, str], int]  # (rule id, squad) -> findings
    themes: tuple[str, ...]
    deductions: dict[str, float]
    base: float
    model: ScoreModel = ScoreModel()

    def as_dict(self) -> dict[str, Any]:
        return {
            "squads": [s.as_dict() for s in self.squads],
            "total": {k: v for k, v in self.total.as_dict().items() if k not in ("squad", "rank")},
            "by_rule": dict(self.by_rule),
            "score": self.model.as_metadata(),
        }


def _case_squads(result: Any) -> dict[str, str]:
    """case_id -> squad for every audited case (case table first, then any case only in findings)."""
    out: dict[str, str] = {}
    cases = getattr(result, "cases", None)
    if cases is not None and len(cases) and {"case_id", "squad"} <= set(cases.columns):
        for cid, squad in zip(cases["case_id"].tolist(), cases["squad"].tolist()):
            if cid is not None and squad is not None and squad == squad:  # NaN != NaN
                out.setdefault(str(cid), str(squad))
    for f in result.findings:
        out.setdefault(f.case_id, f.squad)
    return out


def _ordered_themes(present) -> tuple[str, ...]:
    extra = sorted(t for t in present if t not in THEMES)
    return (*THEMES, *extra)


def summarize(result: Any) -> Summary:
    """The shared statistics of `result` (an AuditResult), computed once: every reporter writing the
    same result reads the same Summary (recomputed only if the findings, warnings or cases change)."""
    key = tuple((id(part), len(part) if part is not None else 0)
                for part in (result.findings, getattr(result, "warnings", None), getattr(result, "cases", None)))
    cached = getattr(result, "summary_cache", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    summary = _summarize(result)
    try:
        result.summary_cache = (key, summary)
    except AttributeError:  # a read-only stand-in for a result: nothing to remember it on
        pass
    return summary


def _summarize(result: Any) -> Summary:
    model = model_from_metadata(result.metadata)
    deductions, base = model.deductions, model.base
    case_squad = _case_squads(result)
    themes = _ordered_themes({f.theme for f in result.findings})

    cases_per_squad: Counter[str] = Counter(case_squad.values())
    case_of_squad_with_findings: defaultdict[str, set] = defaultdict(set)
    theme_count: defaultdict[str, Counter] = defaultdict(Counter)
    sev_count: defaultdict[str, Counter] = defaultdict(Counter)
    by_rule: Counter[str] = Counter()
    by_rule_squad: Counter[tuple[str, str]] = Counter()
    for f in result.findings:
        case_of_squad_with_findings[f.squad].add(f.case_id)
        theme_count[f.squad][f.theme] += 1
        sev_count[f.squad][f.severity] += 1
        by_rule[f.rule_id] += 1
        by_rule_squad[(f.rule_id, f.squad)] += 1
    warn_count = Counter(w.squad for w in result.warnings)

    # Sum of per-case scores per squad: cases without findings score `base`.
    scored = squad_scores(model, case_squad, result.findings)
    score_sum = {squad: row["score_sum"] for squad, row in scored.items()}

    rows = []
    for squad, n in cases_per_squad.items():
        rows.append(dict(
            squad=squad, cases=n, cases_with_findings=len(case_of_squad_with_findings[squad]),
            findings=sum(sev_count[squad].values()),
            by_theme={t: theme_count[squad][t] for t in themes},
            by_severity={s: sev_count[squad][s] for s in SEVERITIES},
            warnings=warn_count[squad], score=round(score_sum[squad] / n, 2) if n else base,
            failed_cases=scored[squad]["failed"] if squad in scored else 0,
        ))
    rows.sort(key=lambda r: (-r["score"], r["squad"]))
    squads = tuple(SquadSummary(rank=i, **r) for i, r in enumerate(rows, start=1))

    n_all = len(case_squad)
    total = SquadSummary(
        squad="", rank=0, cases=n_all,
        cases_with_findings=len({f.case_id for f in result.findings}),
        findings=len(result.findings),
        by_theme={t: sum(s.by_theme[t] for s in squads) for t in themes},
        by_severity={s: sum(q.by_severity[s] for q in squads) for s in SEVERITIES},
        warnings=len(result.warnings),
        score=round(sum(score_sum.values()) / n_all, 2) if n_all else base,
        failed_cases=sum(row["failed"] for row in scored.values()),
    )
    rule_ids = {str(rule_attr(r, "id")) for r in result.rules} | set(by_rule)
    return Summary(
        squads=squads, total=total,
        by_rule={rid: by_rule[rid] for rid in sorted(rule_ids)},
        by_rule_squad=dict(sorted(by_rule_squad.items())),
        themes=themes, deductions=deductions, base=base, model=model,
    )
