"""Read the XML export (root `cases` with nested recordings, or root `disclosures`), streaming.

The file is never loaded whole: `iterparse` hands over one `case` element at a time, which is
validated against the shipped XSD, read, then cleared together with its preceding siblings, so memory
stays bounded. With `validate="fast"` (the default) an element that `fastcheck` proves schema-valid
skips the validator; any other goes through it, so messages and lines are those of the XSD. Entities are not resolved, no DTD is loaded, nothing is fetched from the network.
A case that violates the schema is rejected with its line and the others are still read; a file that
stops being well-formed keeps the cases before the break and reports the rest as one rejected entry.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from auditor.errors import InputError
from auditor.ingest import xml_split
from auditor.ingest.buffer import TableBuffer
from auditor.ingest.xml_events import PullEvents
from auditor.ingest.xml_root import ROOTS, Root
from auditor.ingest.fastcheck import VALIDATE_MODES, RowReader, fast_allowed
from auditor.ingest.mapping import ExportMapping, normalise_label
from auditor.ingest.partial import unread_from_line
from auditor.ingest.report import FileInfo, InputWarning, preview
from auditor.ingest.xsd import schema_errors
from auditor.model.fields import TABLES, field_of
from auditor.model.values import parse_value, split_list_text
from auditor.progress import current

ROOT_TABLE = {"cases": "cases", "disclosures": "disclosures"}


class _HashingReader:
    """A file wrapper that hashes what the parser reads, so the file is read once."""

    def __init__(self, f: BinaryIO):
        self.f = f
        self.sha = hashlib.sha256()
        self.meter = current()  # the loader's progress bar (bytes), if any

    def read(self, size: int = -1) -> bytes:
        data = self.f.read(size)
        self.sha.update(data)
        self.meter.advance(len(data))
        return data

    def drain(self) -> str:
        while self.read(1 << 20):
            pass
        return self.sha.hexdigest()


class _Shape:
    """Field indexes and renames for one table, computed once per file.

    Rows are lists aligned with the table's fields plus one spare slot (`extra`) that holds the
    `recordings` element of a case; the buffer transposes a batch of them with one `zip`."""

    def __init__(self, buffer: TableBuffer, profile: ExportMapping):
        self.buffer = buffer
        self.index = buffer.index
        self.extra = len(buffer.fields)
        self.slots = {**buffer.index, "recordings": self.extra}
        self.lists = frozenset(f.name for f in buffer.fields if f.kind in ("list", "enum_list"))
        self.labels = profile.label_map(buffer.table)
        self.case_id = buffer.index.get("case_id")


def read_xml(path: Path, name: str, profile: ExportMapping, buffers: dict[str, TableBuffer],
             warnings: list[InputWarning], validate: str = "fast", processes: int = 2) -> FileInfo:
    """Read one XML export into `buffers`; `name` is how the file is shown in reports.

    `validate`: "fast" proves most elements schema-valid without the XSD validator (same outcome,
    see `fastcheck`); "always" runs the validator on every element. `processes`: 2 lets a large file's
    second half be read by a helper process (`xml_split`, same outcome), 1 reads in one pass."""
    if validate not in VALIDATE_MODES:
        raise ValueError(f"validate must be one of {VALIDATE_MODES}, not {validate!r}")
    split = xml_split.plan(Path(path)) if validate == "fast" and processes > 1 else None
    if split is None:
        with open(path, "rb") as raw:
            reader = _HashingReader(raw)
            rows, table, broken = _parse(reader, name, profile, buffers, warnings, validate == "fast")
            sha = reader.drain()
    else:
        rows, table, broken, sha = _read_split(path, split, name, profile, buffers, warnings)
    unread = unread_from_line(Path(path), broken[0], broken[1]) if broken else None
    return FileInfo(path=name, sha256=sha, table=table, form="xml", encoding="xml", rows=rows, unread=unread)


def _read_split(path: Path, split: xml_split.Split, name: str, profile: ExportMapping,
                buffers: dict[str, TableBuffer], warnings: list[InputWarning]):
    """`read_xml` with the second half read by a helper process (`xml_split`); the same outcome."""
    split.start(lambda s: _helper_part(s, name, profile, buffers))
    saved = {t: b.snapshot() for t, b in buffers.items()}, len(warnings)
    try:
        with open(path, "rb") as raw:
            reader = _HashingReader(raw)
            try:
                rows, table, broken = _parse(xml_split.MainReader(reader, split, _usable), name, profile,
                                             buffers, warnings, True, split)
            except xml_split.Retry:  # the split was not between two records: once more, in one pass
                for t, b in buffers.items():
                    b.restore(saved[0][t])
                del warnings[saved[1]:]
                raw.seek(0)
                reader = _HashingReader(raw)
                rows, table, broken = _parse(reader, name, profile, buffers, warnings, True)
            sha = reader.drain()
    finally:
        split.stop()
    return rows, table, broken, sha


def _helper_part(split: xml_split.Split, name: str, profile: ExportMapping,
                 buffers: dict[str, TableBuffer]) -> dict:
    """In the helper process: the part after the split, read into empty buffers."""
    fresh = {t: b.fresh() for t, b in buffers.items()}
    warnings: list[InputWarning] = []
    rows, _, broken = _parse(xml_split.PartReader(split), name, profile, fresh, warnings, True)
    return {"rows": rows, "broken": broken, "warnings": warnings,
            "tables": {t: b.part() for t, b in fresh.items()}}


def _usable(got: dict) -> bool:
    """The helper's part stands on its own: read to its end, no warning (those are said once per file),
    and no two rejections of one table on one line (their order would depend on batch boundaries)."""
    if got["broken"] is not None or got["warnings"]:
        return False
    for _, _, rejected, _ in got["tables"].values():
        if len({r.line for r in rejected}) != len(rejected):
            return False
    return True


def _merge(split: xml_split.Split, top: Root, buffers: dict[str, TableBuffer]) -> None:
    got = split.result
    if not all(buffers[t].fits(part) for t, part in got["tables"].items()):
        raise xml_split.Retry  # one pass raises the row limit at the very row
    for t, part in got["tables"].items():
        buffers[t].merge(part)
    top.rows += got["rows"]


def _parse(reader: _HashingReader, name: str, profile: ExportMapping, buffers: dict[str, TableBuffer],
           warnings: list[InputWarning], fast: bool, split: xml_split.Split | None = None
           ) -> tuple[int, str, tuple[int, str] | None]:
    """(rows of the root's table, table, (line, reason) where reading broke off, or None); with
    `split`, the reader ends the root at the split and the helper's rows come after the main part's."""
    events = PullEvents(reader)
    top: Root | None = None
    broken = None
    try:
        for event, el in events:
            if top is None:
                if el.getparent() is not None or el.tag not in ROOTS:
                    raise InputError(f"XML 根元素不是 <cases> 或 <disclosures>: <{_root_tag(el)}>",
                                     file=name, line=el.sourceline)
                table = ROOT_TABLE[el.tag]
                shapes = {t: _Shape(buffers[t], profile) for t in TABLES}
                readers = _readers() if fast and fast_allowed(el) else {}
                for t, buffer in buffers.items():
                    buffer.begin_file(name, shapes[t].index)
                buffers[table].files_read += 1
                for t in ("cases", "recordings") if table == "cases" else (table,):
                    buffers[t].declared.update(buffers[t].names)  # the XSD's form: every element
                if table == "cases":
                    def read(e, f=readers.get("cases")):
                        _read_case(e, name, shapes, warnings, unknown, f)
                else:
                    def read(e, f=readers.get("disclosures")):
                        _read_flat(e, name, shapes["disclosures"], warnings, unknown, f)
                unknown: set[str] = set()
                top = Root(el, table, name, buffers, warnings)
                continue
            if event == "end" and el is not top.root:
                top.handle(el, read)
    except etree.XMLSyntaxError as exc:
        if split is not None and reader.accepted:
            raise xml_split.Retry from None  # the closing tag did not close: not a record boundary
        if top is None:
            raise InputError(f"不是格式正确的 XML: {exc.msg}", file=name, line=exc.lineno) from None
        line = exc.lineno or 1
        buffers[top.table].reject(line, None, f"XML 格式错误，自此行起的内容无法读取: {exc.msg}")
        top.rows += 1
        broken = (line, exc.msg)
    if top is None:
        root = events.root
        raise InputError(f"XML 根元素不是 <cases> 或 <disclosures>: <{_root_tag(root)}>"
                         if root is not None else "XML 中没有元素", file=name)
    if split is not None and reader.accepted:
        _merge(split, top, buffers)
    top.sweep()
    return top.rows, top.table, broken


def _readers() -> dict[str, RowReader]:
    return {"cases": RowReader("cases", RowReader("recordings")), "disclosures": RowReader("disclosures")}


def _root_tag(el) -> str:
    while el is not None and el.getparent() is not None:
        el = el.getparent()
    return el.tag if el is not None else ""


def _normalise(el, shape: _Shape, name: str, warnings: list[InputWarning], unknown: set[str]) -> None:
    """Rename children spelled as a label or profile column; drop (and warn once) unknown ones."""
    for child in list(el):
        tag = child.tag
        if tag in shape.index or tag == "recordings":
            continue
        target = shape.labels.get(normalise_label(tag))
        if target is not None:
            child.tag = target
            continue
        key = f"{shape.buffer.table}/{tag}"
        if key not in unknown:
            unknown.add(key)
            shown = preview(str(tag))  # an element name may be 50,000 characters long
            warnings.append(InputWarning("unknown_column", name, child.sourceline, shown,
                                         f"未知元素 <{shown}>（{shape.buffer.table}），已忽略"))
        el.remove(child)


def _validated(el, shapes: dict[str, _Shape], main: _Shape, name: str,
               warnings: list[InputWarning], unknown: set[str]):
    errors = schema_errors(el)
    if errors and any(msg.startswith("不应出现的元素") for _, _, _, msg in errors):
        _normalise(el, main, name, warnings, unknown)
        for rec in el.iterfind("recordings/recording"):
            _normalise(rec, shapes["recordings"], name, warnings, unknown)
        errors = schema_errors(el)
    return errors


def _row(el, shape: _Shape) -> list[object]:
    """Raw texts of a validated element by field slot; list fields given as items become tuples,
    the spare slot holds `recordings`. No ElementPath and no dict: this runs once per element."""
    row: list[object] = [None] * (shape.extra + 1)
    slots, lists = shape.slots, shape.lists
    for c in el:
        tag = c.tag
        if tag in lists and len(c):
            row[slots[tag]] = _list_items(c)
        elif tag == "recordings":
            row[shape.extra] = c
        else:
            row[slots[tag]] = c.text
    return row


def _list_items(c) -> tuple:
    """The items of a list field given as children, keeping text written beside them: the XSD
    allows mixed content (`张三<officer>李四</officer>、王五`), and none of it may be dropped."""
    items: list = []
    if c.text and c.text.strip():
        items.extend(split_list_text(c.text))
    for x in c:
        items.append(x.text)
        if x.tail and x.tail.strip():
            items.extend(split_list_text(x.tail))
    return tuple(items)


def _read_flat(el, name: str, shape: _Shape, warnings: list[InputWarning], unknown: set[str],
               fast: RowReader | None = None) -> None:
    line = el.sourceline
    got = fast.read(el) if fast is not None else None
    if got is not None:  # provably schema-valid: what the validator would pass
        shape.buffer.add(line, got[0])
        return
    errors = _validated(el, {"recordings": shape}, shape, name, warnings, unknown)
    if errors:
        err_line, field, _, msg = errors[0]
        text = _text_of(el, field)
        shape.buffer.reject(line, field, _reason(shape.buffer.table, field, msg, err_line, text), text)
        return
    shape.buffer.add(line, _row(el, shape))


def _read_case(el, name: str, shapes: dict[str, _Shape], warnings: list[InputWarning],
               unknown: set[str], fast: RowReader | None = None) -> None:
    cases = shapes["cases"]
    line = el.sourceline
    got = fast.read(el) if fast is not None else None
    if got is not None:  # provably schema-valid: what the validator would pass
        row, rec_rows = got
        recs, row[-1] = row[-1], None  # the buffer keeps the row; the subtree may go
        cases.buffer.add(line, row)
        if recs is not None:
            _read_recordings(recs, name, line, row[cases.case_id], shapes["recordings"], {}, rec_rows)
        return
    errors = _validated(el, shapes, cases, name, warnings, unknown)
    if not errors:
        row = _row(el, cases)
        cases.buffer.add(line, row)
        if row[-1] is not None:
            _read_recordings(row[-1], name, line, row[cases.case_id], shapes["recordings"], {})
        return
    case_errors = [e for e in errors if e[2] is None]
    if case_errors:
        err_line, field, _, msg = case_errors[0]
        text = _text_of(el, field)
        cases.buffer.reject(line, field, _reason("cases", field, msg, err_line, text), text)
        for rec in el.iterfind("recordings/recording"):
            shapes["recordings"].buffer.reject(rec.sourceline, None, f"所属案件被拒收: {name}:{line}")
        return
    row = _row(el, cases)
    cases.buffer.add(line, row)
    bad = {}
    for e in errors:
        bad.setdefault(e[2], e)
    if row[-1] is not None:
        _read_recordings(row[-1], name, line, row[cases.case_id], shapes["recordings"], bad)


def _read_recordings(recs, name: str, line: int, case_id: str | None, shape: _Shape, bad: dict,
                     rows: list | None = None) -> None:
    """The `recordings` element of a (schema-valid) case; `bad`: recording index -> schema error;
    `rows`: the recordings already read (fast path)."""
    buffer = shape.buffer
    case_id = (case_id or "").strip()
    parent = (name, line)
    for i, rec in enumerate(recs, 1):
        rline = rec.sourceline
        if i in bad:
            err_line, field, _, msg = bad[i]
            text = _text_of(rec, field)
            buffer.reject(rline, field, _reason("recordings", field, msg, err_line, text), text)
            continue
        row = rows[i - 1] if rows is not None else _row(rec, shape)
        own = (row[shape.case_id] or "").strip()
        if own and own != case_id:
            buffer.reject(rline, "case_id", f"记录的案件编号与所属案件 {case_id} 不符", own)
            continue
        row[shape.case_id] = case_id
        buffer.add(rline, row, parent)


def _reason(table: str, field: str | None, msg: str, err_line: int, text: str) -> str:
    """The Chinese reason of the value parser when it has one (日期无效: …), else the XSD's."""
    if field and text and msg.startswith("值不符合格式"):
        try:
            parse_value(field_of(table, field), text)
        except (ValueError, KeyError) as exc:
            if not isinstance(exc, KeyError):
                msg = str(exc)
    return f"{msg}（第 {err_line} 行）"


def _text_of(el, field: str | None) -> str:
    if not field:
        return ""
    child = el.find(f".//{field}")
    return (child.text or "") if child is not None else ""
