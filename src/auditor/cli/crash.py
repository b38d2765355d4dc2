"""What happens when auditor itself fails: one Chinese line, the traceback in a file, exit 4.

A scheduler reads exit 1 as "findings found", so an internal error must never end with 1; a user
must never see a Python traceback, but the maintainer needs one: it goes to a file whose path is
printed. Interrupts end with the shell's conventional codes (SIGINT 130, SIGTERM 143).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path

from auditor.errors import EXIT_INTERNAL


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C so that every `finally` and atomic write cleans up."""


@contextlib.contextmanager
def sigterm_as_exception() -> Iterator[None]:
    """While inside, SIGTERM raises `Terminated` instead of killing the process mid-write."""
    def _raise(signum, frame):
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, _raise)
    except ValueError:  # not the main thread (e.g. a test runner's worker): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def crash_dir() -> Path:
    """Where tracebacks are written: $AUDITOR_CRASH_DIR, else the system's temporary folder."""
    return Path(os.environ.get("AUDITOR_CRASH_DIR") or tempfile.gettempdir())


def write_crash_report(exc: BaseException, argv: list[str]) -> Path | None:
    """Write the traceback and the command line to a new file; None if even that fails."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = ("auditor " + " ".join(argv) + "\n\n"
            + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    try:
        folder = crash_dir()
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f"auditor-crash-{stamp}-", suffix=".txt", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return Path(name)
    except OSError:
        return None


def crash_message(exc: BaseException, report: Path | None, lang: str) -> str:
    """The one line shown for an internal error: what failed, where, and where the details are."""
    where = ""
    tb = traceback.extract_tb(exc.__traceback__)
    if tb:
        last = tb[-1]
        where = f"{Path(last.filename).name}:{last.lineno}"
    what = f"{type(exc).__name__}: {str(exc)[:200]}".replace("\n", " ")
    if lang == "en":
        saved = f"the full traceback was written to {report}" if report else "the traceback could not be saved"
        return (f"Internal error in auditor ({what}, at {where}); this is not a problem with your input. "
                f"{saved}; please send it to the maintainers.")
    saved = f"完整的错误记录已写入 {report}" if report else "错误记录未能保存"
    return f"内部错误：auditor 自身出错（{what}，位于 {where}），并非输入数据的问题。{saved}，请将该文件报告给维护人员。"


__all__ = ["EXIT_INTERNAL", "Terminated", "crash_message", "sigterm_as_exception", "write_crash_report"]
