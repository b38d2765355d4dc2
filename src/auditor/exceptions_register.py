"""The approved-exception register (豁免登记表): findings a supervisor has accepted, for a time.

A YAML file reviewed like code (safe loader, duplicate keys rejected, errors with file:line):

    exceptions:
      - rule: R-GS-001            # the rule id
        case: JA2025-000123       # one case ... (or `squad: NAME` for every case of a squad)
        reason: 当事人已申请行政复议，暂缓公示
        approver: 执法监督科 王某
        approved: 2025-05-10
        expires: 2025-08-31

`apply_exceptions` marks each matching finding 已豁免 (the Finding itself is not changed: the status map
goes to `result.metadata["exemptions"]`, keyed by fingerprint, which the history store and reporters
read) and reports expired, not-yet-valid, never-used and unknown-rule entries.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from auditor.errors import ConfigError
from auditor.findings import AuditResult, Finding
from auditor.suggest import did_you_mean
from auditor.yamlio import load_yaml

EXEMPT = "已豁免"
REQUIRED = ("rule", "reason", "approver", "approved", "expires")
KEYS = (*REQUIRED, "case", "squad")


@dataclass(frozen=True)
class ExceptionEntry:
    rule: str
    case: str | None
    squad: str | None
    reason: str
    approver: str
    approved: date
    expires: date
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def target(self) -> str:
        return f"案件 {self.case}" if self.case else f"中队 {self.squad}"

    def matches(self, finding: Finding) -> bool:
        if finding.rule_id != self.rule:
            return False
        return finding.case_id == self.case if self.case else finding.squad == self.squad

    def active_on(self, day: date) -> bool:
        return self.approved <= day <= self.expires


@dataclass(frozen=True)
class ExceptionRegister:
    path: str
    entries: tuple[ExceptionEntry, ...]


@dataclass
class ExceptionReport:
    as_of: date
    exempted: dict[str, ExceptionEntry] = field(default_factory=dict)  # fingerprint -> entry applied
    used: list[tuple[ExceptionEntry, int]] = field(default_factory=list)  # active entries and their counts
    expired: list[tuple[ExceptionEntry, int]] = field(default_factory=list)  # with findings it would match
    not_yet_valid: list[ExceptionEntry] = field(default_factory=list)
    unused: list[ExceptionEntry] = field(default_factory=list)  # active, matched nothing
    unknown_rules: list[ExceptionEntry] = field(default_factory=list)

    @property
    def has_problems(self) -> bool:
        return bool(self.expired or self.not_yet_valid or self.unused or self.unknown_rules)

    def lines(self) -> list[str]:
        """Human-readable summary, one issue per line, each naming file:line."""
        out = [f"豁免登记：{len(self.exempted)} 个问题已豁免（{len(self.used)} 条有效登记被使用）"]
        for e, n in self.expired:
            extra = f"，仍有 {n} 个问题匹配，已按未豁免处理" if n else ""
            out.append(f"{e.where}: 规则 {e.rule} {e.target} 的豁免已于 {e.expires} 到期{extra}")
        for e in self.not_yet_valid:
            out.append(f"{e.where}: 规则 {e.rule} {e.target} 的豁免批准日期 {e.approved} 晚于审计截止日期，尚未生效")
        for e in self.unused:
            out.append(f"{e.where}: 规则 {e.rule} {e.target} 的豁免未匹配任何问题（从未使用，可删除）")
        for e in self.unknown_rules:
            out.append(f"{e.where}: 规则编号 {e.rule} 不在本次运行的规则包中")
        return out


def load_register(path: str | Path) -> ExceptionRegister:
    """Read and validate the register; any mistake raises ConfigError naming file and line."""
    name = str(path)
    data = load_yaml(path)
    if data is None:
        return ExceptionRegister(name, ())
    items = data.get("exceptions") if isinstance(data, dict) else data
    if isinstance(data, dict):
        extra = sorted(set(data) - {"exceptions"}, key=str)
        if extra:
            raise ConfigError(f"未知的顶层键 {extra[0]!r}（应为 exceptions）", file=name, line=data.line_of(extra[0]))
    if items is None:
        return ExceptionRegister(name, ())
    if not isinstance(items, list):
        raise ConfigError("exceptions 应为列表（每项一条豁免登记）", file=name, line=getattr(data, "line", None))
    return ExceptionRegister(name, tuple(_entry(item, name, items.line_of(i)) for i, item in enumerate(items)))


def _entry(item, name: str, line: int) -> ExceptionEntry:
    if not isinstance(item, dict):
        raise ConfigError("每条豁免登记应为映射（rule / case 或 squad / reason / approver / approved / expires）",
                          file=name, line=line)
    key = next((k for k in item if k not in KEYS), None)  # the first in the file: its line is named
    if key is not None:
        raise ConfigError(f"未知的键 {key!r}{did_you_mean(str(key), KEYS)}", file=name, line=item.line_of(key))
    for key in REQUIRED:
        if key not in item:
            raise ConfigError(f"缺少必填项 {key}", file=name, line=line)
    if ("case" in item) == ("squad" in item):
        raise ConfigError("须且只能填写 case（案件编号）或 squad（中队）之一", file=name, line=line)
    texts = {k: _text(item, k, name) for k in ("rule", "reason", "approver", "case", "squad") if k in item}
    approved, expires = _date(item, "approved", name), _date(item, "expires", name)
    if expires < approved:
        raise ConfigError(f"到期日期 {expires} 早于批准日期 {approved}", file=name, line=item.line_of("expires"))
    return ExceptionEntry(rule=texts["rule"], case=texts.get("case"), squad=texts.get("squad"),
                          reason=texts["reason"], approver=texts["approver"], approved=approved, expires=expires,
                          file=name, line=line)


def _text(item, key: str, name: str) -> str:
    value = item[key]
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key in ("case", "rule"):
        # YAML reads 0123 as octal 83 and 1e5 as a float: an unquoted number cannot be trusted as an id.
        raise ConfigError(f"{key} 请加引号写成文本（如 '{value}'），否则 YAML 会把它当作数字改写",
                          file=name, line=item.line_of(key))
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{key} 应为非空文本", file=name, line=item.line_of(key))
    return value.strip()


def _date(item, key: str, name: str) -> date:
    value = item[key]
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"{key} 应为日期，格式 2025-05-31（实际为 {value!r}）", file=name, line=item.line_of(key))


def apply_exceptions(result: AuditResult, register: ExceptionRegister, as_of: date
                     ) -> tuple[AuditResult, ExceptionReport]:
    """Mark the findings the register exempts on `as_of`; returns a copy of `result` whose
    `metadata["exemptions"]` maps fingerprint -> {status, reason, approver, approved, expires, entry},
    and the report of what was used and what needs attention."""
    report = ExceptionReport(as_of=as_of)
    active = [e for e in register.entries if e.active_on(as_of)]
    # A case-specific approval is more precise than a squad-wide one: it wins when both match.
    active.sort(key=lambda e: (e.case is None, e.line))
    counts = {e: 0 for e in active}
    for f in result.findings:
        entry = next((e for e in active if e.matches(f)), None)
        if entry is not None:
            report.exempted[f.fingerprint] = entry
            counts[entry] += 1
    for e in register.entries:
        if e.expires < as_of:
            report.expired.append((e, sum(1 for f in result.findings if e.matches(f))))
        elif e.approved > as_of:
            report.not_yet_valid.append(e)
        elif counts[e]:
            report.used.append((e, counts[e]))
        else:
            report.unused.append(e)
    known = {getattr(r, "id", None) for r in result.rules}
    if result.rules:
        report.unknown_rules = [e for e in register.entries if e.rule not in known]
    exemptions = {fp: {"status": EXEMPT, "reason": e.reason, "approver": e.approver,
                       "approved": e.approved.isoformat(), "expires": e.expires.isoformat(), "entry": e.where}
                  for fp, e in sorted(report.exempted.items())}
    metadata = {**(result.metadata or {}), "exemptions": exemptions}
    return dataclasses.replace(result, metadata=metadata), report


def active_findings(result: AuditResult) -> list[Finding]:
    """The findings not exempted (what a CI gate should count)."""
    exempt = (result.metadata or {}).get("exemptions") or {}
    return [f for f in result.findings if f.fingerprint not in exempt]
