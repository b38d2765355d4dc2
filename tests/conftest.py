"""Shared test configuration: browser tests skip or fail by environment (see tests/browser.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import require_chromium  # noqa: E402


def pytest_runtest_setup(item):
    if item.get_closest_marker("browser") is not None:
        require_chromium()
