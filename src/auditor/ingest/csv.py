"""Read one CSV export (cases, recordings or disclosures), streaming, with the csv module.

Encoding: UTF-8 (with or without BOM) when the whole file decodes strictly, else GB18030 (what Excel
on a Chinese Windows writes; a superset of GBK); UTF-16 with a BOM (Excel's "Unicode text") too. The
check runs over the raw bytes once, together with the SHA-256. Delimiter: comma, or tab when the
header has more tabs than commas. Lines reported are those where a record *starts*: a quoted newline
in 案由 makes physical lines and record numbers differ. A plain UTF-8 file (no quotes, no blank or
ragged lines) is read by pyarrow in bulk instead (csv_bulk: same rows, same line numbers).
"""

from __future__ import annotations

import codecs
import csv
import fnmatch
import hashlib
import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

from auditor.errors import InputError
from auditor.ingest.buffer import TableBuffer
from auditor.ingest.csv_bulk import read_bulk
from auditor.ingest.mapping import ExportMapping, normalise_label
from auditor.ingest.report import FileInfo, InputWarning, preview
from auditor.model.fields import TABLE_ZH, TABLES
from auditor.progress import current

_CHUNK = 1 << 20
csv.field_size_limit(2**31 - 1)  # the per-field limit is ours (Limits.max_field_chars), with a clear reason


def sniff_encoding(path: Path, name: str, forced: str | None) -> tuple[str, str]:
    """(encoding, sha256) of a CSV file, reading the bytes once."""
    sha = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")("strict")
    ok = True
    first = b""
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            if not first:
                first = chunk
            sha.update(chunk)
            if ok and forced is None:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    ok = False
        if ok and forced is None:
            try:
                utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                ok = False
    if forced:
        return forced, sha.hexdigest()
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", sha.hexdigest()
    if b"\x00" in first:
        line = first[:first.index(b"\x00")].count(b"\n") + 1
        raise InputError("文件含有 NUL 字节，不是文本 CSV（可能是 Excel 或 UTF-16 文件，请另存为 CSV UTF-8）",
                         file=name, line=line)
    return ("utf-8-sig" if ok else "gb18030"), sha.hexdigest()


def _first_bad_line(path: Path, encoding: str) -> int | None:
    """The first physical line that does not decode (None for UTF-16, whose bytes do not split on \\n)."""
    if encoding.replace("-", "").lower().startswith("utf16"):
        return None
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            try:
                raw.decode(encoding)
            except UnicodeDecodeError:
                return lineno
    return None


_CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _refuse_mixed_encoding(path: Path, name: str) -> None:
    """A file that is not UTF-8 as a whole but has lines that are (Chinese text that decodes as UTF-8)
    mixes two encodings: a GBK header with a UTF-8 body, or the reverse, or pasted rows. Read as
    GB18030 the UTF-8 lines would load as mojibake, so the file is refused naming both lines."""
    utf8_line = other_line = None
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            if raw.isascii():
                continue
            try:
                is_utf8 = _CJK.search(raw.decode("utf-8")) is not None
            except UnicodeDecodeError:
                is_utf8 = False
            if is_utf8:
                utf8_line = utf8_line or lineno
            else:
                other_line = other_line or lineno
            if utf8_line and other_line:
                break
    if not (utf8_line and other_line):
        return
    if utf8_line < other_line:
        raise InputError(f"编码混用: 前 {other_line - 1} 行是 UTF-8，第 {other_line} 行起不是（可能粘贴了 GBK/GB18030 "
                         "文字），请统一另存为 UTF-8", file=name, line=other_line)
    raise InputError(f"编码混用: 第 {other_line} 行是 GBK/GB18030，第 {utf8_line} 行是 UTF-8（表头与内容编码不同？），"
                     "请统一另存为 UTF-8", file=name, line=utf8_line)


def table_by_name(name: str, profile: ExportMapping) -> str | None:
    base = Path(name).name
    for table in TABLES:
        if any(fnmatch.fnmatch(base, pat) for pat in profile.tables[table].files):
            return table
    return None


