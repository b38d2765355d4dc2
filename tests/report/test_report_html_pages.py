"""A large HTML report is split: a summary page, squad pages, case pages; every link lands."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import lxml.html
import pytest

from _report_factory import district_result, small_result
from auditor.report import write_reports
from auditor.report.html import SCRIPT
from auditor.report.html_pages import pages_dir, render_pages, write_pages

SMALL = {"inline_limit": 100, "rows_per_page": 150, "cases_per_page": 40}


@pytest.fixture(scope="module")
def district():
    return district_result(3000, seed=3, squads=6)


@pytest.fixture(scope="module")
def paged(district):
    return render_pages(district, **SMALL)


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


def test_small_report_stays_one_page():
    main, pages = render_pages(small_result())
    assert pages == {}
    assert 'id="findings-table"' in main and '<section class="case"' in main and "report_pages/" not in main


def test_summary_page_links_every_squad_and_holds_no_findings(district, paged):
    main, pages = paged
    assert len(district.findings) > SMALL["inline_limit"]
    assert 'id="findings-table"' not in main and '<section class="case"' not in main
    assert 'id="headline"' in main and 'id="squad-table"' in main and 'id="load"' in main
    squads = {f.squad for f in district.findings}
    ranking = re.search(r'<table id="squad-table">.*?</table>', main, flags=re.S).group(0)
    linked = re.findall(r'<td><a href="report_pages/(squad-\d{3})\.html">([^<]+)</a>', ranking)
    assert {name for _, name in linked} == squads
    assert len({stem for stem, _ in linked}) == len(squads)  # one page set per squad
    assert f"共 {len(district.findings)} 条问题" in main


def test_every_finding_and_case_is_on_exactly_one_page(district, paged):
    _, pages = paged
    rows = Counter()
    cases = Counter()
    for name, html in pages.items():
        if "-cases-" in name:
            cases.update(re.findall(r'<h3 class="case-title">(\S+) · ', html))
            assert 'id="findings-table"' not in html
        else:
            for squad in re.findall(r'<tr data-squad="([^"]+)"', html):
                rows[squad] += 1
    assert rows == Counter(f.squad for f in district.findings)
    with_findings = {f.case_id for f in district.findings}
    assert set(cases) == with_findings and max(cases.values()) == 1
    # Pages hold at most the configured rows / cases.
    for name, html in pages.items():
        if "-cases-" in name:
            assert html.count('<section class="case"') <= SMALL["cases_per_page"]
        else:
            assert html.count("<tr data-squad=") <= SMALL["rows_per_page"]


def test_every_link_lands_on_a_page_and_an_anchor(paged):
    main, pages = paged
    files = {"report.html": main, **{f"report_pages/{n}": h for n, h in pages.items()}}
    ids = {name: _ids(html) for name, html in files.items()}
    checked = 0
    for name, html in files.items():
        here = Path(name).parent
        for href in re.findall(r'href="([^"]+)"', html):
            target, _, anchor = href.partition("#")
            resolved = str(Path("/", here, target).resolve())[1:] if target else name
            assert resolved in files, f"{name}: link to missing {href}"
            if anchor:
                assert anchor in ids[resolved], f"{name}: {href} names no element"
            checked += 1
    assert checked > len(pages)


def test_each_page_is_self_contained_with_the_hashed_script(paged):
    main, pages = paged
    for html in [main, *pages.values()]:
        assert re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S) == [SCRIPT]
        assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", html)
        assert "<link" not in html and "@import" not in html and "@media print" in html
        assert "静安区" in html  # the profile in force is on every page


def test_payloads_escaped_on_squad_and_case_pages():
    r = small_result()
    _, pages = render_pages(r, inline_limit=1, rows_per_page=2, cases_per_page=1)
    text = "".join(pages.values())
    assert pages and "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in text
    assert "<img" not in text and "张三" not in text


def test_write_replaces_the_pages_folder_and_returns_every_file(district, tmp_path):
    path = tmp_path / "report.html"
    written = write_pages(district, path, **SMALL)
    folder = pages_dir(path)
    assert written[0] == path and set(written[1:]) == set(folder.iterdir())
    stale = folder / "squad-999.html"
    stale.write_text("old", encoding="utf-8")
    again = write_pages(district, path, **SMALL)
    assert not stale.exists() and len(again) == len(written)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left
    write_pages(small_result(), path)  # now small: one page, and the folder goes
    assert not folder.exists() and 'id="findings-table"' in path.read_text("utf-8")


def test_reports_of_one_run_write_the_pages_once(district, tmp_path, monkeypatch):
    import auditor.report.html_pages as html_pages

    monkeypatch.setattr(html_pages, "INLINE_LIMIT", 100)
    monkeypatch.setattr(html_pages, "ROWS_PER_PAGE", 500)
    monkeypatch.setattr(html_pages, "CASES_PER_PAGE", 100)
    written = write_reports(district, tmp_path, ["html"])
    assert written[0] == tmp_path / "report.html" and (tmp_path / "report_pages").is_dir()
    assert len(written) == 1 + len(list((tmp_path / "report_pages").iterdir()))
    for p in written:
        lxml.html.fromstring(p.read_bytes())  # parses


# --- headless Chromium ------------------------------------------------------------------------

def _dump_dom(url: str, tmp_path: Path) -> str:
    chromium = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
                    None)
    if chromium is None:
        pytest.fail("Chromium not found: install it (apt-get install -y chromium fonts-noto-cjk)")
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
           f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


@pytest.mark.browser
def test_paged_report_opens_in_chromium(district, tmp_path):
    path = tmp_path / "report.html"
    write_pages(district, path, **SMALL)
    dom = _dump_dom(path.as_uri(), tmp_path)
    assert 'data-ready="1"' in dom and 'id="squad-pages"' in dom
    squad_page = pages_dir(path) / "squad-001.html"
    static = squad_page.read_text("utf-8")
    serious = static.count('data-severity="严重"')
    assert 0 < serious < static.count("<tr data-squad=")
    dom = _dump_dom(squad_page.as_uri() + "#severity=%E4%B8%A5%E9%87%8D", tmp_path)
    assert 'data-ready="1"' in dom  # the same hashed script runs on a squad page
    rows = re.findall(r'<tr data-squad="[^"]+" data-theme="[^"]*" data-severity="([^"]+)"( hidden="")?', dom)
    visible = [v for v, hidden in rows if not hidden]
    assert visible == ["严重"] * serious
    assert re.search(rf'<b id="f-count">{serious}</b>', dom)
    case_page = pages_dir(path) / "squad-001-cases-1.html"
    dom = _dump_dom(case_page.as_uri(), tmp_path)
    assert 'data-ready="1"' in dom and dom.count('<section class="case"') == SMALL["cases_per_page"]


def test_cli_names_the_pages_folder_once(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import auditor.report.html_pages as html_pages
    from auditor.cli import main
    from auditor.generate import generate_export

    generate_export(tmp_path / "in", 60, 5, violation_rate=1.0, forms=("xml",))
    monkeypatch.setattr(html_pages, "INLINE_LIMIT", 1)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["audit", str(tmp_path / "in" / "xml"), "--as-of", "2026-11-25", "--out", str(out),
                                    "--format", "html", "--no-history"])
    assert res.exit_code in (0, 1), res.output
    n = len(list((out / "report_pages").iterdir()))
    assert n > 2 and f"已写入 {out / 'report_pages'}/（{n} 个页面）" in res.output
    assert "squad-001.html" not in res.output and f"已写入 {out / 'report.html'}" in res.output
