"""Per-squad case-file scores of a generated district under a score model (docs/scoring.md).

    auditor generate --cases 10000 --seed 7 --as-of 2026-11-25 --out /tmp/d [--violation-scale 2]
    python scripts/score_district.py /tmp/d [PROFILE.yaml]

Prints the model in force, the district figure and one line per squad (score, 不合格卷, findings).
"""

from __future__ import annotations

import statistics
import sys
from datetime import date
from pathlib import Path

from auditor.api import AuditConfig, run_audit
from auditor.report.summary import summarize
from auditor.scoring import model_from_metadata


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    export, profile = Path(argv[0]), (Path(argv[1]) if len(argv) > 1 else None)
    result = run_audit(AuditConfig(exports=(export / "xml",), as_of=date(2026, 11, 25), profile=profile))
    summary = summarize(result)
    print("model:", model_from_metadata(result.metadata).as_metadata())
    t = summary.total
    print(f"district: cases {t.cases}, cases with findings {t.cases_with_findings}, findings {t.findings}, "
          f"score {t.score}, 不合格卷 {t.failed_cases}")
    for q in summary.squads:
        print(f"{q.rank:2d} {q.squad:<16} cases {q.cases:5d} score {q.score:6.2f} 不合格 {q.failed_cases:4d} "
              f"findings {q.findings}")
    scores = [q.score for q in summary.squads]
    print(f"squads: lowest {min(scores)}, highest {max(scores)}, mean {statistics.mean(scores):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
