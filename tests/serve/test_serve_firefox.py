"""The board in a real headless Firefox (the system firefox-esr over WebDriver BiDi, tests/firefox.py):
a squad user logs in, updates an item, the supervisor's board changes, and the squad user fails to
reach another squad's item by URL, by form and by download; case text carrying HTML/JS stays text."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from _serve_factory import PASSWORDS, PAYLOAD, SQUAD_A, SQUAD_B, LiveServer, build_store, item_of
from auditor.serve import ServeConfig
from firefox import Firefox, require_firefox

pytestmark = pytest.mark.firefox


@pytest.fixture(scope="module")
def firefox(tmp_path_factory):
    require_firefox()
    with Firefox(tmp_path_factory.mktemp("firefox") / "profile") as browser:
        yield browser  # one browser for the module; each login gets its own user context (cookies)


def login(browser: Firefox, base: str, name: str):
    tab = browser.tab()
    assert tab.goto(base + "/") == 200
    assert "/login" in tab.url()
    tab.type("input[name=name]", name)
    tab.type("input[name=password]", PASSWORDS[name])
    assert tab.click_and_wait("button[type=submit]") == 200
    assert tab.url() == base + "/"
    return tab


def in_progress(tab, squad: str) -> int:
    return int(tab.text(f'#board tr[data-squad="{squad}"] td.c-progress'))


def test_firefox_squad_update_reaches_the_board_and_other_squads_stay_closed(tmp_path, firefox):
    db = build_store(tmp_path / "h.sqlite")
    with LiveServer(ServeConfig(db_path=db)) as server:
        base = server.url
        sup = login(firefox, base, "sup")
        assert sup.count(f'#board tr[data-squad="{SQUAD_B}"]') == 1
        before = in_progress(sup, SQUAD_A)

        squad = login(firefox, base, "sqa")
        assert squad.count(f'#board tr[data-squad="{SQUAD_B}"]') == 0
        assert squad.click_and_wait(f'#board a[href="/squads/{quote(SQUAD_A)}"]') == 200
        target = item_of(db, "A-2")
        assert squad.click_and_wait(f'tr[data-fingerprint="{target["fingerprint"]}"] td:nth-child(4) a') == 200
        squad.select("select[name=status]", "整改中")
        squad.type("textarea[name=note]", "已补正送达回证，待复核")
        squad.type("textarea[name=evidence]", "送达回证 2025-07-02 补登")
        assert squad.click_and_wait("#edit-form button[type=submit]") == 200
        assert "saved=1" in squad.url()
        assert squad.text("#current-status") == "整改中"
        assert "sqa" in squad.text("#history") and "网页" in squad.text("#history")
        stored = item_of(db, "A-2")
        assert stored["status"] == "整改中" and stored["note"] == "已补正送达回证，待复核"
        squad.screenshot(tmp_path / "item.png")
        assert (tmp_path / "item.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

        assert sup.goto(base + "/") == 200
        assert in_progress(sup, SQUAD_A) == before + 1

        # Another squad's item by URL: refused.
        other = item_of(db, "B-1")
        assert squad.goto(f"{base}/items/{other['fingerprint']}") == 403
        assert "无权访问" in squad.text("h1")
        # By download, with the tab's own session cookie.
        status, _ = squad.fetch_status(f"/download/items.csv?squad={quote(SQUAD_B)}")
        assert status == 403
        assert squad.goto(f"{base}/download/items.csv?squad={quote(SQUAD_B)}") == 403
        status, body = squad.fetch_status("/download/items.csv")
        assert status == 200 and "A-2" in body and "B-1" not in body
        # By form: the squad's own item form, pointed at the other squad's item, with its version.
        mine = item_of(db, "A-3")
        assert squad.goto(f"{base}/items/{mine['fingerprint']}") == 200
        squad.evaluate(f"(() => {{ const f = document.querySelector('#edit-form');"
                       f" f.action = '/items/{other['fingerprint']}'; f.version.value = '{other['version']}'; }})()")
        squad.select("select[name=status]", "整改中")
        assert squad.click_and_wait("#edit-form button[type=submit]") == 403
        assert item_of(db, "B-1") == other


def test_firefox_case_text_payload_stays_inert(tmp_path, firefox):
    db = build_store(tmp_path / "h.sqlite")
    with LiveServer(ServeConfig(db_path=db)) as server:
        tab = login(firefox, server.url, "sqa")
        evil = item_of(db, "A-9")
        assert tab.goto(f"{server.url}/squads/{quote(SQUAD_A)}") == 200
        assert tab.goto(f"{server.url}/items/{evil['fingerprint']}") == 200
        assert PAYLOAD in tab.text("h1")  # shown as text, not parsed
        assert tab.evaluate("typeof window.__pwned") == "undefined"
        assert tab.count("main script, main img") == 0
