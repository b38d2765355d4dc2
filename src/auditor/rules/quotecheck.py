"""Check every `basis` quote of a rule pack against the statute texts it cites.

A quote whose law is among the texts must appear (its parts between ellipses, in order) in one of
the articles its citation names; a quote from any other document must say where it comes from
(`source`) — it is listed as unverifiable, never silently accepted. Problems carry file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from auditor.errors import RuleError
from auditor.rules.statutes import Statute, article_refs, load_statutes, normalise_title
from auditor.yamlio import load_yaml


@dataclass(frozen=True)
class QuoteRef:
    file: str
    line: int
    rule_id: str
    law: str
    article: str
    quote: str
    confidence: str
    source: str = ""


@dataclass
class QuoteReport:
    verified: list[QuoteRef] = field(default_factory=list)
    unverifiable: list[QuoteRef] = field(default_factory=list)  # law not among the texts, `source` given
    errors: list[RuleError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_quotes(rule_files: list[Path], laws_dir: str | Path) -> QuoteReport:
    statutes = load_statutes(laws_dir)
    report = QuoteReport()
    for path in rule_files:
        data = load_yaml(path)
        for rule in (data.get("rules") or []) if isinstance(data, dict) else []:
            for i, entry in enumerate(rule.get("basis") or []):
                ref = QuoteRef(file=str(path), line=rule["basis"].line_of(i), rule_id=str(rule.get("id")),
                               law=str(entry.get("law", "")), article=str(entry.get("article", "")),
                               quote=str(entry.get("quote", "")), confidence=str(entry.get("confidence", "")),
                               source=str(entry.get("source") or ""))
                _check_one(ref, statutes, report)
    return report


def _check_one(ref: QuoteRef, statutes: dict[str, Statute], report: QuoteReport) -> None:
    statute = statutes.get(normalise_title(ref.law))
    if statute is None:
        if ref.source:
            report.unverifiable.append(ref)
        else:
            report.errors.append(_error(ref, f"《{ref.law}》不在法规文本目录中，引文无法核对；请用 source 注明出处并"
                                             f"按可信度标注 confidence（当前 {ref.confidence}）"))
        return
    if ref.source:
        report.errors.append(_error(ref, f"《{ref.law}》在法规文本目录中，引文应与原文核对，不应另注 source"))
        return
    found = statute.find(ref.quote, ref.article)
    if found:
        report.verified.append(ref)
        return
    if found is None:
        missing = "、".join(article_refs(ref.article)) or ref.article
        report.errors.append(_error(ref, f"《{statute.title}》中没有所引条文 {missing}"))
        return
    elsewhere = statute.locate(ref.quote)
    hint = f"；该引文见于{'、'.join(elsewhere)}" if elsewhere else ""
    report.errors.append(_error(ref, f"引文未在《{statute.title}》{ref.article}中找到（已忽略空白和全/半角标点）"
                                     f"{hint}：{_short(ref.quote)}"))


def _error(ref: QuoteRef, message: str) -> RuleError:
    return RuleError(message, file=ref.file, line=ref.line, rule_id=ref.rule_id, key="basis")


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
