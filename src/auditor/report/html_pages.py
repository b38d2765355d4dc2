"""A large HTML report split into pages a browser opens at once.

Up to `inline_limit` findings the report is one file (report.html, as `render_html` makes it). Past
that, report.html is the summary (headline, ranking, charts, the first early warnings, load counts,
profile) and links into `report_pages/` beside it:

    report_pages/squad-001.html, squad-001-2.html, ...   one squad's findings, `rows_per_page` a page
    report_pages/squad-001-cases-1.html, ...             its case pages, `cases_per_page` cases a file

Squads are numbered in name order, so a link names the same squad in every run of the same district.
Every page is self-contained (inline CSS, the same hashed filter script, no network) and prints on
its own. Nothing is capped in this form: every finding and every case with findings has its page.
The pages are written into a fresh folder that replaces the old one, then report.html last, so a
reader never follows a link into a half-written or stale folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from auditor.atomic import atomic_write_text
from auditor.findings import SEVERITIES
from auditor.report import labels
from auditor.report.common import rule_attr, source_of
from auditor.report.html import (
    DEFAULT_MAX_CASE_SECTIONS, DEFAULT_MAX_TABLE_ROWS, MAX_LOAD_ROWS, build_context, page_context, reading_order,
    render, render_html, warning_view,
)
from auditor.report.html_cases import case_lookups, case_pages, finding_view, group_by_case
from auditor.report.summary import SquadSummary, summarize

INLINE_LIMIT = 2000  # findings up to which the report stays one file
ROWS_PER_PAGE = 2000  # findings per squad page (~1.5 MB of HTML)
CASES_PER_PAGE = 200  # case pages per file (~1 MB)


def pages_dir(path: Path) -> Path:
    """report.html -> report_pages/ beside it."""
    return path.with_name(f"{path.stem}_pages")


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def _pager(label: str, names: list[str], current: int | None) -> dict[str, Any]:
    links = [(str(i + 1), None if i == current else name) for i, name in enumerate(names)]
    return {"label": label, "links": links, "show": any(href for _, href in links)}


def render_pages(result: Any, *, lang: str = "zh", show_personal_data: bool = False,
                 max_case_sections: int = DEFAULT_MAX_CASE_SECTIONS,
                 max_table_rows: int = DEFAULT_MAX_TABLE_ROWS, inline_limit: int | None = None,
                 rows_per_page: int | None = None, cases_per_page: int | None = None,
                 folder: str = "report_pages", on_page=None) -> tuple[str, dict[str, str]]:
    """(report.html, {file name in `folder`: page}); the dict is empty when the report is one page.
    `on_page(done, total)` is called after each page (progress on a terminal)."""
    inline_limit = INLINE_LIMIT if inline_limit is None else inline_limit
    if len(result.findings) <= inline_limit:
        return render_html(result, lang=lang, show_personal_data=show_personal_data,
                           max_case_sections=max_case_sections, max_table_rows=max_table_rows), {}
    rows_per_page = max(1, ROWS_PER_PAGE if rows_per_page is None else rows_per_page)
    cases_per_page = max(1, CASES_PER_PAGE if cases_per_page is None else cases_per_page)
    summary = summarize(result)
    ordered = reading_order(result.findings, summary)
    by_squad: dict[str, list] = {}
    for f in ordered:
        by_squad.setdefault(f.squad, []).append(f)
    numbers = {squad: i + 1 for i, squad in enumerate(sorted(by_squad))}
    stats = {s.squad: s for s in summary.squads}
    rules = {str(rule_attr(r, "id")): r for r in result.rules}
    sources = source_of(result)
    lookups = case_lookups(result, list(group_by_case(ordered)))
    base = {**page_context(result, lang, show_personal_data),
            "themes": [(t, labels.theme_label(t, lang)) for t in summary.themes]}
    warnings_by_squad: dict[str, list] = {}
    for w in result.warnings:
        warnings_by_squad.setdefault(w.squad, []).append(w)

    plans = []
    for squad in [s.squad for s in summary.squads if s.squad in by_squad] + \
            sorted(s for s in by_squad if s not in stats):
        stem = f"squad-{numbers[squad]:03d}"
        fs = by_squad[squad]
        grouped = group_by_case(fs)
        case_chunks = _chunks(list(grouped), cases_per_page)
        case_files = [f"{stem}-cases-{k + 1}.html" for k in range(len(case_chunks))]
        href: dict[str, str] = {}
        for k, chunk in enumerate(case_chunks):
            for j, cid in enumerate(chunk):
                href[cid] = f"{case_files[k]}#case-{j + 1}"
        row_chunks = _chunks(fs, rows_per_page)
        table_files = [f"{stem}.html"] + [f"{stem}-{p + 1}.html" for p in range(1, len(row_chunks))]
        plans.append((squad, fs, grouped, case_chunks, case_files, href, row_chunks, table_files))

    total = sum(len(p[4]) + len(p[7]) for p in plans) + 1
    done = 0
    out: dict[str, str] = {}
    for squad, fs, grouped, case_chunks, case_files, href, row_chunks, table_files in plans:
        sq = stats.get(squad)
        squad_view = _squad_view(squad, sq, fs, lang)
        warnings = warnings_by_squad.get(squad, [])
        shown = warnings[:MAX_LOAD_ROWS]
        case_nav = labels.text("cases_section", lang)
        for p, chunk in enumerate(row_chunks):
            table = [dict(finding_view(f, lang, show_personal_data, rules), href=href.get(f.case_id, ""))
                     for f in chunk]
            out[table_files[p]] = render("squad.html.j2", {
                **base, "page_title": squad, "home": f"../{_main_name(folder)}", "squad": squad_view,
                "show_warnings": p == 0, "warnings": [warning_view(w, lang) for w in shown],
                "warnings_note": labels.text("cap_warnings", lang, cap=len(shown), n=len(warnings))
                if len(warnings) > len(shown) else "",
                "table": table, "filter_squads": [squad],
                "table_note": labels.text("page_rows", lang, a=p * rows_per_page + 1,
                                          b=p * rows_per_page + len(chunk), n=len(fs)) if len(row_chunks) > 1 else "",
                "table_pager": _pager(labels.text("findings_pages", lang), table_files, p),
                "case_pager": _pager(case_nav, case_files, None),
            })
            done += 1
            if on_page:
                on_page(done, total)
        for k, chunk in enumerate(case_chunks):
            anchors = {cid: f"case-{j + 1}" for j, cid in enumerate(chunk)}
            out[case_files[k]] = render("cases.html.j2", {
                **base, "page_title": f"{squad} · {case_nav} {k + 1}", "home": f"../{_main_name(folder)}",
                "squad_href": table_files[0], "squad_name": squad,
                "case_pager": _pager(case_nav, case_files, k),
                "pages": case_pages(grouped, chunk, anchors, lookups, lang, show_personal_data, sources, rules),
            })
            done += 1
            if on_page:
                on_page(done, total)

    index = [{
        "squad": squad, "href": f"{folder}/{table_files[0]}", "findings": len(fs),
        "by_severity": [sum(1 for f in fs if f.severity == s) for s in SEVERITIES],
        "table_links": [(str(i + 1), f"{folder}/{name}") for i, name in enumerate(table_files)],
        "case_links": [(str(i + 1), f"{folder}/{name}") for i, name in enumerate(case_files)],
    } for squad, fs, _, _, case_files, _, _, table_files in plans]
    main = render("report.html.j2", build_context(
        result, lang=lang, show_personal_data=show_personal_data, summary=summary,
        paged={"squads": index, "links": {row["squad"]: row["href"] for row in index}}))
    if on_page:
        on_page(total, total)
    return main, out


def _main_name(folder: str) -> str:
    return folder[: -len("_pages")] + ".html" if folder.endswith("_pages") else "report.html"


def _squad_view(squad: str, sq: SquadSummary | None, fs: list, lang: str) -> dict[str, Any]:
    counts = {s: 0 for s in SEVERITIES}
    for f in fs:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return {
        "squad": squad, "rank": sq.rank if sq else None, "cases": sq.cases if sq else "—",
        "cases_with_findings": sq.cases_with_findings if sq else len({f.case_id for f in fs}),
        "findings": len(fs), "score": f"{sq.score:.2f}" if sq else "—", "warnings": sq.warnings if sq else 0,
        "by_severity": [(labels.severity_label(s, lang), counts.get(s, 0), f"sev{i}")
                        for i, s in enumerate(SEVERITIES)],
    }


def write_pages(result: Any, path: str | Path, *, on_page=None, **kwargs: Any) -> list[Path]:
    """Write report.html (and, for a large report, its pages folder); returns every file written."""
    path = Path(path)
    folder = pages_dir(path)
    main, pages = render_pages(result, folder=folder.name, on_page=on_page, **kwargs)
    written: list[Path] = []
    if pages:
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=path.parent))
        try:
            for name, html in pages.items():
                (fresh / name).write_bytes(html.encode("utf-8"))
            os.chmod(fresh, 0o755)
            _replace_dir(fresh, folder)
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        written = [folder / name for name in pages]
    elif folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder)  # a one-page report replaces an earlier paged one entirely
    return [atomic_write_text(path, main), *written]


def _replace_dir(fresh: Path, target: Path) -> None:
    """Move `fresh` to `target`, replacing an earlier pages folder (never following a symlink)."""
    old = None
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        old.rmdir()
        os.replace(target, old)
    os.replace(fresh, target)
    if old is not None:
        with contextlib.suppress(OSError):
            shutil.rmtree(old)


__all__ = ["CASES_PER_PAGE", "INLINE_LIMIT", "ROWS_PER_PAGE", "pages_dir", "render_pages", "write_pages"]


def write_html(result: Any, path: str | Path, **kwargs: Any) -> list[Path]:
    """Write the report: report.html alone, or with its squad and case pages beside it."""
    return write_pages(result, path, **kwargs)
