"""What lies directly under the XML export's root: rows, misplaced rows, unknown elements, stray text.

Every element directly under the root is either read as a row, rejected as a row, or reported as a
warning, never dropped without a word; `Root` also removes what it has accounted for, so memory stays
bounded while the file streams.
"""

from __future__ import annotations

from lxml import etree

from auditor.ingest.buffer import TableBuffer
from auditor.ingest.report import InputWarning, preview

ROOTS = {"cases": "case", "disclosures": "disclosure"}


class Root:
    """What the root's children have been: every element directly under the root is either read as a
    row, rejected as a row, or reported as a warning, never dropped without a word."""

    def __init__(self, root, table: str, name: str, buffers: dict[str, TableBuffer],
                 warnings: list[InputWarning]):
        self.root = root
        self.table = table
        self.name = name
        self.buffers = buffers
        self.warnings = warnings
        self.reported: set[str] = set()
        self.rows = 0  # rows of `table` from this file, read or rejected

    def handle(self, el, read) -> None:
        """An ended <case> or <disclosure> (no namespace), wherever it is."""
        tag = el.tag
        parent = el.getparent()
        if ROOTS[self.root.tag] != tag:  # a <case> in a disclosure export, or the reverse
            where = "" if parent is self.root else f"（位于 <{_local(parent.tag)}> 内）"
            self.buffers[_TABLE_OF[tag]].reject(
                el.sourceline, None, f"<{tag}> 出现在 <{self.root.tag}> 导出中{where}，未读取")
            return
        self.rows += 1
        if parent is not self.root:  # misplaced: reported, never silently dropped
            self.buffers[self.table].reject(el.sourceline, None,
                                            f"<{tag}> 不在根元素下（位于 <{_local(parent.tag)}> 内），未读取")
            return
        read(el)
        el.clear(keep_tail=True)  # the tail is parsed later; text there is reported by `sweep`
        self.sweep(el)

    def sweep(self, upto=None) -> None:
        """Remove the root's children before `upto` (all of them when None), accounting for each one
        that was not a row already handled by `handle`."""
        root = self.root
        while len(root) and root[0] is not upto:
            self._account(root[0])
            del root[0]
        if root.text and root.text.strip() and "text" not in self.reported:
            self._warn_text(root.text, root.sourceline)
            root.text = None

    def _account(self, child) -> None:
        tail = child.tail
        if tail and tail.strip():
            self._warn_text(tail, child.sourceline)
        tag = child.tag
        if not isinstance(tag, str) or tag in _TABLE_OF:
            return  # a row (handled at its end event), or a comment / processing instruction
        local = _local(tag)
        if local in _TABLE_OF:  # <case> in a namespace: a row the export format does not have
            if _TABLE_OF[local] == self.table:
                self.rows += 1
            self.buffers[_TABLE_OF[local]].reject(
                child.sourceline, None, f"<{local}> 在命名空间 {_namespace(tag)} 中，不是导出格式的元素，未读取")
            return
        key = f"root/{tag}"
        if key in self.reported:
            return
        self.reported.add(key)
        inside = sum(1 for _ in child.iter(_ANY_ROW))
        held = f"，其中含 {inside} 个 <case>/<disclosure>（已逐个拒收）" if inside else ""
        local = preview(local)  # an element name may be 50,000 characters long
        self.warnings.append(InputWarning("unknown_element", self.name, child.sourceline, local,
                                          f"根元素下的未知元素 <{local}>{held}，已忽略（同名元素只提示一次）"))

    def _warn_text(self, text: str, line: int | None) -> None:
        self.reported.add("text")
        self.warnings.append(InputWarning("unknown_text", self.name, line, None,
                                          f"根元素下有不属于任何字段的文字，已忽略: {preview(text.strip())}"))


_TABLE_OF = {"case": "cases", "disclosure": "disclosures"}
_ANY_ROW = ("case", "disclosure", "{*}case", "{*}disclosure")


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else str(tag)


def _namespace(tag: str) -> str:
    return etree.QName(tag).namespace or ""
