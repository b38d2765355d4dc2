"""A small district in a history store with board users, and a real uvicorn server for the board tests."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from _history_factory import cases, finding, result
from browser import HEADLESS_FLAGS, browser_required, require_chromium
from auditor.history.store import open_store, record_run, transaction
from auditor.serve import ServeConfig, create_app
from auditor.serve.accounts import add_user

SQUAD_A = "石门二路街道综合行政执法队"
SQUAD_B = "南京西路街道综合行政执法队"
PASSWORDS = {"sup": "supervisor-pass-1", "sqa": "squad-a-pass-01", "sqb": "squad-b-pass-01", "lead": "leader-pass-01"}
PAYLOAD = '<script>window.__pwned=1;alert("x")</script><img src=x onerror="window.__pwned=2">'


def build_store(path: Path) -> Path:
    """Two runs over two squads; squad A has an item whose title and message carry HTML/JS."""
    a1 = [finding(f"R00{i}", f"A-{i}", SQUAD_A, due=date(2025, 6, 20)) for i in range(1, 5)]
    b1 = [finding(f"R00{i}", f"B-{i}", SQUAD_B, due=date(2025, 6, 20), severity="严重") for i in range(1, 4)]
    evil = finding("R009", "A-9", SQUAD_A, due=date(2025, 5, 20))
    evil = replace(evil, title={"zh": "载荷" + PAYLOAD, "en": "payload"},
                   message={"zh": "案件说明 " + PAYLOAD, "en": "payload"})
    table = cases([(f.case_id, f.squad, "巡查发现") for f in a1 + b1 + [evil]])
    record_run(path, result(date(2025, 5, 31), a1 + b1 + [evil], cases=table))
    # The second run: A-1 gone (closed by the audit), the rest persists.
    record_run(path, result(date(2025, 6, 30), a1[1:] + b1 + [evil], cases=table))
    with open_store(path) as conn, transaction(conn):
        add_user(conn, "sup", "监督", PASSWORDS["sup"])
        add_user(conn, "sqa", "中队", PASSWORDS["sqa"], SQUAD_A)
        add_user(conn, "sqb", "中队", PASSWORDS["sqb"], SQUAD_B)
        add_user(conn, "lead", "领导", PASSWORDS["lead"])
    return path


def item_of(db: Path, case_id: str) -> dict:
    with open_store(db, create=False) as conn:
        fp, status, note, squad = conn.execute(
            "SELECT fingerprint, status, note, squad FROM items WHERE case_id = ?", (case_id,)).fetchone()
        events = conn.execute("SELECT COUNT(*) FROM item_events WHERE fingerprint = ?", (fp,)).fetchone()[0]
        version = conn.execute("SELECT MAX(event_id) FROM item_events WHERE fingerprint = ?", (fp,)).fetchone()[0]
    return {"fingerprint": fp, "status": status, "note": note, "squad": squad, "events": events,
            "version": version}


class LiveServer:
    """The board on a free loopback port, served by uvicorn in a thread (as `auditor serve` does)."""

    def __init__(self, config: ServeConfig):
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1", port=self.port,
                                                    log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)


def chromium_or_skip() -> str:
    """The system Chromium and the playwright package that drives it (tests/browser.py decides skip or
    fail when either is missing). Nothing here ever downloads a browser."""
    path = require_chromium()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        why = "the playwright package is missing; the board's browser tests need it"
        if browser_required():
            pytest.fail(why)
        pytest.skip(why)
    return path


CHROMIUM_ARGS = list(HEADLESS_FLAGS)  # the suite's flags for a closed network
