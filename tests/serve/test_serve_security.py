"""The board's server-side checks, over HTTP with Starlette's test client: login, sessions, CSRF,
squad rights on every route (pages, forms, downloads), lock-out, version check, inert case text."""

from __future__ import annotations

import re
import shutil
import warnings
from datetime import timedelta
from urllib.parse import quote

import pytest

from _serve_factory import PASSWORDS, PAYLOAD, SQUAD_A, SQUAD_B, build_store, item_of
from auditor.history.store import open_store
from auditor.serve import ServeConfig, create_app
from auditor.serve.accounts import MAX_FAILURES
from auditor.serve.sessions import SessionPolicy

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture(scope="module")
def template_store(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("store") / "h.sqlite")


@pytest.fixture
def db(template_store, tmp_path):
    """A fresh copy per test (hashing the users' passwords once is what takes the time)."""
    with open_store(template_store, create=False) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(template_store, tmp_path / "h.sqlite")
    return tmp_path / "h.sqlite"


def client(db, policy=None) -> TestClient:
    return TestClient(create_app(ServeConfig(db_path=db, policy=policy or SessionPolicy())), follow_redirects=True)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def login(c: TestClient, name: str, password: str | None = None):
    page = c.get("/login")
    return c.post("/login", data={"name": name, "password": password or PASSWORDS[name], "csrf": csrf_of(page.text),
                                  "next": "/"})


def edit_form(c: TestClient, fingerprint: str) -> dict:
    page = c.get(f"/items/{fingerprint}")
    assert page.status_code == 200, page.text
    return {"csrf": csrf_of(page.text), "version": re.search(r'name="version" value="(\d+)"', page.text).group(1)}


def test_pages_need_login(db):
    c = client(db)
    for path in ("/", f"/squads/{quote(SQUAD_A)}", "/runs", "/download/items.csv"):
        r = c.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path
    a = item_of(db, "A-2")
    r = c.post(f"/items/{a['fingerprint']}", data={"status": "整改中", "version": a["version"]}, follow_redirects=False)
    assert r.status_code == 401
    assert item_of(db, "A-2") == a


def test_session_cookie_flags_and_logout(db):
    c = client(db)
    r = login(c, "sqa")
    assert r.status_code == 200 and "石门二路" in r.text
    cookie = next(h for h in r.history[0].headers.get_list("set-cookie") if h.startswith("auditor_session="))
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert "secure" not in cookie.lower()  # plain HTTP on loopback; HTTPS sets Secure (below)
    # The store keeps only the token's hash.
    token = cookie.split(";")[0].split("=", 1)[1]
    with open_store(db, create=False) as conn:
        stored = [r[0] for r in conn.execute("SELECT token_sha256 FROM sessions")]
    assert token not in stored and len(stored) == 1
    # Logout needs the CSRF token, then ends the session for good.
    assert c.post("/logout", data={}, follow_redirects=False).status_code == 403
    home = c.get("/")
    assert c.post("/logout", data={"csrf": csrf_of(home.text)}, follow_redirects=False).status_code == 303
    c.cookies.set("auditor_session", token)
    assert c.get("/", follow_redirects=False).status_code == 303


def test_secure_cookie_over_https(db):
    c = TestClient(create_app(ServeConfig(db_path=db)), base_url="https://testserver")
    r = login(c, "sup")
    cookie = next(h for h in r.history[0].headers.get_list("set-cookie") if h.startswith("auditor_session="))
    assert "secure" in cookie.lower()


def test_session_expires_when_idle_or_too_old(db):
    c = client(db, SessionPolicy(lifetime=timedelta(hours=8), idle=timedelta(seconds=0)))
    login(c, "sup")
    assert c.get("/", follow_redirects=False).status_code == 303
    c = client(db, SessionPolicy(lifetime=timedelta(seconds=0), idle=timedelta(hours=1)))
    login(c, "sup")
    assert c.get("/", follow_redirects=False).status_code == 303
    with open_store(db, create=False) as conn:  # expired sessions are deleted, not kept
        assert conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0


