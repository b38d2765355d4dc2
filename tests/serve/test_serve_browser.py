"""The board in a real headless Chromium (the system browser, driven by playwright; nothing is downloaded):
a supervisor and a squad user log in, the squad updates an item, the supervisor's board changes, and the
squad user fails to reach another squad's item by URL, by form and by download."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from _serve_factory import (
    CHROMIUM_ARGS, PASSWORDS, SQUAD_A, SQUAD_B, LiveServer, build_store, chromium_or_skip, item_of,
)
from auditor.serve import ServeConfig

pytestmark = pytest.mark.browser


@pytest.fixture
def browser():
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def login(browser, base: str, name: str):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base + "/")
    assert "/login" in page.url
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    page.dialogs = dialogs
    return page


def cell(page, squad: str, index: int) -> str:
    return page.locator(f'#board tr[data-squad="{squad}"] td').nth(index).inner_text().strip()


def test_squad_update_reaches_the_board_and_other_squads_stay_closed(tmp_path, browser):
    db = build_store(tmp_path / "h.sqlite")
    with LiveServer(ServeConfig(db_path=db)) as server:
        base = server.url
        sup = login(browser, base, "sup")
        assert sup.locator(f'#board tr[data-squad="{SQUAD_B}"]').count() == 1
        in_progress_before = int(cell(sup, SQUAD_A, 3))

        squad = login(browser, base, "sqa")
        assert squad.locator(f'#board tr[data-squad="{SQUAD_B}"]').count() == 0
        squad.click(f'#board a[href="/squads/{quote(SQUAD_A)}"]')
        target = item_of(db, "A-2")
        squad.click(f'tr[data-fingerprint="{target["fingerprint"]}"] td:nth-child(4) a')
        squad.select_option("select[name=status]", "整改中")
        squad.fill("textarea[name=note]", "已补正送达回证，待复核")
        squad.fill("textarea[name=evidence]", "送达回证 2025-07-02 补登")
        squad.click("#edit-form button[type=submit]")
        squad.wait_for_url("**saved=1")
        assert squad.inner_text("#current-status") == "整改中"
        assert "sqa" in squad.inner_text("#history") and "网页" in squad.inner_text("#history")
        assert item_of(db, "A-2")["status"] == "整改中"

        sup.reload()
        assert int(cell(sup, SQUAD_A, 3)) == in_progress_before + 1

        # Another squad's item by URL: refused.
        other = item_of(db, "B-1")
        response = squad.goto(f"{base}/items/{other['fingerprint']}")
        assert response.status == 403 and "无权访问" in squad.inner_text("h1")
        # By download, through the browser's own session.
        assert squad.request.get(f"{base}/download/items.csv?squad={quote(SQUAD_B)}").status == 403
        own = squad.request.get(f"{base}/download/items.csv")
        assert own.status == 200 and "B-1" not in own.text() and "A-2" in own.text()
        # By form: the squad's own item form, pointed at the other squad's item, with its version.
        mine = item_of(db, "A-3")
        squad.goto(f"{base}/items/{mine['fingerprint']}")
        squad.eval_on_selector("#edit-form", "(f, a) => { f.action = a[0]; f.version.value = a[1]; }",
                               [f"/items/{other['fingerprint']}", str(other["version"])])
        squad.select_option("select[name=status]", "整改中")
        with squad.expect_navigation() as nav:
            squad.click("#edit-form button[type=submit]")
        assert nav.value.status == 403
        assert item_of(db, "B-1") == other


def test_case_text_payload_stays_inert_in_the_browser(tmp_path, browser):
    db = build_store(tmp_path / "h.sqlite")
    with LiveServer(ServeConfig(db_path=db)) as server:
        page = login(browser, server.url, "sqa")
        evil = item_of(db, "A-9")
        page.goto(f"{server.url}/squads/{quote(SQUAD_A)}")
        page.goto(f"{server.url}/items/{evil['fingerprint']}")
        assert "<script>window.__pwned" in page.inner_text("h1")  # shown as text
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("main script, main img").count() == 0
        assert page.dialogs == []
