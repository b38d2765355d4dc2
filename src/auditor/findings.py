"""The neutral result of an audit: findings, early warnings, notices, and the run's metadata.

Evaluators produce it; reporters and the history store only read it and never recompute.
Everything here is plain data so that JSON output is byte-identical for identical inputs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from auditor.coverage import Coverage
    from auditor.history.tracking import Tracking
    from auditor.ingest.report import LoadResult
    from auditor.rules.model import Rule

SEVERITIES = ("严重", "一般", "提示")  # ordered, most severe first
SEVERITY_EN = {"严重": "serious", "一般": "general", "提示": "notice"}
THEMES = ("公示", "全过程记录", "法制审核", "三超期", "两随意", "执行", "程序", "主体认定", "数据质量")
THEME_EN = {
    "公示": "disclosure", "全过程记录": "recording", "法制审核": "legal review", "三超期": "overdue",
    "两随意": "arbitrary termination/revocation", "执行": "enforcement", "程序": "procedure",
    "主体认定": "party identification", "数据质量": "data quality",
}


def severity_rank(severity: str) -> int:
    """0 for 严重, 1 for 一般, 2 for 提示: smaller is more severe."""
    return SEVERITIES.index(severity)


def fingerprint(rule_id: str, case_id: str, subject: str = "") -> str:
    """Stable identity of a finding across monthly runs: never includes day counts or dates."""
    raw = "\x1f".join((rule_id, case_id, subject)).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()[:20]


def fingerprint_prefix(rule_id: str) -> bytes:
    """What every fingerprint of `rule_id` hashes first: `fingerprint(r, c, s)` is
    `sha256(fingerprint_prefix(r) + f"{c}\x1f{s}".encode()).hexdigest()[:20]` (for builders in bulk)."""
    return f"{rule_id}\x1f".encode("utf-8")


@dataclass(frozen=True)
class Basis:
    law: str
    article: str
    quote: str
    confidence: str  # "P", "S" or "UNCONFIRMED" (P: the statute text; S: a secondary source)
    source: str = ""  # where the quote comes from when its document is not among the statute texts


@dataclass(frozen=True)
class Finding:
    fingerprint: str
    rule_id: str
    case_id: str
    squad: str
    theme: str
    severity: str
    subject: str  # "" for the case itself; a recording id or disclosure key for finer findings
    title: dict[str, str]  # {"zh": ..., "en": ...}
    message: dict[str, str]  # evidence filled in
    correction: dict[str, str]
    departments: tuple[str, ...]
    correction_due: date | None
    basis: tuple[Basis, ...]
    evidence: tuple[tuple[str, Any], ...]  # ordered (field, value) pairs; values are str/int/float/bool/None

    def sort_key(self) -> tuple:
        return (self.squad, self.case_id, severity_rank(self.severity), self.rule_id, self.subject)


VERDICTS = ("违规", "合规", "不适用", "无法判定")  # a rule's four outcomes on a case
VERDICT_EN = {"违规": "violated", "合规": "compliant", "不适用": "not applicable", "无法判定": "undetermined"}
UNDETERMINED_ZH = "数据缺失，待核实"


@dataclass(frozen=True, slots=True)  # slots: a partial export yields one item per case and rule
class Undetermined:
    """A (rule, case) the export cannot decide (无法判定): the verdict depends on a table or column that
    was not supplied, or on a value left empty where empty does not mean "did not happen". Reported
    apart as 数据缺失，待核实; never counted as a finding unless the run asks for it."""

    fingerprint: str
    rule_id: str
    case_id: str
    squad: str
    theme: str
    severity: str  # the rule's severity, for sorting and per-rule counts; not a finding's
    subject: str
    title: dict[str, str]
    missing: tuple[str, ...]  # the fields (or "table:<name>") whose absence leaves the verdict open
    missing_labels: dict[str, str]  # {"zh": "立案审批人、…", "en": "filing_approver, …"}

    def sort_key(self) -> tuple:
        return (self.squad, self.case_id, severity_rank(self.severity), self.rule_id, self.subject)


@dataclass(frozen=True)
class EarlyWarning:
    """An open case whose deadline falls due within the warning horizon (智能预警)."""

    case_id: str
    squad: str
    rule_id: str
    deadline: str  # the deadline's name in the rule
    label: dict[str, str]  # what is due, {"zh", "en"}
    due: date
    days_left: int  # calendar days from as-of to due (0 = due today)

    def sort_key(self) -> tuple:
        return (self.due, self.squad, self.case_id, self.rule_id, self.deadline)


@dataclass(frozen=True)
class Notice:
    """Something the whole run must say (e.g. a missing holiday calendar), not tied to one finding."""

    code: str  # e.g. "calendar_missing"
    message: dict[str, str]
    count: int = 0
    detail: tuple[str, ...] = ()


@dataclass
class AuditResult:
    """What reporters and the history store read; built once by auditor.pipeline.audit."""

    as_of: date
    findings: list[Finding]
    warnings: list[EarlyWarning] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)  # tool/rule-pack version, profile, inputs
    rules: list[Rule] = field(default_factory=list)  # the rules that ran, for rule sheets
    load: LoadResult | None = None  # the load report (rows in = loaded + rejected)
    cases: pd.DataFrame | None = None  # canonical case table for per-case pages
    deadlines: pd.DataFrame | None = None  # per-case computed deadlines (case_id, rule_id, name, start, due, ...)
    engine_label: dict[str, str] = field(default_factory=dict)  # {"zh", "en"}: how reports name the engine
    param_descriptions: dict[str, dict[str, str]] = field(default_factory=dict)  # parameter -> description
    tracking: Tracking | None = None  # once the run is recorded: progress carried forward
    undetermined: list[Undetermined] = field(default_factory=list)  # 无法判定: 数据缺失，待核实
    coverage: Coverage | None = None  # what the export supplied
    summary_cache: Any = field(default=None, repr=False, compare=False)  # report.summary.summarize's, once