def test_csrf_missing_or_wrong_is_refused(db):
    c = client(db)
    login(c, "sqa")
    a = item_of(db, "A-2")
    form = edit_form(c, a["fingerprint"])
    for data in ({"version": form["version"], "status": "整改中"},
                 {"version": form["version"], "status": "整改中", "csrf": "x" * 43},
                 {"version": form["version"], "status": "整改中", "csrf": ""}):
        r = c.post(f"/items/{a['fingerprint']}", data=data)
        assert r.status_code == 403 and "CSRF" in r.text
    assert item_of(db, "A-2") == a
    # The login form has its own token (double-submit cookie).
    c2 = client(db)
    c2.get("/login")
    r = c2.post("/login", data={"name": "sup", "password": PASSWORDS["sup"], "csrf": "forged"})
    assert r.status_code == 403
    with open_store(db, create=False) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 1  # only sqa's


def test_squad_user_cannot_reach_other_squad(db):
    c = client(db)
    login(c, "sqa")
    b = item_of(db, "B-1")
    assert c.get(f"/items/{b['fingerprint']}").status_code == 403
    assert c.get(f"/squads/{quote(SQUAD_B)}").status_code == 403
    assert c.get("/cases/B-1").status_code == 403
    assert c.get(f"/download/items.csv?squad={quote(SQUAD_B)}").status_code == 403
    assert c.get(f"/download/items.xlsx?squad={quote(SQUAD_B)}").status_code == 403
    own = c.get("/download/items.csv")
    assert own.status_code == 200 and "A-2" in own.text and "B-1" not in own.text
    board = c.get("/")
    assert SQUAD_A in board.text and SQUAD_B not in board.text
    # A direct POST with a valid session, CSRF token and version: 403, nothing written.
    own_form = edit_form(c, item_of(db, "A-2")["fingerprint"])
    r = c.post(f"/items/{b['fingerprint']}", data={"csrf": own_form["csrf"], "version": b["version"],
                                                   "status": "整改中", "note": "越权"})
    assert r.status_code == 403
    assert item_of(db, "B-1") == b


def test_leader_reads_everything_changes_nothing(db):
    c = client(db)
    login(c, "lead")
    b = item_of(db, "B-1")
    page = c.get(f"/items/{b['fingerprint']}")
    assert page.status_code == 200 and 'id="edit-form"' not in page.text
    r = c.post(f"/items/{b['fingerprint']}", data={"csrf": csrf_of(page.text), "version": b["version"],
                                                   "status": "整改中"})
    assert r.status_code == 403
    assert item_of(db, "B-1") == b
    assert c.get("/audit").status_code == 403


def test_update_is_recorded_with_user_and_version_checked(db):
    c = client(db)
    login(c, "sqa")
    a = item_of(db, "A-2")
    form = edit_form(c, a["fingerprint"])
    r = c.post(f"/items/{a['fingerprint']}", data={**form, "status": "整改中", "note": "已补正送达回证",
                                                   "evidence": "补正文书 静城管罚〔2025〕12号"})
    assert r.status_code == 200 and "已保存" in r.text
    after = item_of(db, "A-2")
    assert after["status"] == "整改中" and after["note"] == "已补正送达回证" and after["events"] == a["events"] + 1
    with open_store(db, create=False) as conn:
        source, actor, old, new, evidence = conn.execute(
            "SELECT source, actor, old_status, new_status, evidence FROM item_events WHERE fingerprint = ?"
            " ORDER BY event_id DESC LIMIT 1", (a["fingerprint"],)).fetchone()
    assert (source, actor, old, new) == ("web", "sqa", "待整改", "整改中") and "12号" in evidence
    assert "sqa" in r.text and "网页" in r.text  # the history table on the item page
    # The same (now stale) form again: refused as a conflict, nothing overwritten.
    r = c.post(f"/items/{a['fingerprint']}", data={**form, "status": "已销项"})
    assert r.status_code == 409 and "已被他人" in r.text
    assert item_of(db, "A-2") == after


def test_transitions_enforced_on_server(db):
    c = client(db)
    login(c, "sup")
    closed = item_of(db, "A-1")  # closed by the second run
    assert closed["status"] == "已销项"
    form = edit_form(c, closed["fingerprint"])
    for status in ("待整改", "已豁免", "随便"):
        r = c.post(f"/items/{closed['fingerprint']}", data={**form, "status": status})
        assert r.status_code == 422, status
    assert item_of(db, "A-1") == closed


