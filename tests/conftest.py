"""Shared test configuration: browser tests skip or fail by environment (see tests/browser.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402

from browser import require_chromium  # noqa: E402
from firefox import require_firefox  # noqa: E402


def pytest_runtest_setup(item):
    if item.get_closest_marker("browser") is not None:
        require_chromium()
    if item.get_closest_marker("firefox") is not None:
        require_firefox()


# The fast tier, `pytest -m "not slow"`, leaves out what takes seconds per test: browser tests (Chromium
# and Firefox), fuzzing,
# generated districts, whole-CLI passes over the hostile corpus, signals sent to real processes. Named
# here, in one place, from measured durations (`pytest --durations=0`); the full suite runs them all.
SLOW_MODULES = {
    "test_fuzz_evaluator.py", "test_fuzz_readers.py", "test_fuzz_rules.py", "test_fuzz_configs.py",
    "test_generate_scale.py", "test_monthly_end_to_end.py", "test_history_properties.py",
    "test_history_concurrency.py", "test_determinism.py", "test_rule_pack_scoring.py",
    "test_hostile_special_files.py", "test_independent_export.py",
}
SLOW_TESTS = {
    "test_cli_behaviour",                      # the hostile corpus through the real CLI, one process each
    "test_random_partial_cases_agree", "test_random_cases_reach_the_rules",  # parity over hypothesis cases
    "test_generated_cases_same_in_both_modes",
    "test_three_month_ends_of_one_export_match_the_exports_of_those_months",
    "test_back_dated_ad_hoc_audit_is_reported_but_not_recorded_in_the_default_store",
    "test_squad_filter_and_unknown_squad", "test_fail_on_notice_level_and_csv_form_agree",
    "test_baseline_file_alone_gates_on_new_findings_only",
    "test_every_rule_example_behaves_as_labelled",  # ~900 examples per engine; `auditor rules test` runs them too
    "test_blanked_columns_never_create_an_accusation",  # hypothesis over generated exports
}


def pytest_collection_modifyitems(config, items):
    slow = pytest.mark.slow
    for item in items:
        if (item.get_closest_marker("browser") is not None or item.get_closest_marker("firefox") is not None
                or item.path.name in SLOW_MODULES
                or getattr(item, "originalname", item.name) in SLOW_TESTS):
            item.add_marker(slow)


# --------------------------------------------------------------------------------------------------
# Shared fixtures: the repository's places, the bundled rule pack with its default parameters, the
# loaded sample export and every registered evaluator. Session-scoped where they are read-only.

import datetime as dt  # noqa: E402

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
