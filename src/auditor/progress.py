"""A progress bar for long runs: on stderr, and only when stderr is a terminal (never in pipes or CI logs).

    with progress(len(cases), "Rete 评估") as bar:
        for ...:
            bar.advance()
"""

from __future__ import annotations

import sys
import time
from typing import Self

_MIN_INTERVAL = 0.2  # seconds between redraws: drawing must not cost more than the work it reports


class Progress:
    def __init__(self, total: int, label: str, stream=None, enabled: bool | None = None, width: int = 30):
        self.total = max(int(total), 0)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.width = width
        self.done = 0
        self._last = 0.0
        self._start = time.monotonic()

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.enabled:
            now = time.monotonic()
            if now - self._last >= _MIN_INTERVAL or self.done >= self.total:
                self._last = now
                self._draw(now)

    def _draw(self, now: float) -> None:
        frac = min(self.done / self.total, 1.0) if self.total else 1.0
        filled = int(frac * self.width)
        rate = self.done / max(now - self._start, 1e-9)
        bar = "█" * filled + "░" * (self.width - filled)
        self.stream.write(f"\r{self.label} {bar} {self.done}/{self.total} ({rate:,.0f}/s)")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def progress(total: int, label: str, stream=None, enabled: bool | None = None) -> Progress:
    """A bar over `total` items; silent unless `stream` (default stderr) is a terminal."""
    return Progress(total, label, stream=stream, enabled=enabled)