def test_case_text_is_inert(db):
    c = client(db)
    login(c, "sqa")
    evil = item_of(db, "A-9")
    for path in (f"/items/{evil['fingerprint']}", f"/squads/{quote(SQUAD_A)}"):
        r = c.get(path)
        assert r.status_code == 200
        assert "<script>window.__pwned" not in r.text and "<img src=x" not in r.text
        assert "&lt;script&gt;window.__pwned" in r.text
        assert "script-src 'self'" in r.headers["content-security-policy"]
    # A note with markup is stored as text and shown escaped.
    form = edit_form(c, evil["fingerprint"])
    c.post(f"/items/{evil['fingerprint']}", data={**form, "note": PAYLOAD})
    page = c.get(f"/items/{evil['fingerprint']}")
    assert item_of(db, "A-9")["note"] == PAYLOAD and "<img src=x" not in page.text
    # In the CSV download it is text, and formula-looking cells are neutralised.
    form = edit_form(c, evil["fingerprint"])
    c.post(f"/items/{evil['fingerprint']}", data={**form, "note": "=HYPERLINK(\"http://x\")"})
    csv_text = c.get("/download/items.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text


def test_lock_out_after_repeated_failures(db):
    c = client(db)
    for _ in range(MAX_FAILURES - 1):
        r = login(c, "sqb", "wrong-password")
        assert r.status_code == 401 and "用户名或密码错误" in r.text
    r = login(c, "sqb", "wrong-password")
    assert r.status_code == 401 and "锁定" in r.text
    r = login(c, "sqb")  # the right password, while locked
    assert r.status_code == 401 and "锁定" in r.text
    with open_store(db, create=False) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0
    assert login(c, "sqa").status_code == 200  # another account is not affected


def test_unknown_user_and_open_redirect(db):
    c = client(db)
    assert login(c, "nobody", "whatever-pass").status_code == 401
    page = c.get("/login?next=//evil.example/x")
    assert 'value="/"' in page.text and "evil" not in page.text


def test_concurrent_wrong_passwords_all_count(db):
    """Failures are counted under the write lock: simultaneous attempts cannot lose a count."""
    import threading

    from auditor.serve.accounts import authenticate

    def attempt():
        with open_store(db, create=False) as conn:
            authenticate(conn, "sqb", "wrong-password")

    threads = [threading.Thread(target=attempt) for _ in range(MAX_FAILURES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open_store(db, create=False) as conn:
        locked_until = conn.execute("SELECT locked_until FROM users WHERE name = 'sqb'").fetchone()[0]
        assert locked_until is not None
        result = authenticate(conn, "sqb", PASSWORDS["sqb"])
    assert result.user is None and "锁定" in result.error


def test_oversized_form_is_refused_before_parsing(db):
    c = client(db)
    login(c, "sqa")
    a = item_of(db, "A-2")
    form = edit_form(c, a["fingerprint"])
    r = c.post(f"/items/{a['fingerprint']}", data={**form, "status": "整改中", "note": "x" * 300_000})
    assert r.status_code == 413
    r = c.post(f"/items/{a['fingerprint']}", data={**form, "status": "整改中", "note": "长" * 2001})
    assert r.status_code == 422 and "不能超过 2000" in r.text
    assert item_of(db, "A-2") == a


def test_unusable_store_gives_a_message_not_a_traceback(db):
    c = client(db)  # the server starts on a good store; then the file is overwritten under it
    for extra in ("-wal", "-shm"):
        db.with_name(db.name + extra).unlink(missing_ok=True)
    db.write_text("not a database", encoding="utf-8")
    page = c.get("/login")
    r = c.post("/login", data={"name": "sup", "password": "x" * 12, "csrf": csrf_of(page.text)})
    assert r.status_code == 503 and "历史库暂时不可用" in r.text and "Traceback" not in r.text
    c.cookies.set("auditor_session", "whatever")
    r = c.get("/", follow_redirects=False)
    assert r.status_code == 503 and "不是 SQLite 数据库" in r.text
