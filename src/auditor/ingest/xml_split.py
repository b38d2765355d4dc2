"""Read a large XML export on two cores: the second half in a forked process, used only when exact.

The file is split at a line that starts with a record (`<case>` / `<disclosure>`) near the middle. The
main process reads up to the split and then ends the root itself (`</cases>`); a forked helper reads
the file's head (declaration and root start tag, with line breaks added inside the tag up to the
split's line, so every line number, and every message that quotes one, is the file's own) and the rest
of the file. Both parts parsing cleanly proves the split lay between two of the root's children. The helper's rows are used only when
its part raised no warning and no error and nothing in it depended on the first part; otherwise the
main process reads the second half itself (`accept` says no), or, when the main part shows the split
was not at a record boundary, starts the file again in one process (`Retry`). Either way the tables,
rejections and warnings are those of reading the file in one pass. Files under `MIN_BYTES`, other
encodings, processes running other threads (the web board's jobs) and machines without an idle core
(load average) are read in one pass from the start.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

MIN_BYTES = 32 * 1024 * 1024  # below this a second process costs more than it saves
PATIENCE = 30.0  # seconds the main process waits at least for the helper (more if its own part took long)
_WINDOW = 1 << 20
_HEAD = 1 << 16
_ROOT = re.compile(rb"<(cases|disclosures)(?:\s[^<>]*)?>")
_RECORD = {b"cases": b"\n<case>", b"disclosures": b"\n<disclosure>"}


class Retry(Exception):
    """The split was not between two records: read the file again in one process."""


def _cores() -> float:
    """Cores for this read: those this process may use, less the load of everything else (the load
    average counts this process too); a helper on a busy machine only competes with the main one."""
    try:
        usable = len(os.sched_getaffinity(0))
        return usable - max(os.getloadavg()[0] - 1.0, 0.0)
    except (AttributeError, OSError):  # not Linux
        return 1.0


class Split:
    """Where a file is split, and the helper reading the part after it."""

    def __init__(self, path: Path, head: bytes, offset: int, lines_before: int, closing: bytes):
        self.path = path
        self.head = head  # the file up to the end of the root's start tag
        self.offset = offset  # byte offset of the first record of the second part
        self.lines_before = lines_before  # line breaks before `offset`
        self.closing = closing  # what ends the root, fed to the main part's parser
        self.process = None
        self.conn = None
        self.result = None  # the helper's part, once accepted

    def part(self):
        """The bytes the helper parses: the head with line breaks to the split inside the root's start
        tag (where they make no text node), then the rest of the file."""
        yield self.head[:-1]
        yield b"\n" * (self.lines_before - self.head.count(b"\n"))
        yield b">"
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            while chunk := f.read(1 << 16):
                yield chunk

    def start(self, work: Callable[[Split], object]) -> None:
        """Run `work(self)` in a forked process; its (picklable) result is read by `accept`."""
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_run, args=(child, work, self), daemon=True)
        self.started = time.monotonic()
        self.process.start()
        child.close()

    def accept(self, usable: Callable[[object], bool]) -> bool:
        """Wait for the helper; True (result kept in `result`) when `usable` says its part can stand.
        A helper that takes more than twice as long as the main part (or `PATIENCE`) is given up."""
        patience = max(PATIENCE, 2 * (time.monotonic() - self.started))
        try:
            status, got = self.conn.recv() if self.conn.poll(patience) else ("late", None)
        except (EOFError, OSError):
            status, got = "failed", None
        self.stop()
        if status == "ok" and usable(got):
            self.result = got
            return True
        return False

    def stop(self) -> None:
        if self.process is not None:
            if self.process.is_alive() and self.result is None:
                self.process.terminate()
            self.process.join()
            self.conn.close()
            self.process = None


def _run(conn, work, split: Split) -> None:
    try:
        got = ("ok", work(split))
    except BaseException as exc:  # any failure: the main process reads the part itself
        got = ("failed", repr(exc))
    try:
        conn.send(got)
    finally:
        conn.close()


def plan(path: Path) -> Split | None:
    """A split near the middle of a large UTF-8 export without a DOCTYPE, or None."""
    if not sys.platform.startswith("linux") or _cores() < 1.5:
        return None
    if threading.active_count() > 1:  # a fork copies only this thread: no helper inside a threaded host
        return None
    size = path.stat().st_size
    if size < MIN_BYTES:
        return None
    with open(path, "rb") as f:
        start = f.read(_HEAD)
        root = _ROOT.search(start)
        if root is None or not _plain_prolog(start[:root.start()]):
            return None
        head = start[:root.end()]
        f.seek(size // 2)
        window = f.read(_WINDOW)
        at = window.find(_RECORD[root.group(1)])
        if at < 0:
            return None
        offset = size // 2 + at + 1
        f.seek(0)
        lines, left = 0, offset
        while left:
            chunk = f.read(min(left, 1 << 22))
            if b"\r" in chunk:  # libxml2 also breaks lines at a lone CR; keep counting simple
                return None
            lines += chunk.count(b"\n")
            left -= len(chunk)
    return Split(path, head, offset, lines, b"</" + root.group(1) + b">")


_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml\s[^<>]*\?>")
_ENCODING = re.compile(rb"encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


def _plain_prolog(prolog: bytes) -> bool:
    """Nothing before the root but an XML declaration (UTF-8, said or by default) and blanks: no
    DOCTYPE, comment or processing instruction that the helper's copy of the head would cut."""
    decl = _DECLARATION.match(prolog)
    rest = prolog[decl.end():] if decl else prolog
    if rest.strip(b" \t\r\n"):
        return False
    m = _ENCODING.search(decl.group(0)) if decl else None
    return m is None or m.group(1).lower() in (b"utf-8", b"utf8")


class PartReader:
    """A file object over `Split.part()` for the helper's parser."""

    def __init__(self, split: Split):
        self._parts = split.part()
        self._buf = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buf) < size:
            nxt = next(self._parts, None)
            if nxt is None:
                break
            self._buf += nxt
        if size < 0:
            size = len(self._buf)
        out, self._buf = self._buf[:size], self._buf[size:]
        return out


class MainReader:
    """The main part: the file up to the split, then (if the helper's part is accepted) the closing
    tag instead of the rest; the rest is still hashed and counted by `drain`."""

    def __init__(self, inner, split: Split, usable: Callable[[object], bool]):
        self.inner = inner
        self.split = split
        self.usable = usable
        self.pos = 0
        self.state = "first"  # first part, then "closing", "done", or "whole" (helper refused)

    def read(self, size: int = -1) -> bytes:
        if self.state == "first":
            left = self.split.offset - self.pos
            if left > 0:
                data = self.inner.read(left if size < 0 else min(size, left))
                self.pos += len(data)
                return data
            self.state = "closing" if self.split.accept(self.usable) else "whole"
        if self.state == "closing":
            self.state = "done"
            return self.split.closing
        if self.state == "done":
            return b""
        return self.inner.read(size)

    @property
    def accepted(self) -> bool:
        return self.state in ("closing", "done")

    def drain(self) -> str:
        return self.inner.drain()
