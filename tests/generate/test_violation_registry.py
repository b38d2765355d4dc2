"""The violation registry orders its kinds by its own module list, whichever injector module is imported
first (the order fixes what a seed generates), and refuses a kind declared in an unlisted module."""

import subprocess
import sys

import pytest

from auditor.generate import violations
from auditor.generate.injection import ViolationKind

ORDER = "from auditor.generate.violations import REGISTRY; print(','.join(REGISTRY))"


def _order_after(first_import: str) -> list[str]:
    code = f"import {first_import}; {ORDER}"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    return proc.stdout.strip().split(",")


def test_the_order_does_not_depend_on_which_module_is_imported_first():
    direct = _order_after("auditor.generate.violations")
    assert direct == list(violations.REGISTRY)
    assert _order_after("auditor.generate.violations_law") == direct
    assert _order_after("auditor.generate.violations_review") == direct
    # this module's own kinds come first, then the injector modules in _MODULES order
    modules = [violations.REGISTRY[i].module for i in direct]
    assert modules[0] == "auditor.generate.violations"
    assert [m for i, m in enumerate(modules) if i == 0 or modules[i - 1] != m] == list(violations._MODULES)


def test_a_kind_from_an_unlisted_module_is_refused():
    stray = ViolationKind("XX-STRAY", "stray", ("已结案",), lambda p, h: True, lambda p, r, h: None,
                          "auditor.generate.violations_elsewhere")
    with pytest.raises(RuntimeError, match="violations_elsewhere"):
        violations._ordered([*violations.REGISTRY.values(), stray])
