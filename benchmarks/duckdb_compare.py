"""Five deadline rules as DuckDB SQL over the CSV export vs a full `auditor audit` with the whole pack.

Both are timed as whole processes (`/usr/bin/time -v`) on the same 100,000-case CSV export
(cases.csv and recordings.csv). The SQL side is the floor of "just run the deadline queries": no
validation, no derived facts, no messages, no legal basis. Target: full audit ≤ 4× the DuckDB run.

    pip install -r benchmarks/requirements.txt
    python benchmarks/duckdb_compare.py --work /tmp/auditor-bench [--size 100000]

It runs twice: on the generator's CSV export, and on a copy whose cases.csv lacks a few columns
(MISSING below), as an independent system's export would; each pair is measured back to back.

The five rules (parameters from the pack's defaults):
  1. handling: 普通程序 filed, not terminated, decided (or still open) more than handling_days (90)
     calendar days after filing, plus approved extension and excluded days;
  2. service: decision not served on the spot and served (or still unserved at the as-of date) more
     than service_working_days (7) working days after the decision — working days from a calendar
     table built with chinese_calendar (holidays and adjusted working weekends);
  3. legal review: fine at or above review_fine_person / review_fine_organisation and the review date
     missing or after the decision;
  4. disclosure: 普通程序 decision not disclosed, or disclosed later than disclosure_working_days (7)
     working days after it;
  5. unpaid, no 催告: a fine, no payment, no demand notice, payment_days + demand_notice_grace_days
     after service already past.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import AS_OF, AUDITOR, PY, export_dir, measure


def calendar_rows(first: int = 2015, last: int = 2027):
    """(day, cumulative working-day index): working days between a and b = idx[b] - idx[a]."""
    import chinese_calendar

    day, end, idx = dt.date(first, 1, 1), dt.date(last, 12, 31), 0
    rows = []
    while day <= end:
        try:
            work = chinese_calendar.is_workday(day)
        except NotImplementedError:  # a year chinese_calendar does not know: weekdays only
            work = day.weekday() < 5
        idx += int(work)
        rows.append((day, idx))
        day += dt.timedelta(days=1)
    return rows


def child(csv_dir: Path, out: Path) -> int:
    """The DuckDB process: load both CSVs, build the calendar, run the five rules, write the findings."""
    import duckdb

    from auditor.api import load_pack_and_profile
    from auditor.model.fields import field_of

    params = load_pack_and_profile(None, None)[1].values
    c = {name: f'"{field_of("cases", name).zh}"' for name in (
        "case_id", "procedure", "filing_date", "decision_date", "termination_date", "status", "extension_days",
        "extension_approver", "suspended_days", "service_date", "service_method", "fine_amount", "party_type",
        "legal_review_date", "disclosure_date", "payment_date", "demand_notice_date")}
    con = duckdb.connect()
    con.execute(f"CREATE TABLE cases AS SELECT * FROM read_csv('{csv_dir / 'cases.csv'}', header=true, "
                f"all_varchar=true)")
    con.execute(f"CREATE TABLE recordings AS SELECT * FROM read_csv('{csv_dir / 'recordings.csv'}', header=true, "
                f"all_varchar=true)")
    con.execute("CREATE TABLE cal (day DATE, idx INTEGER)")
    con.executemany("INSERT INTO cal VALUES (?, ?)", calendar_rows())
    d = lambda name: f"TRY_CAST(NULLIF({c[name]}, '') AS DATE)"
    n = lambda name: f"COALESCE(TRY_CAST(NULLIF({c[name]}, '') AS DOUBLE), 0)"
    as_of = f"DATE '{AS_OF}'"
    open_statuses = "('已立案', '调查中', '待审核', '已决定', '执行中')"
    sql = f"""
    WITH k AS (
      SELECT {c['case_id']} AS case_id, {c['procedure']} AS proc, {c['status']} AS status,
             {d('filing_date')} AS filing, {d('decision_date')} AS decision, {d('termination_date')} AS terminated,
             {d('service_date')} AS service, {c['service_method']} AS method, {n('fine_amount')} AS fine,
             {c['party_type']} AS party_type, {d('legal_review_date')} AS review, {d('disclosure_date')} AS disclosed,
             {d('payment_date')} AS paid, {d('demand_notice_date')} AS demand,
             CASE WHEN COALESCE({c['extension_approver']}, '') <> '' THEN {n('extension_days')} ELSE 0 END
               + {n('suspended_days')} AS extra_days
      FROM cases),
    w AS (
      SELECT k.*, cd.idx AS decision_idx, cs.idx AS service_idx, cx.idx AS disclosure_idx,
             (SELECT idx FROM cal WHERE day = {as_of}) AS as_of_idx
      FROM k LEFT JOIN cal cd ON cd.day = k.decision LEFT JOIN cal cs ON cs.day = k.service
             LEFT JOIN cal cx ON cx.day = k.disclosed)
    SELECT case_id, 'CQ-HANDLING-LATE' AS rule FROM w
      WHERE proc = '普通程序' AND filing IS NOT NULL AND terminated IS NULL
        AND (decision IS NOT NULL OR status IN {open_statuses})
        AND date_diff('day', filing, COALESCE(decision, {as_of})) > {int(params['handling_days'])} + extra_days
    UNION ALL
    SELECT case_id, 'CX-SERVICE-LATE' FROM w
      WHERE proc = '普通程序' AND decision IS NOT NULL AND COALESCE(status, '') <> '已撤销'
        AND NOT (method = '直接送达' AND service = decision)
        AND COALESCE(service_idx, as_of_idx) - decision_idx > {int(params['service_working_days'])}
    UNION ALL
    SELECT case_id, 'FZ-REVIEW' FROM w
      WHERE proc = '普通程序' AND decision IS NOT NULL
        AND fine >= CASE WHEN party_type IN ('自然人', '个体工商户') THEN {float(params['review_fine_person'])}
                         ELSE {float(params['review_fine_organisation'])} END
        AND (review IS NULL OR review > decision)
    UNION ALL
    SELECT case_id, 'GS-DISCLOSURE-LATE' FROM w
      WHERE proc = '普通程序' AND decision IS NOT NULL
        AND COALESCE(disclosure_idx, as_of_idx) - decision_idx > {int(params['disclosure_working_days'])}
    UNION ALL
    SELECT case_id, 'ZX-NO-DEMAND' FROM w
      WHERE fine > 0 AND paid IS NULL AND demand IS NULL AND service IS NOT NULL
        AND service + INTERVAL ({int(params['payment_days']) + int(params['demand_notice_grace_days'])}) DAY
            < {as_of}
    """
    con.execute(f"COPY ({sql}) TO '{out}' (HEADER, DELIMITER ',')")
    counts = con.execute(f"SELECT rule, count(*) FROM read_csv('{out}') GROUP BY rule ORDER BY rule").fetchall()
    print(", ".join(f"{rule} {k}" for rule, k in counts))
    return 0


# Columns an independent system's export may well lack (none is read by the five SQL rules): approvers,
# reviewer and qualification, collective discussion, cause code. Rules that need them either stay
# silent or report the empty field, as they would on such an export.
MISSING = ("案由编码", "立案审批人", "法制审核人员", "审核人员具有法律职业资格", "集体讨论日期")


def missing_columns_export(csv_dir: Path) -> Path:
    """A copy of the CSV export (cases, recordings) whose cases.csv lacks the MISSING columns."""
    import csv

    out = csv_dir.with_name("csv-missing")
    if (out / "cases.csv").is_file() and (out / "recordings.csv").is_file():
        return out
    out.mkdir(exist_ok=True)
    with open(csv_dir / "cases.csv", encoding="utf-8-sig", newline="") as src, \
            open(out / "cases.csv.tmp", "w", encoding="utf-8-sig", newline="") as dst:
        rows = csv.reader(src)
        header = next(rows)
        keep = [i for i, name in enumerate(header) if name not in MISSING]
        writer = csv.writer(dst, lineterminator="\r\n")
        writer.writerow([header[i] for i in keep])
        for row in rows:
            writer.writerow([row[i] for i in keep])
    (out / "cases.csv.tmp").replace(out / "cases.csv")
    (out / "recordings.csv").write_bytes((csv_dir / "recordings.csv").read_bytes())
    return out


def compare(csv_dir: Path, tmp: str) -> dict:
    """DuckDB's five rules and the full audit (findings.json) of the same CSV export, same run."""
    sql = measure([PY, __file__, "--child", str(csv_dir), "--out", f"{tmp}/duck.csv"], "duckdb 5 rules")
    audit = measure([AUDITOR, "audit", str(csv_dir / "cases.csv"), str(csv_dir / "recordings.csv"),
                     "--as-of", AS_OF, "--no-history", "--out", f"{tmp}/audit", "--format", "json"],
                    "auditor audit (pack)", (0, 1))
    return {"duckdb": sql, "audit": audit, "ratio_wall": audit["wall_s"] / sql["wall_s"],
            "ratio_cpu": audit["cpu_s"] / sql["cpu_s"]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", default="/tmp/auditor-bench", type=Path)
    ap.add_argument("--size", default=100_000, type=int)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args.child, args.out)
    csv_dir = export_dir(args.work, args.size) / "csv"
    for label, folder in (("generator's export", csv_dir), ("missing columns", missing_columns_export(csv_dir))):
        with tempfile.TemporaryDirectory() as tmp:
            res = compare(folder, tmp)
        print(f"== {label}: {folder}")
        for r in (res["duckdb"], res["audit"]):
            print(f"{r['label']:<24} wall {r['wall_s']:>7.2f}s  cpu {r['cpu_s']:>7.2f}s  peak {r['rss_mb']:>7.1f} MB  "
                  f"{r['out'][:120]}")
        for unit in ("wall", "cpu"):
            ratio = res[f"ratio_{unit}"]
            print(f"{'PASS' if ratio <= 4 else 'MISS'}  audit / duckdb ({unit}): {ratio:.2f} (target ≤ 4)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
