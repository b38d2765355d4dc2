"""Plain-text tables for the terminal: column widths that count a Chinese character as two cells."""

from __future__ import annotations

from auditor.textwidth import display_width  # noqa: F401 (re-exported for the history modules)


def percent(value) -> str:
    """0.3333 -> '33.3%'; missing -> '—'."""
    if value is None or value != value:  # None or NaN
        return "—"
    return f"{value * 100:.1f}%"


def signed_points(value) -> str:
    """A change of rate in percentage points: +12.5 / -3.0 / —."""
    if value is None or value != value:
        return "—"
    return f"{value * 100:+.1f}"


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(display_width(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c + " " * (w - display_width(c)) for c, w in zip(row, widths)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
