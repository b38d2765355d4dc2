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
from auditor.ingest.buffer import TableBuffer
from auditor.ingest.fastcheck import VALIDATE_MODES, RowReader, fast_allowed
from auditor.ingest.profiles import Profile, normalise_label
from auditor.ingest.report import FileInfo, InputWarning
from auditor.ingest.xsd import schema_errors
from auditor.model.fields import TABLES, field_of
from auditor.model.values import parse_value

ROOTS = {"cases": "case", "disclosures": "disclosure"}
ROOT_TABLE = {"cases": "cases", "disclosures": "disclosures"}


class _HashingReader:
    """A file wrapper that hashes what the parser reads, so the file is read once."""

    def __init__(self, f: BinaryIO):
        self.f = f
        self.sha = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.f.read(size)
        self.sha.update(data)
        return data

    def drain(self) -> str:
        while self.read(1 << 20):
            pass
        return self.sha.hexdigest()


class _Shape:
    """Field indexes and renames for one table, computed once per file.

    Rows are lists aligned with the table's fields plus one spare slot (`extra`) that holds the
    `recordings` element of a case; the buffer transposes a batch of them with one `zip`."""

    def __init__(self, buffer: TableBuffer, profile: Profile):
        self.buffer = buffer
        self.index = buffer.index
        self.extra = len(buffer.fields)
        self.slots = {**buffer.index, "recordings": self.extra}
        self.lists = frozenset(f.name for f in buffer.fields if f.kind in ("list", "enum_list"))
        self.labels = profile.label_map(buffer.table)
        self.case_id = buffer.index.get("case_id")


def read_xml(path: Path, name: str, profile: Profile, buffers: dict[str, TableBuffer],
             warnings: list[InputWarning], validate: str = "fast") -> FileInfo:
    """Read one XML export into `buffers`; `name` is how the file is shown in reports.

    `validate`: "fast" proves most elements schema-valid without the XSD validator (same outcome,
    see `fastcheck`); "always" runs the validator on every element."""
    if validate not in VALIDATE_MODES:
        raise ValueError(f"validate must be one of {VALIDATE_MODES}, not {validate!r}")
    with open(path, "rb") as raw:
        reader = _HashingReader(raw)
        rows, table = _parse(reader, name, profile, buffers, warnings, validate == "fast")
        sha = reader.drain()
    return FileInfo(path=name, sha256=sha, table=table, form="xml", encoding="xml", rows=rows)


def _parse(reader: _HashingReader, name: str, profile: Profile, buffers: dict[str, TableBuffer],
           warnings: list[InputWarning], fast: bool) -> tuple[int, str]:
    events = etree.iterparse(
        reader, events=("start", "end"), tag=("cases", "disclosures", "case", "disclosure"),
        resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )
    root = None
    table = "cases"
    child_tag = "case"
    rows = 0
    unknown: set[str] = set()
    shapes: dict[str, _Shape] = {}
    try:
        for event, el in events:
            if root is None:
                if el.getparent() is not None or el.tag not in ROOTS:
                    raise InputError(f"XML 根元素不是 <cases> 或 <disclosures>: <{_root_tag(el)}>",
                                     file=name, line=el.sourceline)
                root = el
                table = ROOT_TABLE[el.tag]
                child_tag = ROOTS[el.tag]
                shapes = {t: _Shape(buffers[t], profile) for t in TABLES}
                fast = fast and fast_allowed(el)
                readers = _readers() if fast else {}
                for t, buffer in buffers.items():
                    buffer.begin_file(name, shapes[t].index)
                buffers[table].files_read += 1
                for t in ("cases", "recordings") if table == "cases" else (table,):
                    buffers[t].declared.update(buffers[t].names)  # the XSD's form: every element
                continue
            if event == "start" or el.tag != child_tag:
                continue
            if el.getparent() is not root:  # misplaced: reported, never silently dropped
                rows += 1
                buffers[table].reject(el.sourceline, None,
                                      f"<{child_tag}> 不在根元素下（位于 <{el.getparent().tag}> 内），未读取")
                continue
            rows += 1
            if table == "cases":
                _read_case(el, name, shapes, warnings, unknown, readers.get("cases"))
            else:
                _read_flat(el, name, shapes["disclosures"], warnings, unknown, readers.get("disclosures"))
            el.clear()
            while el.getprevious() is not None:
                del root[0]
    except etree.XMLSyntaxError as exc:
        if root is None:
            raise InputError(f"不是格式正确的 XML: {exc.msg}", file=name, line=exc.lineno) from None
        buffers[table].reject(exc.lineno or 0, None,
                              f"XML 格式错误，自此行起的内容无法读取: {exc.msg}")
        rows += 1
    if root is None:
        top = events.root
        raise InputError(f"XML 根元素不是 <cases> 或 <disclosures>: <{_root_tag(top)}>"
                         if top is not None else "XML 中没有元素", file=name)
    return rows, table


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
            warnings.append(InputWarning("unknown_column", name, child.sourceline, tag,
                                         f"未知元素 <{tag}>（{shape.buffer.table}），已忽略"))
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
            row[slots[tag]] = tuple([x.text for x in c])
        elif tag == "recordings":
            row[shape.extra] = c
        else:
            row[slots[tag]] = c.text
    return row


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
