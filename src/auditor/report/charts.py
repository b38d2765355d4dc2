"""Inline SVG bar charts for the HTML report, drawn in Python (no JavaScript, no network).

Every label is escaped with markupsafe; the result is `Markup` ready to drop into the template.
"""

from __future__ import annotations

from markupsafe import Markup, escape

# Colour-blind-friendly palette (Okabe-Ito plus two), one per theme in THEMES order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#7F7F7F", "#B8860B",
           "#332288", "#117733", "#882255")


def theme_colors(themes: tuple[str, ...]) -> dict[str, str]:
    return {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(themes)}


def _clip(text: str, units: int) -> str:
    """Cut `text` to about `units` Latin-letter widths (a CJK character counts two)."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0x2E80 else 1
        if used > units:
            return text[:i] + "…"
    return text


def stacked_bars(rows: list[tuple[str, dict[str, int]]], series: list[tuple[str, str]],
                 colors: dict[str, str], *, title: str, width: int = 860, label_w: int = 150,
                 bar_h: int = 18, gap: int = 6) -> Markup:
    """One horizontal bar per row, stacked by series; `series` is [(key, legend label)]."""
    legend_h = 22 * ((len(series) + 4) // 5) + 8
    chart_w = width - label_w - 60
    top = legend_h
    height = top + len(rows) * (bar_h + gap) + 10
    biggest = max([sum(v.values()) for _, v in rows] + [1])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">']
    for i, (key, label) in enumerate(series):
        x = label_w + (i % 5) * 135
        y = 6 + (i // 5) * 22
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colors[key]}"/>'
                     f'<text x="{x + 16}" y="{y + 11}" class="legend">{escape(_clip(label, 20))}</text>')
    for r, (name, values) in enumerate(rows):
        y = top + r * (bar_h + gap)
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h - 5}" text-anchor="end" class="label">'
                     f'<title>{escape(name)}</title>{escape(_clip(name, 22))}</text>')
        x = float(label_w)
        total = 0
        for key, label in series:
            v = values.get(key, 0)
            if not v:
                continue
            w = chart_w * v / biggest
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colors[key]}">'
                         f'<title>{escape(name)} · {escape(label)}: {v}</title></rect>')
            x += w
            total += v
        parts.append(f'<text x="{x + 5:.1f}" y="{y + bar_h - 5}" class="value">{total}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def simple_bars(rows: list[tuple[str, str, int, str]], *, title: str, width: int = 860,
                label_w: int = 300, bar_h: int = 16, gap: int = 5) -> Markup:
    """One horizontal bar per (label, tooltip, value, colour)."""
    chart_w = width - label_w - 60
    height = len(rows) * (bar_h + gap) + 10
    biggest = max([v for _, _, v, _ in rows] + [1])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">']
    for r, (label, tip, v, color) in enumerate(rows):
        y = 5 + r * (bar_h + gap)
        w = chart_w * v / biggest
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h - 4}" text-anchor="end" class="label">'
                     f'<title>{escape(tip)}</title>{escape(_clip(label, 42))}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{color}">'
                     f'<title>{escape(tip)}: {v}</title></rect>'
                     f'<text x="{label_w + w + 5:.1f}" y="{y + bar_h - 4}" class="value">{v}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))