def detect_table(name: str, header: list[str], profile: ExportMapping) -> str | None:
    """The table a CSV holds: by file name pattern first, else by which table its headers fit."""
    by_name = table_by_name(name, profile)
    if by_name is not None:
        return by_name
    best, best_score = None, 0
    labels = [normalise_label(h) for h in header]
    for table in TABLES:
        lmap = profile.label_map(table)
        found = {lmap[h] for h in labels if h in lmap}
        required = {f.name for f in TABLES[table] if f.required}
        if required <= found and len(found) > best_score:
            best, best_score = table, len(found)
    return best


NO_KNOWN_COLUMN = "无法判断是哪一类导出：表头中没有任何已知列名（不像案件、全过程记录或公示导出），未读取"
_TITLE_ROWS = 5  # at most this many lines before the header are skipped as a title
_HEADER_LINES = 5  # a header record spans at most this many physical lines (quoted line breaks)


def _known_labels(header: list[str], profile: ExportMapping) -> int:
    labels = {normalise_label(h) for h in header}
    return max(len(labels & profile.label_map(t).keys()) for t in TABLES)


def _lines(f, name: str) -> Iterator[str]:
    for lineno, line in enumerate(f, 1):
        if "\x00" in line:
            raise InputError("文件含有 NUL 字节，不是文本 CSV", file=name, line=lineno)
        yield line


def read_csv(path: Path, name: str, profile: ExportMapping, buffers: dict[str, TableBuffer],
             warnings: list[InputWarning]) -> FileInfo:
    """Read one CSV export into the buffer of its table; `name` is how the file is shown."""
    hint = table_by_name(name, profile)
    if hint is not None:
        forced = profile.tables[hint].encoding
    else:  # the table is known only from the header: an encoding all tables agree on, if any
        choices = {tp.encoding for tp in profile.tables.values()}
        forced = choices.pop() if len(choices) == 1 else None
    encoding, sha = sniff_encoding(path, name, forced)
    if encoding == "gb18030" and forced is None:
        _refuse_mixed_encoding(path, name)
    try:
        with open(path, encoding=encoding, errors="strict", newline="") as f:
            return _read(f, name, encoding, sha, profile, buffers, warnings)
    except UnicodeError as exc:  # UnicodeDecodeError, or "UTF-16 stream does not start with BOM"
        utf8_line = _first_bad_line(path, "utf-8")
        bad_line = _first_bad_line(path, encoding)
        if (forced is None and encoding == "gb18030" and utf8_line and utf8_line > 1 and bad_line
                and bad_line < utf8_line):
            raise InputError(f"编码混用: 前 {utf8_line - 1} 行是 UTF-8，第 {utf8_line} 行起不是（可能粘贴了 GBK/GB18030 "
                             "文字），请统一另存为 UTF-8", file=name, line=utf8_line) from None
        raise InputError(f"无法按 {encoding} 解码: {getattr(exc, 'reason', exc)}（可在映射配置中指定 encoding）",
                         file=name, line=bad_line) from None
    except csv.Error as exc:
        raise InputError(f"CSV 无法解析: {exc}", file=name) from None


