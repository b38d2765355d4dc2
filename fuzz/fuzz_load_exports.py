"""Coverage-guided fuzzing of the export readers with atheris (optional; not part of the test suite).

    pip install -e '.[fuzz]'
    cp -r tests/hostile/files /tmp/seeds   # libFuzzer writes its finds into the folder it is given
    python fuzz/fuzz_load_exports.py -max_total_time=60 /tmp/seeds

Each input is written as cases.csv or cases.xml (the first byte decides) and loaded; anything but an
InputError, or a load report that does not reconcile, is a crash.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from auditor.errors import InputError
    from auditor.ingest import load_exports

_DIR = Path(tempfile.mkdtemp(prefix="fuzz-exports-"))


def test_one(data: bytes) -> None:
    if not data:
        return
    path = _DIR / ("cases.xml" if data[0] & 1 else "cases.csv")
    path.write_bytes(data[1:])
    try:
        result = load_exports(path)
    except InputError:
        return
    for table, count in result.counts.items():
        if count.rows_in != count.loaded + count.rejected:
            raise AssertionError(f"{table}: {count}")


def main() -> None:
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
