"""A file that could not be read to its end: where reading stopped and how much was left unread.

An XML export that stops being well-formed (an undecodable byte, a cut-off download) keeps the cases
before the break; everything after it is never seen. That must not look like a normal audit of fewer
cases, so the loader records an `Unread` on the file, and the CLI refuses the run (exit 3) unless the
user accepts a partial read explicitly (`--accept-partial`), in which case every report says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Unread:
    """The unreadable rest of one file: from `line` (byte `offset`, 0-based) to the end, `bytes` long."""

    line: int
    offset: int
    bytes: int
    size: int
    reason: str

    def describe(self, lang: str = "zh") -> str:
        pct = 100 * self.bytes / self.size if self.size else 0.0
        if lang == "en":
            return (f"read stopped at line {self.line} (byte {self.offset}): {self.bytes} of {self.size} bytes "
                    f"({pct:.1f}%) were not read ({self.reason})")
        return (f"读取在第 {self.line} 行（第 {self.offset} 字节）中断: 其后 {self.bytes} 字节（全文件 {self.size} 字节的 "
                f"{pct:.1f}%）未能读取（{self.reason}）")


def unread_from_line(path: Path, line: int, reason: str) -> Unread:
    """The Unread of `path` from the start of 1-based `line` to the end of the file."""
    size = path.stat().st_size
    offset = line_offset(path, line)
    return Unread(line=max(line, 1), offset=offset, bytes=size - offset, size=size, reason=reason)


def line_offset(path: Path, line: int) -> int:
    """Byte offset of the start of 1-based `line` (the file's size when it has fewer lines)."""
    newlines = max(line, 1) - 1
    offset = 0
    with open(path, "rb") as f:
        while newlines:
            chunk = f.read(_CHUNK)
            if not chunk:
                return offset
            start = 0
            while newlines:
                at = chunk.find(b"\n", start)
                if at < 0:
                    break
                newlines -= 1
                start = at + 1
            if not newlines:
                return offset + start
            offset += len(chunk)
    return offset


def partial_message(files, lang: str = "zh") -> str:
    """One line per incompletely read file: its name and `Unread.describe`."""
    return "\n".join(f"{f.path}: {f.unread.describe(lang)}" for f in files if f.unread is not None)


ACCEPT_HINT = {
    "zh": "导出文件未能读完，本次审计不完整。请重新导出该文件；如确认只审计已读取的部分，加 --accept-partial。",
    "en": "An export could not be read to its end, so the audit would be incomplete. Export the file again; "
          "to audit only the part that was read, add --accept-partial.",
}
