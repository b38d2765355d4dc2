"""The HTML report's 销项进度 chart in a real headless Chromium (the system browser driven by playwright;
nothing is downloaded): one panel per squad, a bar per month for the open items, a line for 销项率."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from auditor.cli import main
from browser import HEADLESS_FLAGS, require_chromium
from auditor.history import squad_status, squad_trend

pytestmark = pytest.mark.browser
MONTHS = (date(2026, 9, 30), date(2026, 10, 31))


def test_progress_chart_renders_in_chromium(tmp_path):
    db = tmp_path / "reports" / "auditor-history.sqlite"
    for day in MONTHS:
        export = tmp_path / "exports" / day.isoformat()
        res = CliRunner().invoke(main, ["generate", "--cases", "200", "--seed", "4", "--out", str(export), "--form",
                                        "xml", "--as-of", "2026-11-25", "--view-as-of", day.isoformat(),
                                        "--violation-rate", "0.3"])
        assert res.exit_code == 0, res.output
        res = CliRunner().invoke(main, ["audit", str(export / "xml"), "--as-of", day.isoformat(), "--out",
                                        str(tmp_path / "reports" / day.strftime("%Y-%m")), "--history", str(db),
                                        "--format", "html"])
        assert res.exit_code in (0, 1), res.output
    trend = squad_trend(db)
    squads = sorted(trend["squad"].unique())
    report = tmp_path / "reports" / "2026-10" / "report.html"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=require_chromium(), args=list(HEADLESS_FLAGS))
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(report.as_uri())
            chart = page.locator("#progress-chart")
            box = chart.bounding_box()
            assert box and box["width"] > 600 and box["height"] > 100
            panels = page.locator("#progress-chart g.panel")
            assert panels.count() == len(squads)
            assert [panels.nth(i).get_attribute("data-squad") for i in range(len(squads))] == squads
            busiest = trend.assign(n=trend["open"] + trend["in_progress"]).sort_values(["n", "squad"]).iloc[-1]
            panel = page.locator(f'#progress-chart g.panel[data-squad="{busiest["squad"]}"]')
            bars = panel.locator("rect.bar")
            assert bars.count() == 2  # one per month
            heights = [bars.nth(i).bounding_box()["height"] for i in range(2)]
            assert max(heights) > 10  # the busiest squad's bar is drawn, not collapsed
            assert panel.locator("circle.rate").count() == 2
            rows = page.locator("#progress-table tbody tr")
            assert rows.count() == len(squads) + 1 and "全区合计" in rows.nth(len(squads)).inner_text()
            status = squad_status(db, MONTHS[1], total=True)
            cols = (0, 1, 2, 5, 6, 7, 8)  # squad, items, to do, closed (incl. exempt), exempt, reopened, overdue
            shown = [[rows.nth(i).locator("td").nth(c).inner_text() for c in cols] for i in range(rows.count())]
            assert shown == [[str(v) for v in r] for r in zip(
                status["squad"], status["items"], status["open"], status["closed"], status["exempt"],
                status["month_reopened"], status["overdue"])]
            shot = tmp_path / "progress.png"
            chart.screenshot(path=str(shot))
            assert shot.stat().st_size > 5000
        finally:
            browser.close()
