"""Where an audit problem came from (问题线索来源), for the monthly form: the supervision section's register.

No export field says where a problem in a case file came from. The case's 案件来源 (投诉举报, 上级交办 …)
is where the *case* came from — a complaint about a street stall — not the enforcement problem the
audit found in its file, so it is never used. Every problem is therefore 主动排查发现 (the audit found it),
unless the section's own register names it: a 督查通报 or 交办单 from a superior, a complaint or 信访
about how a case was handled. The register is a CSV file (UTF-8 or GB18030), one row per referral:

    案件编号,规则编号,问题线索来源,依据
    3101062025100000018,CX-SERVICE-LATE,上级部门移交,区局督查通报〔2026〕12号
    3101062025100000044,,群众举报反映,12345 工单 2610-0031

规则编号 empty = every problem of that case; a row with a 规则编号 wins over the case's row. 问题线索来源 is
one of the form's names (群众举报反映, 信访渠道收集, 主动排查发现, 上级部门移交) or a 案件来源 word (投诉举报,
12345, 信访, 上级交办, 部门移送), mapped as the form names it. Errors name the file, line and column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from auditor.errors import ConfigError
from auditor.yamlio import read_config_table_text

FORM_SOURCES = ("群众举报反映", "信访渠道收集", "主动排查发现", "上级部门移交")
SOURCE_MAP = {"投诉举报": "群众举报反映", "12345": "群众举报反映", "信访": "信访渠道收集",
              "上级交办": "上级部门移交", "部门移送": "上级部门移交", **{s: s for s in FORM_SOURCES}}
DEFAULT_SOURCE = "主动排查发现"
MAX_CELL_CHARS = 10_000  # a case id, a source, a document number: a longer cell is a wrong file
HEADERS = {"case_id": ("案件编号", "case_id"), "rule_id": ("规则编号", "rule_id"),
           "source": ("问题线索来源", "source"), "reference": ("依据", "reference")}


@dataclass(frozen=True)
class Referral:
    source: str  # one of FORM_SOURCES
    reference: str
    line: int


@dataclass
class ProblemSources:
    """The register: (case, rule or None) -> referral."""

    path: str = ""
    entries: dict[tuple[str, str | None], Referral] = field(default_factory=dict)

    def referral(self, case_id: str, rule_id: str) -> Referral | None:
        return self.entries.get((case_id, rule_id)) or self.entries.get((case_id, None))

    def source(self, case_id: str, rule_id: str) -> str:
        hit = self.referral(case_id, rule_id)
        return hit.source if hit else DEFAULT_SOURCE

    def unmatched(self, keys: set[tuple[str, str]]) -> list[Referral]:
        """Rows that name no item in `keys` ((case, rule) pairs): a typo, or a case the audit found clean."""
        cases = {c for c, _ in keys}
        return sorted((r for (case, rule), r in self.entries.items()
                       if (case, rule) not in keys and not (rule is None and case in cases)), key=lambda r: r.line)


def form_source(issue_source: str | None = None) -> str:
    """The form's 问题线索来源 column for a named source (None, 巡查发现, 其他, unknown: 主动排查发现)."""
    if not isinstance(issue_source, str):
        return DEFAULT_SOURCE
    return SOURCE_MAP.get(issue_source.strip(), DEFAULT_SOURCE)


def load_problem_sources(path: str | Path) -> ProblemSources:
    name = str(path)
    text = read_config_table_text(Path(path), "问题线索来源登记表")
    rows = _rows(text, name)
    if not rows:
        raise ConfigError("问题线索来源登记表为空", file=name)
    header = [h.strip() for h in rows[0][1]]
    col = {key: next((header.index(h) for h in labels if h in header), None) for key, labels in HEADERS.items()}
    if col["case_id"] is None or col["source"] is None:
        raise ConfigError("表头应含 案件编号 与 问题线索来源 两列（可选 规则编号、依据）", file=name, line=1)
    out = ProblemSources(path=name)
    for line, row in rows[1:]:
        cell = lambda key: row[col[key]].strip() if col[key] is not None and col[key] < len(row) else ""  # noqa: E731
        if not any(c.strip() for c in row):
            continue
        case, rule, source = cell("case_id"), cell("rule_id") or None, cell("source")
        if not case:
            raise ConfigError("缺少案件编号", file=name, line=line, field="案件编号")
        if source not in SOURCE_MAP:
            raise ConfigError(f"问题线索来源 {source[:40]!r} 无效（应为 {' / '.join(FORM_SOURCES)}，或 投诉举报 / 12345 / "
                              "信访 / 上级交办 / 部门移送）", file=name, line=line, field="问题线索来源")
        if (case, rule) in out.entries:
            first = out.entries[(case, rule)].line
            raise ConfigError(f"案件 {case}{' 规则 ' + rule if rule else ''} 已在第 {first} 行登记", file=name, line=line)
        out.entries[(case, rule)] = Referral(SOURCE_MAP[source], cell("reference"), line)
    return out


def _rows(text: str, name: str) -> list[tuple[int, list[str]]]:
    """(first line of the record, cells) for every CSV record: a quoted cell may span lines, so a
    record's line is counted from the reader, not the record's index. A broken record is the user's."""
    reader = csv.reader(io.StringIO(text))
    rows, start = [], 1
    try:
        for row in reader:
            if any(len(cell) > MAX_CELL_CHARS for cell in row):
                raise ConfigError(f"单元格超过 {MAX_CELL_CHARS} 个字符", file=name, line=start)
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:  # the csv module's own field limit is process-wide state (ingest raises it)
        why = f"单元格超过 {MAX_CELL_CHARS} 个字符" if "field larger" in str(exc) else f"CSV 格式错误（{exc}）"
        raise ConfigError(why, file=name, line=start) from None
    return rows
