"""Progress for long runs: counts, rate and an estimate of the time left, on stderr.

Shown only where a person watches: stderr is a terminal and the run is not in CI (`CI` set), unless
asked (`auditor --progress`, or AUDITOR_PROGRESS=1; `--no-progress` / AUDITOR_PROGRESS=0 silences it).

    with progress(len(cases), "Rete 评估") as bar:
        for ...:
            bar.advance()

The innermost open bar is `current()`, so code deep in a step (the XML reader counting bytes) reports
to it without being handed it; with no bar open, `current()` is a silent stand-in.
"""

from __future__ import annotations

import contextvars
import os
import sys
import time
from typing import Self

_MIN_INTERVAL = 0.2  # seconds between redraws: drawing must not cost more than the work it reports
FORCE: bool | None = None  # set by `auditor --progress / --no-progress`; None: decide by the stream
_current: contextvars.ContextVar[Progress | None] = contextvars.ContextVar("auditor_progress", default=None)


def wanted(stream) -> bool:
    """Whether to draw on `stream`: asked for, or a terminal outside CI."""
    if FORCE is not None:
        return FORCE
    env = os.environ.get("AUDITOR_PROGRESS", "").strip().lower()
    if env:
        return env not in ("0", "no", "false", "off")
    if os.environ.get("CI"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    if seconds < 60:
        return f"{seconds} 秒"
    if seconds < 3600:
        return f"{seconds // 60} 分 {seconds % 60:02d} 秒"
    return f"{seconds // 3600} 小时 {seconds % 3600 // 60:02d} 分"


class Progress:
    def __init__(self, total: int, label: str, stream=None, enabled: bool | None = None, width: int = 24,
                 unit: str = ""):
        self.total = max(int(total), 0)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = wanted(self.stream) if enabled is None else enabled
        self.width = width
        self.unit = unit  # "bytes": counts shown in MB; "steps": the steps of a pipeline, no rate
        self.done = 0
        self._last = 0.0
        self._start = time.monotonic()
        self._token = None

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.enabled:
            now = time.monotonic()
            if now - self._last >= _MIN_INTERVAL or self.done >= self.total:
                self._last = now
                self._draw(now)

    def stage(self, label: str) -> None:
        """Name the step now running (a bar over the steps of a pipeline)."""
        self.label = label
        if self.enabled:
            self._draw(time.monotonic())

    def _count(self, n: int) -> str:
        return f"{n / 2**20:,.0f} MB" if self.unit == "bytes" else f"{n:,}"

    def _draw(self, now: float, final: bool = False) -> None:
        frac = min(self.done / self.total, 1.0) if self.total else 1.0
        filled = int(frac * self.width)
        elapsed = max(now - self._start, 1e-9)
        rate = self.done / elapsed
        bar = "█" * filled + "░" * (self.width - filled)
        if final or frac >= 1.0:
            tail = f"用时 {_duration(elapsed)}"
        elif self.done and elapsed >= 1.0:
            tail = f"剩余约 {_duration((self.total - self.done) / rate)}"
        else:
            tail = "估算中"
        speed = {"bytes": f" · {rate / 2**20:,.1f} MB/s", "steps": ""}.get(self.unit, f" · {rate:,.0f}/s")
        self.stream.write(f"\r{self.label} {bar} {self._count(self.done)}/{self._count(self.total)}"
                          f" {frac:4.0%}{speed} · {tail}\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic(), final=True)
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self) -> Self:
        self._token = _current.set(self)
        return self

    def __exit__(self, *exc) -> None:
        if self._token is not None:
            _current.reset(self._token)
            self._token = None
        self.close()


class _Silent:
    """What `current()` returns when no bar is open: accepts the calls, draws nothing."""

    enabled = False

    def advance(self, n: int = 1) -> None:
        pass


def current() -> Progress | _Silent:
    return _current.get() or _Silent()


def progress(total: int, label: str, stream=None, enabled: bool | None = None, unit: str = "") -> Progress:
    """A bar over `total` items; silent unless `stream` (default stderr) is a terminal (see `wanted`)."""
    return Progress(total, label, stream=stream, enabled=enabled, unit=unit)
