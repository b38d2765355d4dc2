"""Generation streams: peak memory does not grow with the number of cases."""

from __future__ import annotations

import subprocess
import sys

_SCRIPT = """
import resource, sys
from datetime import date
from auditor.generate import generate_export
s = generate_export(sys.argv[1], int(sys.argv[2]), seed=1, as_of=date(2026, 11, 25))
assert s.cases == int(sys.argv[2])
try:  # this program's own high-water mark: ru_maxrss would carry the forking test runner's over exec
    print(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM:")))  # KiB
except OSError:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux
"""


def _peak_kib(out, cases: int) -> int:
    done = subprocess.run([sys.executable, "-c", _SCRIPT, str(out), str(cases)],
                          capture_output=True, text=True, check=True, timeout=300)
    return int(done.stdout.strip())


def test_twenty_thousand_cases_stream_in_small_memory(tmp_path):
    small = _peak_kib(tmp_path / "small", 200)
    big = _peak_kib(tmp_path / "big", 20_000)
    assert (tmp_path / "big/xml/cases.xml").stat().st_size > 50_000_000
    # Holding 20,000 cases (~70 MB of XML) would add far more than this.
    assert big - small < 25_000, (small, big)
    assert big < 400_000, big  # imports (pandas, lxml, the rule pack's modules) are most of it


def test_output_does_not_depend_on_the_hash_seed(tmp_path):
    """Byte-identical across processes, whatever PYTHONHASHSEED (no set/dict-order leaks)."""
    import os

    outs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"h{hash_seed}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-m", "auditor.cli", "generate", "--cases", "300", "--seed", "9",
                        "--violation-rate", "0.5", "--out", str(out)], env=env, check=True,
                       capture_output=True, timeout=300)
        outs.append(out)
    files = sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*") if p.is_file())
    assert len(files) == 6
    for f in files:
        assert (outs[0] / f).read_bytes() == (outs[1] / f).read_bytes(), f
