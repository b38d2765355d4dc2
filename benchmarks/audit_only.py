"""The full audit as one process, through the library: `run_audit` + `write_reports`.

Used by run.py so that every size is audited the same way: the CLI refuses files over 2 GB by
default (Limits.max_file_bytes), and the 1,000,000-case cases.xml is 3.4 GB. No history store.
Usage: python benchmarks/audit_only.py EXPORT_DIR OUT_DIR FORMATS [--engine vectorized|rete]
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from auditor import gcpolicy
from auditor.api import AuditConfig, run_audit
from auditor.ingest.limits import Limits
from auditor.report import FORMATS, write_reports


def main(argv: list[str]) -> int:
    gcpolicy.for_batch_run()  # as the command line does
    export, out, formats = argv[0], Path(argv[1]), argv[2]
    engine = argv[argv.index("--engine") + 1] if "--engine" in argv else "vectorized"
    formats = list(FORMATS) if formats == "all" else formats.split(",")
    config = AuditConfig(exports=(export,), as_of=dt.date(2026, 11, 25), engine=engine,
                         limits=Limits(max_file_bytes=16 * 1024**3))
    result = run_audit(config)
    written = write_reports(result, out, formats)
    print(f"{len(result.findings)} findings, {len(result.cases)} cases, {len(written)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
