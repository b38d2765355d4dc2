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


def _char_px(ch: str) -> float:
    """About how wide one character is at the charts' 12px font (CJK full width, capitals wider)."""
    if ord(ch) > 0x2E80:
        return 12.0
    if ch.isupper() or ch.isdigit():
        return 7.8
    if ch in " -.,:;'()[]|/":
        return 4.0
    return 6.6


def text_px(text: str) -> float:
    return sum(_char_px(ch) for ch in text)


def _clip(text: str, px: float) -> str:
    """Cut `text` to fit about `px` pixels, with an ellipsis when cut."""
    if text_px(text) <= px:
        return text
    used = _char_px("…")
    for i, ch in enumerate(text):
        used += _char_px(ch)
        if used > px:
            return text[:i] + "…"
    return text


def _label_width(names: list[str], least: int, most: int) -> int:
    """Room for the longest label, within [least, most] pixels."""
    return int(min(max([least] + [text_px(n) + 14 for n in names]), most))


def stacked_bars(rows: list[tuple[str, dict[str, int]]], series: list[tuple[str, str]],
                 colors: dict[str, str], *, title: str, width: int = 860, label_w: int | None = None,
                 bar_h: int = 18, gap: int = 6) -> Markup:
    """One horizontal bar per row, stacked by series; `series` is [(key, legend label)]. The label
    column fits the longest row name (a squad's full name) up to 260 px."""
    label_w = label_w or _label_width([name for name, _ in rows], 120, 260)
    legend_h = 22 * ((len(series) + 4) // 5) + 8
    chart_w = width - label_w - 60
    top = legend_h
    height = top + len(rows) * (bar_h + gap) + 10
    biggest = max([sum(v.values()) for _, v in rows] + [1])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">']
    for i, (key, label) in enumerate(series):
        x = min(label_w, width - 5 * 150) + (i % 5) * 150
        y = 6 + (i // 5) * 22
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colors[key]}"/>'
                     f'<text x="{x + 16}" y="{y + 11}" class="legend">{escape(_clip(label, 130))}</text>')
    for r, (name, values) in enumerate(rows):
        y = top + r * (bar_h + gap)
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h - 5}" text-anchor="end" class="label">'
                     f'<title>{escape(name)}</title>{escape(_clip(name, label_w - 12))}</text>')
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
                label_w: int | None = None, bar_h: int = 16, gap: int = 5) -> Markup:
    """One horizontal bar per (label, tooltip, value, colour); the label column fits up to 420 px."""
    label_w = label_w or _label_width([label for label, _, _, _ in rows], 160, 420)
    chart_w = width - label_w - 60
    height = len(rows) * (bar_h + gap) + 10
    biggest = max([v for _, _, v, _ in rows] + [1])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">']
    for r, (label, tip, v, color) in enumerate(rows):
        y = 5 + r * (bar_h + gap)
        w = chart_w * v / biggest
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h - 4}" text-anchor="end" class="label">'
                     f'<title>{escape(tip)}</title>{escape(_clip(label, label_w - 12))}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{color}">'
                     f'<title>{escape(tip)}: {v}</title></rect>'
                     f'<text x="{label_w + w + 5:.1f}" y="{y + bar_h - 4}" class="value">{v}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))

