"""The load report: what was read, what was rejected and why, and the counts that reconcile."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from auditor.ingest.partial import Unread
from auditor.textwidth import display_width, ljust, rjust

VALUE_PREVIEW = 80  # characters of an offending value kept in a RejectedRow


@dataclass(frozen=True)
class RejectedRow:
    """One input row that was not loaded: where it is, which field, why."""

    table: str
    file: str
    line: int
    field: str | None
    reason: str
    value: str = ""  # the offending raw text, truncated to VALUE_PREVIEW characters


@dataclass(frozen=True)
class InputWarning:
    """Something the user should know that did not cost a row (unknown column, orphan disclosure...)."""

    code: str
    file: str
    line: int | None
    field: str | None
    message: str


@dataclass
class TableCount:
    rows_in: int = 0
    loaded: int = 0
    rejected: int = 0

    @property
    def reconciles(self) -> bool:
        return self.rows_in == self.loaded + self.rejected


@dataclass(frozen=True)
class FileInfo:
    path: str
    sha256: str
    table: str
    form: str  # "xml" or "csv"
    encoding: str
    rows: int  # rows of `table` read from this file (nested recordings not included)
    unread: Unread | None = None  # set when the file could not be read to its end


@dataclass
class LoadResult:
    tables: dict[str, pd.DataFrame]
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    counts: dict[str, TableCount] = field(default_factory=dict)
    files: list[FileInfo] = field(default_factory=list)
    supplied: dict = field(default_factory=dict)  # table -> frozenset of supplied columns (auditor.coverage)

    @property
    def any_rejected(self) -> bool:
        return bool(self.rejected)

    @property
    def incomplete(self) -> list[FileInfo]:
        """Files that could not be read to their end (see `ingest.partial`)."""
        return [f for f in self.files if f.unread is not None]


def preview(text: str | None) -> str:
    if not text:
        return ""
    return text if len(text) <= VALUE_PREVIEW else text[:VALUE_PREVIEW] + "…"


_TEXT = {
    "zh": {
        "title": "导出读取情况", "table": "表", "rows_in": "读入", "loaded": "载入", "rejected": "拒收",
        "by_squad": "各中队案件数", "rejected_rows": "拒收的行", "warnings": "提示", "files": "文件",
        "none": "无", "field": "字段", "value": "值",
        "tables": {"cases": "案件", "recordings": "全过程记录", "disclosures": "公示信息"},
        "unknown_squad": "（未填中队）", "incomplete": "文件未读完",
    },
    "en": {
        "title": "Load summary", "table": "table", "rows_in": "rows in", "loaded": "loaded",
        "rejected": "rejected", "by_squad": "Cases per squad", "rejected_rows": "Rejected rows",
        "warnings": "Warnings", "files": "Files", "none": "none", "field": "field", "value": "value",
        "tables": {"cases": "cases", "recordings": "recordings", "disclosures": "disclosures"},
        "unknown_squad": "(no squad)", "incomplete": "FILE NOT READ TO ITS END",
    },
}


def render_text(result: LoadResult, lang: str = "zh") -> str:
    """The human summary `auditor inspect` prints: counts per table and squad, every rejected row
    with file:line, field and reason, and every warning."""
    t = _TEXT["en" if lang == "en" else "zh"]
    out = [f"== {t['title']} =="]
    for info in result.incomplete:  # first, so a partial read cannot pass for a smaller export
        out.append(f"!! {t['incomplete']}: {info.path}: {info.unread.describe(lang)}")
    out.append(f"{t['files']}:")
    for info in result.files:
        kind = info.form if info.encoding in ("", info.form) else f"{info.form}, {info.encoding}"
        out.append(f"  {info.path}  [{kind}, {t['tables'][info.table]} {info.rows}]")
    width = max(display_width(name) for name in [t["table"], *t["tables"].values()])
    out.append(f"  {ljust(t['table'], width)}  {rjust(t['rows_in'], 8)}  {rjust(t['loaded'], 8)}"
               f"  {rjust(t['rejected'], 8)}")
    for table, count in result.counts.items():
        out.append(f"  {ljust(t['tables'][table], width)}  {count.rows_in:>8}  {count.loaded:>8}  {count.rejected:>8}")
    cases = result.tables.get("cases")
    if cases is not None and len(cases):
        out.append(f"{t['by_squad']}:")
        squads = cases["squad"].fillna(t["unknown_squad"]).value_counts()
        for squad, n in sorted(squads.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(f"  {squad}  {n}")
    out.append(f"{t['rejected_rows']} ({len(result.rejected)}):" + ("" if result.rejected else f" {t['none']}"))
    for r in result.rejected:
        where = f"{r.file}:{r.line}"
        field = f" {t['field']} {_field_label(r.table, r.field, lang)}" if r.field else ""
        value = f" [{t['value']}: {r.value}]" if r.value else ""
        reason = english(r.reason) if lang == "en" else r.reason
        out.append(f"  {where} {t['tables'][r.table]}{field}: {reason}{value}")
    out.append(f"{t['warnings']} ({len(result.warnings)}):" + ("" if result.warnings else f" {t['none']}"))
    for w in result.warnings:
        where = w.file + (f":{w.line}" if w.line else "")
        out.append(f"  {where} [{w.code}] {english(w.message) if lang == 'en' else w.message}")
    return "\n".join(_TERMINAL_UNSAFE.sub(_visible, line) for line in out) + "\n"


def _field_label(table: str, name: str, lang: str) -> str:
    from auditor.model.fields import TABLES

    zh = next((f.zh for f in TABLES.get(table, ()) if f.name == name), None)
    return f"{zh}（{name}）" if zh and lang != "en" else name


# Control characters (ESC, BEL, C1) and bidi overrides from an export must not reach the terminal:
# "\x1b]0;...\x07" retitles it, "\x1b[2J" clears it, U+202E reverses what follows.
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(m: re.Match) -> str:
    return f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"


# Load messages are written in Chinese where they arise; `--lang en` renders them through this table.
# An unlisted message stays Chinese (still correct, just untranslated).
_EN = [(re.compile(rx), en) for rx, en in (
    (r"^日期无效: (.*)$", r"invalid date: \1"),
    (r"^日期格式无法识别: (.*)$", r"unrecognised date: \1"),
    (r"^时间无效: (.*)$", r"invalid time: \1"),
    (r"^不是是/否值: (.*)$", r"not a yes/no value: \1"),
    (r"^金额不是数字: (.*)$", r"amount is not a number: \1"),
    (r"^金额不能为负数: (.*)$", r"negative amount: \1"),
    (r"^不能为负数: (.*)$", r"negative number: \1"),
    (r"^不是整数: (.*)$", r"not a whole number: \1"),
    (r"^不在可选值中: (.*); 可选: (.*)$", r"not one of the choices: \1; choices: \2"),
    (r"^必填字段缺失$", "required field missing"),
    (r"^字段过长: (\d+) 个字符，上限 (\d+)$", r"value too long: \1 characters, limit \2"),
    (r"^列数不符: 表头 (\d+) 列，此行 (\d+) 列$", r"wrong number of columns: header \1, this row \2"),
    (r"^案件编号重复，首次出现于 (.*)$", r"duplicate case id, first at \1"),
    (r"^案件不存在（该案件行被拒收: (.*)）$", r"case not found (its row was rejected: \1)"),
    (r"^案件不存在$", "case not found"),
    (r"^所属案件被拒收: (.*)$", r"its case was rejected: \1"),
    (r"^记录的案件编号与所属案件 (.*) 不符$", r"case id differs from the enclosing case \1"),
    (r"^XML 格式错误，自此行起的内容无法读取: (.*)$", r"XML not well-formed; unreadable from this line: \1"),
    (r"^未知列「(.*)」（(.*)），其值未读取$", r"unknown column \1 (\2): not read"),
    (r"^未知元素 <(.*)>（(.*)），已忽略$", r"unknown element <\1> (\2): ignored"),
    (r"^列「(.*)」与「(.*)」都对应字段 (.*)，只读取前者$", r"columns \1 and \2 both map to \3: only the first is read"),
    (r"^缺少必填列「(.*)」\((.*)\)，每一行都将被拒收$", r"required column \1 (\2) missing: every row is rejected"),
    (r"^公示的决定书文号 (.*) 在案件中找不到（可能是其他机关的决定），已保留$",
     r"disclosed decision \1 matches no case (perhaps another agency's): kept"),
    (r"^表头前的 (\d+) 行不是数据，已跳过: (.*)$", r"\1 line(s) above the header skipped: \2"),
    (r"^已跳过: (.*)$", r"skipped: \1"),
    (r"^<(.*)> 在命名空间 (.*) 中，不是导出格式的元素，未读取$", r"<\1> in namespace \2 is no element of the export: not read"),
    (r"^<(.*)> 出现在 <(.*)> 导出中，未读取$", r"<\1> in a <\2> export: not read"),
    (r"^<(.*)> 出现在 <(.*)> 导出中（位于 <(.*)> 内），未读取$", r"<\1> in a <\2> export (inside <\3>): not read"),
    (r"^<(.*)> 不在根元素下（位于 <(.*)> 内），未读取$", r"<\1> not directly under the root (inside <\2>): not read"),
    (r"^根元素下的未知元素 <(.*)>，其中含 (\d+) 个 <case>/<disclosure>（已逐个拒收），已忽略（同名元素只提示一次）$",
     r"unknown element <\1> under the root, holding \2 <case>/<disclosure> (each rejected): ignored (said once per name)"),
    (r"^根元素下的未知元素 <(.*)>，已忽略（同名元素只提示一次）$",
     r"unknown element <\1> under the root: ignored (said once per name)"),
    (r"^根元素下有不属于任何字段的文字，已忽略: (.*)$", r"text under the root that belongs to no field, ignored: \1"),
    (r"^案件 (.*) 的记录编号 (.*) 重复，已保留$", r"case \1: recording id \2 repeated: kept"),
)]
_FIELD_PREFIX = re.compile(r"^([a-z_]+): (.*)$")
_EN_SUFFIX = (re.compile(r"（第 (\d+) 行）$"), r" (line \1)")


def english(message: str) -> str:
    """The English rendering of a load message (each '；另: ' part translated separately)."""
    parts = message.split("；另: ")
    out = []
    for part in parts:
        line = ""
        m = _EN_SUFFIX[0].search(part)
        if m:
            part, line = part[:m.start()], m.expand(_EN_SUFFIX[1])
        field = _FIELD_PREFIX.match(part)  # "filing_date: 日期无效: …" in the '另' parts
        prefix = ""
        if field:
            prefix, part = field.group(1) + ": ", field.group(2)
        for rx, en in _EN:
            if rx.match(part):
                part = rx.sub(en, part)
                break
        out.append(prefix + part + line)
    return "; also: ".join(out)
