"""Screenshots of the board for docs/screenshots/: the district board and the latest run's data coverage
(supervisor), a squad's items and an item page (squad user), taken in the system's headless Chromium
over a generated district.

    python scripts/serve_screenshots.py [--cases 1500] [--out docs/screenshots]

Needs /usr/bin/chromium (or chromium on PATH) and the playwright package; never downloads a browser.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

import uvicorn  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from auditor.history.store import open_store  # noqa: E402
from auditor.serve import ServeConfig, create_app  # noqa: E402
from serve_district import PASSWORD, build, sample_edits  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def serve(db: Path, exports: Path) -> tuple[uvicorn.Server, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(ServeConfig(db_path=db, exports_root=exports)),
                                           host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def login(browser, base: str, name: str):
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page.goto(base + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    return page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1500)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as tmp:
        db = build(Path(tmp) / "district", args.cases)
        sample_edits(db)
        with open_store(db, create=False) as conn:
            name, squad = conn.execute(
                "SELECT u.name, u.squad FROM users u JOIN items i ON i.squad = u.squad WHERE u.role = '中队'"
                " AND i.status = '整改中' GROUP BY u.name ORDER BY COUNT(*) DESC, u.name LIMIT 1").fetchone()
            fp = conn.execute("SELECT fingerprint FROM items WHERE squad = ? AND status = '整改中'"
                              " ORDER BY fingerprint LIMIT 1", (squad,)).fetchone()[0]
        server, base = serve(db, Path(tmp) / "district" / "exports")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=ARGS)
                sup = login(browser, base, "监督科")
                sup.screenshot(path=str(args.out / "board.png"), full_page=True)
                sup.click("#coverage-summary a")
                sup.screenshot(path=str(args.out / "board-run.png"), full_page=False)
                team = login(browser, base, name)
                team.goto(f"{base}/squads/{quote(squad)}")
                team.screenshot(path=str(args.out / "board-squad.png"), full_page=False)
                team.goto(f"{base}/items/{fp}")
                team.screenshot(path=str(args.out / "board-item.png"), full_page=True)
                browser.close()
        finally:
            server.should_exit = True
    for name in ("board.png", "board-run.png", "board-squad.png", "board-item.png"):
        print(args.out / name)


if __name__ == "__main__":
    main()
