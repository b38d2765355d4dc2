"""`auditor users` and `auditor serve` on the command line."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from _history_factory import finding, result
from auditor.cli import main
from auditor.history.store import open_store, record_run


def store(tmp_path):
    db = tmp_path / "h.sqlite"
    record_run(db, result(date(2025, 5, 31), [finding("R001", "C1", "甲中队")]))
    return db


def users(db, *args, password="long-enough-pw"):
    return CliRunner().invoke(main, ["users", *args, "--history", str(db)], input=password + "\n")


def test_users_add_hashes_and_validates(tmp_path):
    db = store(tmp_path)
    r = users(db, "add", "张队长", "--role", "中队", "--squad", "甲中队", "--password-stdin")
    assert r.exit_code == 0, r.output
    with open_store(db, create=False) as conn:
        role, squad, hashed = conn.execute("SELECT role, squad, password_hash FROM users WHERE name = '张队长'").fetchone()
    assert (role, squad) == ("中队", "甲中队")
    assert hashed.startswith("$argon2id$") and "long-enough-pw" not in hashed
    assert users(db, "add", "张队长", "--role", "监督", "--password-stdin").exit_code == 2  # duplicate
    r = users(db, "add", "李四", "--role", "中队", "--password-stdin")
    assert r.exit_code == 2 and "--squad" in r.output
    r = users(db, "add", "王五", "--role", "监督", "--password-stdin", password="short")
    assert r.exit_code == 2 and "至少" in r.output
    r = users(db, "add", "赵六", "--role", "管理员", "--password-stdin")
    assert r.exit_code == 2
    listing = users(db, "list")
    assert "张队长" in listing.output and "甲中队" in listing.output


def test_serve_refuses_a_store_without_users(tmp_path):
    db = store(tmp_path)
    r = CliRunner().invoke(main, ["serve", "--history", str(db)])
    assert r.exit_code == 2 and "users add" in r.output
    r = CliRunner().invoke(main, ["serve", "--history", str(tmp_path / "missing.sqlite")])
    assert r.exit_code == 2 and "历史库不存在" in r.output


def test_serve_listens_on_loopback_by_default_and_says_so(tmp_path):
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    from auditor.history.store import transaction
    from auditor.serve.accounts import add_user

    db = store(tmp_path)
    with open_store(db) as conn, transaction(conn):
        add_user(conn, "sup", "监督", "supervisor-pass-1")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "auditor.cli", "serve", "--history", str(db), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first, second = proc.stdout.readline(), proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first
        assert "只监听本机地址 127.0.0.1" in second
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as r:
                    body = r.read().decode()
                    assert r.status == 200 and "登录" in body
                    assert "default-src 'self'" in r.headers["content-security-policy"]
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        # Another Host name (a DNS-rebinding page) is refused on loopback.
        request = urllib.request.Request(f"http://127.0.0.1:{port}/login", headers={"Host": "evil.example"})
        try:
            urllib.request.urlopen(request, timeout=5)
            raise AssertionError("a foreign Host header was served")
        except urllib.error.HTTPError as exc:
            assert exc.code == 400
        # Bound to loopback only: not reachable on another local address of this machine.
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.2", port)) != 0
    finally:
        proc.terminate()
        proc.wait(timeout=30)
