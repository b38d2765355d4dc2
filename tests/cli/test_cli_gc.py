"""The command line runs with the batch settings of the garbage collector; importing the library does not."""

from __future__ import annotations

import subprocess
import sys

from auditor.gcpolicy import BATCH_THRESHOLDS


def _thresholds_after(code: str) -> tuple[int, ...]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport gc\nprint(*gc.get_threshold())"],
                         capture_output=True, text=True, check=True)
    return tuple(int(x) for x in out.stdout.split()[-3:])


def test_the_command_line_raises_the_thresholds():
    code = "from auditor.cli import main\ntry:\n    main(['rules', 'list'])\nexcept SystemExit:\n    pass"
    assert _thresholds_after(code) == BATCH_THRESHOLDS


def test_the_library_keeps_the_interpreter_defaults():
    default = _thresholds_after("pass")
    assert default != BATCH_THRESHOLDS
    assert _thresholds_after("import auditor.api, auditor.cli") == default
