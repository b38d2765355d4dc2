"""The Rete evaluator alone on an export: load, enrich, then time `ReteEvaluator.hits` with the full pack.

Prints one JSON line: hits_s (wall) and hits_cpu_s, cases, rows (cases + recordings), cases_per_s,
cases_per_cpu_s, rows_per_s, rules, hits.
Usage: python benchmarks/rete_only.py EXPORT_DIR [--as-of 2026-11-25]
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time

from auditor.api import load_calendar, load_pack_and_profile
from auditor.evaluate.context import RunContext
from auditor.evaluate.facts import build_facts
from auditor.evaluate.rete import ReteEvaluator
from auditor.ingest import load_exports


def main(argv: list[str]) -> int:
    as_of = dt.date.fromisoformat(argv[argv.index("--as-of") + 1]) if "--as-of" in argv else dt.date(2026, 11, 25)
    pack, profile = load_pack_and_profile(None, None)
    tables = load_exports([argv[0]]).tables
    params = profile.values
    ctx = RunContext(as_of=as_of, calendar=load_calendar(), params=params,
                     warning_days=int(params.get("warning_days", 7)))
    rules = [r.bind(params) for r in pack.rules]
    facts = build_facts(tables, rules, ctx)
    start, cpu = time.perf_counter(), time.process_time()
    hits = ReteEvaluator().hits(rules, facts, ctx)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    cases = len(facts.frames["case"])
    rows = cases + len(facts.frames["recording"])
    print(json.dumps({"hits_s": round(took, 2), "hits_cpu_s": round(cpu, 2), "cases": cases, "rows": rows,
                      "cases_per_s": round(cases / took), "cases_per_cpu_s": round(cases / cpu),
                      "rows_per_s": round(rows / took), "rules": len(rules),
                      "hits": int(sum(len(v) for v in hits.values()))}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
