"""A district history store for the board's screenshots and load test: one generated 静安区 export
audited at three month-ends (so the board has a trend), board users for every squad, and a few edits.

    python scripts/serve_district.py --cases 2000 --out /tmp/district     # writes /tmp/district/history.sqlite

Used by scripts/serve_screenshots.py and benchmarks/serve_load.py; not part of the test suite.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from auditor.api import AuditConfig, run_audit
from auditor.generate.export import generate_export
from auditor.history.store import open_store, record_run, transaction
from auditor.serve.accounts import add_user
from auditor.serve.edits import apply_edit

MONTH_ENDS = (date(2026, 9, 30), date(2026, 10, 31), date(2026, 11, 25))
PASSWORD = "district-pass-01"  # every generated account; a demo store, never a real one


def build(out: Path, cases: int, seed: int = 20251, squad_users: int = 1, months: int = 3, log=print) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    db = out / "history.sqlite"
    if db.exists():
        raise SystemExit(f"{db} exists; choose an empty --out")
    for day in MONTH_ENDS[-months:]:
        export = out / "exports" / day.strftime("%Y-%m")
        t = time.perf_counter()
        generate_export(export, cases, seed, as_of=MONTH_ENDS[-1], forms=("xml",), view_as_of=day)
        result = run_audit(AuditConfig(exports=(export / "xml",), as_of=day))
        summary = record_run(db, result, label=f"{day:%Y年%m月} 月度审计")
        log(f"{day}: {summary.line()} ({time.perf_counter() - t:.1f} s)")
    with open_store(db) as conn, transaction(conn):
        squads = [r[0] for r in conn.execute("SELECT DISTINCT squad FROM items ORDER BY squad")]
        add_user(conn, "监督科", "监督", PASSWORD)
        add_user(conn, "局领导", "领导", PASSWORD)
        for i, squad in enumerate(squads, start=1):
            for j in range(1, squad_users + 1):
                add_user(conn, f"squad{i:02d}-{j}", "中队", PASSWORD, squad)
    log(f"users: 监督科, 局领导, squadNN-M for {len(squads)} squads × {squad_users} (password {PASSWORD})")
    return db


def sample_edits(db: Path, per_squad: int = 3) -> None:
    """A few squads report progress, so the board shows 整改中 and 已销项 claims."""
    from auditor.serve.accounts import User

    with open_store(db) as conn:
        rows = conn.execute("SELECT u.user_id, u.name, u.squad FROM users u WHERE role = '中队' AND name LIKE '%-1'"
                            " ORDER BY name").fetchall()
        for k, (user_id, name, squad) in enumerate(rows):
            user = User(user_id, name, "中队", squad)
            fps = [r[0] for r in conn.execute("SELECT fingerprint FROM items WHERE squad = ? AND status = '待整改'"
                                              " ORDER BY due, fingerprint LIMIT ?", (squad, per_squad + k % 4))]
            for n, fp in enumerate(fps):
                version = conn.execute("SELECT MAX(event_id) FROM item_events WHERE fingerprint = ?", (fp,)).fetchone()[0]
                apply_edit(conn, user, fp, version=version, status="已销项" if n % 3 == 2 else "整改中",
                           note="已约谈承办人员，补正相关文书" if n % 2 else "已补充送达回证并归档",
                           evidence="补正材料已上传案卷系统，复核人：法制员")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20251)
    parser.add_argument("--squad-users", type=int, default=1)
    parser.add_argument("--months", type=int, default=3, choices=(1, 2, 3))
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    db = build(args.out, args.cases, args.seed, args.squad_users, args.months)
    sample_edits(db)
    print(db)


if __name__ == "__main__":
    main()
