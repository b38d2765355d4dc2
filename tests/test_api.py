"""The library API: what a notebook user must say and what it refuses."""

import datetime as dt
from pathlib import Path

import pytest

from auditor.errors import UsageError

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "sample" / "xml"


def test_the_library_has_no_silent_as_of_default():
    from auditor.api import AuditConfig

    with pytest.raises(TypeError, match="as_of"):
        AuditConfig(exports=(SAMPLE,))
    with pytest.raises(UsageError, match="as_of"):
        AuditConfig(exports=(SAMPLE,), as_of="2026-11-25")
    assert AuditConfig(exports=(SAMPLE,), as_of=dt.date(2026, 11, 25)).as_of.isoformat() == "2026-11-25"
