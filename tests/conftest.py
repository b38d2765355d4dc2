"""Shared test configuration: browser tests skip or fail by environment (see tests/browser.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import require_chromium  # noqa: E402


def pytest_runtest_setup(item):
    if item.get_closest_marker("browser") is not None:
        require_chromium()


# --------------------------------------------------------------------------------------------------
# Shared fixtures: the repository's places, the bundled rule pack with its default parameters, the
# loaded sample export and every registered evaluator. Session-scoped where they are read-only.

import datetime as dt  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "fixtures" / "sample"
AS_OF = dt.date(2026, 11, 25)  # the as-of date of the bundled sample


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """fixtures/sample: the generated district (xml/ and csv/ forms)."""
    return SAMPLE


@pytest.fixture(scope="session")
def pack():
    """The bundled rule pack (read-only: tests that change a rule use dataclasses.replace)."""
    from auditor.rules.loader import load_rule_pack

    return load_rule_pack()


@pytest.fixture(scope="session")
def profile(pack):
    """The pack's parameter defaults, as the district profile when none is given."""
    from auditor.rules.params import load_profile

    return load_profile(None, pack.params, Path(pack.path))


@pytest.fixture(scope="session")
def sample_load():
    """The bundled sample export (XML form), loaded once."""
    from auditor.ingest import load_exports

    return load_exports(SAMPLE / "xml")


def _engines() -> tuple[str, ...]:
    from auditor.evaluate import registry

    return registry.names()


@pytest.fixture(params=_engines())
def engine(request) -> str:
    """Each registered evaluator in turn (no test assumes there are exactly two)."""
    return request.param
