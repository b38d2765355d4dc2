"""Atomic file writes: a reader never sees a half-written report.

Write to a temporary file in the target's directory (same filesystem, so the rename is atomic), fsync
it, then `os.replace` it over the target. A failure leaves the old file (if any) untouched and removes
the temporary file.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to `path`; on success fsync it and move it over `path`.

    For writers that insist on opening the file themselves (xlsxwriter takes a file name).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # A prefix of our own: Ctrl-C or SIGTERM can land inside mkstemp after it created the file and
    # before we learn its name; cleanup then finds the file by this prefix.
    prefix = f".{target.name}.{secrets.token_hex(6)}."
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        # mkstemp creates the file 0600; a report is an ordinary, readable file.
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        for leftover in target.parent.glob(glob.escape(prefix) + "*.tmp"):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        raise
    fsync_dir(target.parent)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `path` atomically; returns the path."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
    return Path(path)


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write `text` to `path` atomically, newlines untranslated; returns the path."""
    return atomic_write_bytes(path, text.encode(encoding))


def fsync_dir(directory: Path) -> None:
    # Make the rename itself durable where the platform allows opening a directory.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