def _read(f, name: str, encoding: str, sha: str, profile: ExportMapping,
          buffers: dict[str, TableBuffer], warnings: list[InputWarning]) -> FileInfo:
    lines = _lines(f, name)
    forced = {tp.delimiter for tp in profile.tables.values() if tp.delimiter}
    buffered: list[str] = []  # every physical line read ahead, blank ones included
    # (last physical line, text) of the first non-empty records: a header cell may hold a quoted line
    # break (Excel writes "案件\n编号"), so a record runs on while its quotes are open, up to a few lines.
    head: list[tuple[int, str]] = []
    pending = ""
    for text in lines:
        buffered.append(text)
        if not pending and not text.strip():
            continue
        pending += text
        if pending.count('"') % 2 and pending.count("\n") < _HEADER_LINES:
            continue
        head.append((len(buffered), pending))
        pending = ""
        if len(head) > _TITLE_ROWS:
            break
    if pending:
        head.append((len(buffered), pending))
    if not head:
        raise InputError("CSV 没有表头行", file=name)

    def split(text: str) -> tuple[str, list[str]]:
        d = forced.copy().pop() if len(forced) == 1 else (
            "\t" if text.count("\t") > text.count(",") else ",")
        return d, next(csv.reader(io.StringIO(text, newline=""), delimiter=d))

    # Excel exports often start with a title row (案件导出 2025年5月): the header is the first of the
    # first few lines with at least two known column names; failing that, the first line.
    pick = next((i for i, (_, text) in enumerate(head) if _known_labels(split(text)[1], profile) >= 2), 0)
    if pick:
        first_line = head[0][0] - head[0][1].count("\n") + (1 if head[0][1].endswith("\n") else 0)
        warnings.append(InputWarning("skipped_title_rows", name, first_line, None,
                                     f"表头前的 {pick} 行不是数据，已跳过: {preview(head[0][1].strip())}"))
    offset, header_line = head[pick]
    delimiter, header = split(header_line)
    lines = itertools.chain(buffered[offset:], lines)
    if not _known_labels(header, profile):  # e.g. a system file named cases.csv: not read, not quoted
        raise InputError(NO_KNOWN_COLUMN, file=name, line=offset)
    table = detect_table(name, header, profile)
    if table is None:
        raise InputError("无法判断是哪一类导出（案件 / 全过程记录 / 公示）：文件名与表头都不匹配", file=name,
                         line=1)
    tp = profile.tables[table]
    if tp.delimiter:
        delimiter = tp.delimiter
        header = next(csv.reader(io.StringIO(header_line, newline=""), delimiter=delimiter))
    buffer = buffers[table]
    plan = _plan(header, table, profile, name, warnings)
    buffer.begin_file(name, plan)
    buffer.declared.update(plan)
    buffer.files_read += 1
    ncols = len(header)
    if encoding.replace("-", "").lower() in ("utf8", "utf8sig") and getattr(f, "name", None):
        rows = read_bulk(Path(f.name), offset, ncols, delimiter, plan, buffer, current())
        if rows is not None:
            return FileInfo(path=name, sha256=sha, table=table, form="csv", encoding=encoding, rows=rows)
    reader = csv.reader(lines, delimiter=delimiter)
    start = offset + 1
    rows = 0
    add = buffer.add
    meter, raw, reported = current(), getattr(f, "buffer", None), 0
    for record in reader:
        if meter.enabled and raw is not None and not rows % 4096:
            position = raw.tell()  # bytes the decoder has taken so far (a chunk ahead): good enough
            meter.advance(max(0, position - reported))
            reported = max(position, reported)
        line = start
        start = offset + reader.line_num + 1
        if not record or not any(record):
            continue  # blank line or a row of empty cells: nothing to lose
        rows += 1
        if len(record) != ncols:
            extra = record[ncols:]
            if len(record) < ncols or any(c.strip() for c in extra):
                buffer.reject(line, None, f"列数不符: 表头 {ncols} 列，此行 {len(record)} 列",
                              _joined(record, delimiter))
                continue
        add(line, record)
    return FileInfo(path=name, sha256=sha, table=table, form="csv", encoding=encoding, rows=rows)


def _plan(header: list[str], table: str, profile: ExportMapping, name: str,
          warnings: list[InputWarning]) -> dict[str, int]:
    """Field name -> source column; unknown and duplicate columns are warned about once."""
    lmap = profile.label_map(table)
    plan = {}
    seen: dict[str, str] = {}
    for si, label in enumerate(header):
        target = lmap.get(normalise_label(label))
        if target is None:
            shown = preview(label.strip()) or f"第 {si + 1} 列（无列名）"  # a header cell may be 20 MB
            warnings.append(InputWarning("unknown_column", name, 1, shown,
                                         f"未知列「{shown}」（{TABLE_ZH[table]}），其值未读取"))
            continue
        if target in seen:
            warnings.append(InputWarning("duplicate_column", name, 1, target,
                                         f"列「{preview(label)}」与「{preview(seen[target])}」都对应字段 {target}，只读取前者"))
            continue
        seen[target] = label
        plan[target] = si
    for f in TABLES[table]:
        if f.required and f.name not in seen:
            warnings.append(InputWarning("missing_column", name, 1, f.name,
                                         f"缺少必填列「{f.zh}」({f.name})，每一行都将被拒收"))
    return plan


def _joined(record: list[str], delimiter: str) -> str:
    return delimiter.join(record)
