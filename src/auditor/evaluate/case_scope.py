"""A partial audit's case scope: the tables restricted to some cases, named by 案件编号 or by 案由.

An officer preparing for an inspection audits "one case" (`--case 案件编号`) or "one case type"
(`--cause`): the case type an officer means is the 案由 — 无证设摊, 跨门营业, 擅自搭建建筑物、构筑物 … — given
as the 案由 text or its 案由编码 from the bureau's catalogue (CG-SR-005). 程序类型 (简易 / 普通) is a
procedure, not a type of case, and 案件来源 is where a case came from; neither is a case type here.

`restrict_cases` keeps the matching cases and their recordings (disclosures stay: they join by decision
number and are looked up per case). A name the export does not hold is a usage error with a
did-you-mean, never an empty audit. `CaseScope` describes what was kept for the reports and history.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from auditor.errors import UsageError
from auditor.suggest import did_you_mean


@dataclass(frozen=True)
class CaseScope:
    cases: tuple[str, ...] = ()  # --case: 案件编号 as given
    causes: tuple[str, ...] = ()  # --cause: 案由 or 案由编码 as given
    case_ids: frozenset = field(default_factory=frozenset)  # the cases audited under the filter

    @property
    def active(self) -> bool:
        return bool(self.cases or self.causes)

    def as_metadata(self) -> dict:
        """What `metadata["case_filter"]` holds (the audited case ids go to the history store)."""
        return {"cases": list(self.cases), "causes": list(self.causes), "n_cases": len(self.case_ids)}

    def describe(self, lang: str = "zh") -> str:
        parts = []
        if self.cases:
            parts.append(("案件 " if lang == "zh" else "case ") + "、".join(self.cases))
        if self.causes:
            parts.append(("案由 " if lang == "zh" else "cause ") + "、".join(self.causes))
        joined = ("；" if lang == "zh" else "; ").join(parts)
        if lang == "zh":
            return f"部分审计：只审计{joined}（{len(self.case_ids)} 件案件）；范围以外的问题不受本次审计影响，不会被销项"
        return (f"Partial audit: only {joined} ({len(self.case_ids)} cases); items outside this scope are "
                "left as they are, never closed by this run")


def restrict_cases(tables: dict[str, pd.DataFrame], cases=(), causes=(),
                   all_cases: pd.DataFrame | None = None, squads=()) -> tuple[dict[str, pd.DataFrame], CaseScope]:
    """`tables` with only the cases named (by id) or of the causes named (案由 or 案由编码); both given:
    a case must match both. `all_cases` (the export before the as-of snapshot) lets the error say that
    a case exists but was filed after the as-of date. `squads` (--squad, applied later by `prepare`) are
    checked here against the whole export, so a squad outside the chosen cases is not called unknown."""
    cases, causes = tuple(cases), tuple(causes)
    if not cases and not causes:
        return tables, CaseScope()
    for option, values in (("--case", cases), ("--cause", causes)):
        if any(not str(v).strip() for v in values):
            raise UsageError(f"{option} 的取值为空：请写明{'案件编号' if option == '--case' else '案由或案由编码'}")
    frame = tables["cases"]
    all_squads = set(frame["squad"].dropna())
    unknown = [s for s in squads if s not in all_squads]
    if unknown:
        raise UsageError(f"导出中没有这些中队: {', '.join(unknown)}；现有: {', '.join(sorted(all_squads))}")
    keep = pd.Series(True, index=frame.index)
    if cases:
        known = set(frame["case_id"].dropna())
        missing = [c for c in cases if c not in known]
        if missing:
            later = all_cases is not None and missing[0] in set(all_cases["case_id"].dropna())
            raise UsageError(f"案件 {missing[0]} 在审计基准日之后才发现或立案，不在该日的审计范围（要按导出中的全部信息审计请加 --all-known）"
                             if later else f"导出中没有案件 {missing[0]}{did_you_mean(missing[0], sorted(known))}")
        keep &= frame["case_id"].isin(cases)
    if causes:
        names = {str(v) for v in frame["cause"].dropna()} if "cause" in frame else set()
        codes = {str(v) for v in frame["cause_code"].dropna()} if "cause_code" in frame else set()
        missing = [c for c in causes if c not in names and c not in codes]
        if missing:
            raise UsageError(f"导出中没有案由（或案由编码）为 {missing[0]} 的案件{did_you_mean(missing[0], sorted(names | codes))}"
                             f"；现有案由: {'、'.join(sorted(names)) or '（导出没有案由列）'}")
        by_name = frame["cause"].isin(causes) if "cause" in frame else False
        by_code = frame["cause_code"].isin(causes) if "cause_code" in frame else False
        keep &= by_name | by_code
    kept = frame[keep].reset_index(drop=True)
    in_scope = set(kept["squad"].dropna())
    outside = [s for s in squads if s not in in_scope]
    if outside:
        chosen = "、".join([f"案件 {c}" for c in cases] + [f"案由 {c}" for c in causes])
        raise UsageError(f"中队 {outside[0]} 没有所选的案件（{chosen}）；所选案件属于: {'、'.join(sorted(in_scope)) or '无'}")
    out = dict(tables)
    out["cases"] = kept
    recordings = tables.get("recordings")
    if recordings is not None:
        out["recordings"] = recordings[recordings["case_id"].isin(kept["case_id"])].reset_index(drop=True)
    return out, CaseScope(cases, causes, frozenset(str(c) for c in kept["case_id"]))
