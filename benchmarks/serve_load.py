"""Load test of `auditor serve` on loopback: N concurrent users updating items for a bounded time on a
generated district, then a check that no acknowledged update was lost or recorded twice.

    python benchmarks/serve_load.py                     # 10,000 cases, 20 users, 60 s
    python benchmarks/serve_load.py --cases 2000 --users 8 --seconds 20

The server is the real CLI (`auditor serve`, uvicorn) in its own process; the users are threads with
their own sessions (18 squad users, two per squad for nine squads so some edit the same items, and two
supervisors). Each user loops: board, squad page, item page, update (status 待整改 ⇄ 整改中 with a unique
note). Every request has a timeout, the loop stops at the deadline, and only 127.0.0.1 is contacted.
Not a test and not a CI gate: it prints the numbers.
"""

from __future__ import annotations

import argparse
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import httpx

from auditor.history.store import open_store  # noqa: E402
from serve_district import PASSWORD, build  # noqa: E402

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
FINGERPRINT = re.compile(r'data-fingerprint="([0-9a-f]+)"')
STATUS = re.compile(r'id="current-status">([^<]+)<')
MAX_REQUESTS_PER_USER = 20_000  # a second bound besides the deadline


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.acked: list[tuple[str, str]] = []  # (fingerprint, note) answered 303
        self.refused: list[tuple[str, str, int]] = []  # (fingerprint, note, status)
        self.errors: list[str] = []

    def timed(self, kind: str, fn):
        t = time.perf_counter()
        response = fn()
        with self.lock:
            self.times[kind].append(time.perf_counter() - t)
        return response


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def user_loop(name: str, squad: str | None, base: str, deadline: float, stats: Stats, seed: int) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=base, timeout=30, follow_redirects=False) as c:
        page = c.get("/login")
        r = stats.timed("login", lambda: c.post("/login", data={"name": name, "password": PASSWORD,
                                                                "csrf": CSRF.search(page.text).group(1), "next": "/"}))
        if r.status_code != 303:
            stats.errors.append(f"{name}: login {r.status_code}")
            return
        squads = None
        for n in range(MAX_REQUESTS_PER_USER):
            if time.monotonic() > deadline:
                return
            board = stats.timed("board", lambda: c.get("/"))
            if squad is None:
                squads = squads or re.findall(r'<tr class="" data-squad="([^"]+)"', board.text)
                target_squad = rng.choice(squads)
            else:
                target_squad = squad
            flt = rng.choice(["", "?status=待整改", "?status=整改中", "?overdue=1"])
            listing = stats.timed("squad", lambda: c.get(f"/squads/{quote(target_squad)}{flt}"))
            fps = FINGERPRINT.findall(listing.text) or FINGERPRINT.findall(c.get(f"/squads/{quote(target_squad)}").text)
            if not fps:
                continue
            fp = rng.choice(fps[:20])  # the top of the list: users of one squad often pick the same item
            item = stats.timed("item", lambda: c.get(f"/items/{fp}"))
            status = STATUS.search(item.text).group(1)
            if status not in ("待整改", "整改中"):
                continue
            note = f"load:{name}#{seed}:{n}"  # seed: the thread, two supervisors share a name
            data = {"csrf": CSRF.search(item.text).group(1), "version": VERSION.search(item.text).group(1),
                    "status": "整改中" if status == "待整改" else "待整改", "note": note}
            r = stats.timed("update", lambda: c.post(f"/items/{fp}", data=data))
            with stats.lock:
                if r.status_code == 303:
                    stats.acked.append((fp, note))
                else:
                    stats.refused.append((fp, note, r.status_code))


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--keep", type=Path, help="build the district here and keep it (default: a temp dir)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="serve-load-"))
    t = time.perf_counter()
    db = build(work / "district", args.cases, squad_users=2, months=1)
    print(f"district built in {time.perf_counter() - t:.0f} s")
    with open_store(db, create=False) as conn:
        squad_users = conn.execute("SELECT name, squad FROM users WHERE role = '中队' ORDER BY squad, name").fetchall()
        items_before = conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
        events_before = conn.execute("SELECT COUNT(*) FROM item_events").fetchone()[0]
    n_squad = args.users - 2
    chosen = [(n, s) for n, s in squad_users][:n_squad] + [("监督科", None)] * 2
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "auditor.cli", "serve", "--history", str(db), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        print(server.stdout.readline().strip())
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(base + "/login", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        stats = Stats()
        deadline = time.monotonic() + args.seconds
        threads = [threading.Thread(target=user_loop, args=(name, squad, base, deadline, stats, i))
                   for i, (name, squad) in enumerate(chosen)]
        started = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=args.seconds + 120)
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    verify_and_report(db, stats, elapsed, args, items_before, events_before, len(chosen))


def verify_and_report(db, stats: Stats, elapsed: float, args, items_before: int, events_before: int,
                      n_users: int) -> None:
    with open_store(db, create=False) as conn:
        rows = conn.execute("SELECT fingerprint, note, COUNT(*) FROM item_events WHERE note LIKE 'load:%'"
                            " GROUP BY fingerprint, note").fetchall()
        mismatched = conn.execute(
            "SELECT COUNT(*) FROM items i JOIN (SELECT fingerprint, MAX(event_id) AS e FROM item_events GROUP BY"
            " fingerprint) l USING (fingerprint) JOIN item_events ev ON ev.event_id = l.e"
            " WHERE ev.new_status != i.status").fetchone()[0]
        events_after = conn.execute("SELECT COUNT(*) FROM item_events").fetchone()[0]
    recorded = {(fp, note): n for fp, note, n in rows}
    acked = set(stats.acked)
    lost = [k for k in acked if k not in recorded]
    duplicated = [k for k, n in recorded.items() if n > 1]
    phantom = [k for k in recorded if k not in acked]
    refused_codes = defaultdict(int)
    for _, _, code in stats.refused:
        refused_codes[code] += 1
    print(f"\n{args.cases} cases, {items_before} items; {n_users} users for {elapsed:.1f} s on 127.0.0.1")
    print(f"{'request':8} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind in ("login", "board", "squad", "item", "update"):
        values = stats.times.get(kind, [])
        if values:
            print(f"{kind:8} {len(values):7d} {statistics.median(values) * 1000:8.0f} {percentile(values, 95) * 1000:8.0f}"
                  f" {max(values) * 1000:8.0f}")
    pages = [v for k in ("board", "squad", "item") for v in stats.times.get(k, [])]
    print(f"all pages: {len(pages)} requests, p95 {percentile(pages, 95) * 1000:.0f} ms")
    print(f"updates acknowledged {len(acked)}, refused {dict(refused_codes)} (409 = version conflict, shown to the user)")
    print(f"events written {events_after - events_before}; lost {len(lost)}, duplicated {len(duplicated)},"
          f" unacknowledged but written {len(phantom)}; items whose status differs from their last event {mismatched}")
    if stats.errors:
        print("errors:", *stats.errors[:10], sep="\n  ")
    ok = not lost and not duplicated and not phantom and not mismatched and not stats.errors \
        and events_after - events_before == len(acked)
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
