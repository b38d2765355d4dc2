#!/usr/bin/env bash
# Build the wheel, install it in a clean venv (from the lock), and audit the bundled sample from a
# folder outside the checkout: proves the rule pack, parameters, calendars and profiles ship inside.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" wheel -q --no-deps -w "$work/dist" "$repo"
"$work/venv/bin/pip" install -q -c "$repo/constraints.txt" "$work"/dist/auditor-*.whl
cd "$work"
"$work/venv/bin/auditor" --version
"$work/venv/bin/auditor" rules list >/dev/null
set +e
"$work/venv/bin/auditor" audit "$repo/fixtures/sample/xml" --as-of 2026-11-25 --out "$work/reports" --no-history >"$work/audit.log" 2>&1
rc=$?
set -e
if [ "$rc" -gt 1 ]; then
  echo "wheel smoke: audit exited $rc" >&2
  cat "$work/audit.log" >&2
  exit 1
fi
for f in report.xlsx report.html findings.json findings.csv findings.sarif findings.junit.xml; do
  [ -s "$work/reports/$f" ] || { echo "wheel smoke: $f missing" >&2; exit 1; }
done
# The board's templates and stylesheet ship too: a store with one user, the server on loopback, two pages.
"$work/venv/bin/python" - "$work/board.sqlite" <<'PY'
import sys
from auditor.history.store import open_store, transaction
from auditor.serve.accounts import add_user
with open_store(sys.argv[1]) as conn, transaction(conn):
    add_user(conn, "smoke", "监督", "smoke-password-1")
PY
port="$("$work/venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$work/venv/bin/auditor" serve --history "$work/board.sqlite" --port "$port" >"$work/serve.log" 2>&1 &
serve_pid=$!
"$work/venv/bin/python" - "$port" <<'PY' || { kill "$serve_pid"; cat "$work/serve.log" >&2; echo "wheel smoke: board did not serve" >&2; exit 1; }
import sys, time, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
for _ in range(300):
    try:
        login = urllib.request.urlopen(base + "/login", timeout=5).read().decode()
        break
    except OSError:
        time.sleep(0.1)
else:
    raise SystemExit("no answer")
css = urllib.request.urlopen(base + "/static/board.css", timeout=5).read().decode()
assert "登录" in login and "font-family" in css
PY
kill "$serve_pid"
wait "$serve_pid" 2>/dev/null || true
echo "wheel smoke: installed wheel audited the sample from $work (exit $rc), all reports written, board served"
