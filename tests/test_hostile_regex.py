"""Catastrophic regular expressions in a district's rule (auditor.rules.regex_safety).

`^(a|aa)+$` on an 80-character 案由 never returned in the vectorized evaluator; the Rete path already
checked its patterns. Now every `matches` pattern is checked at rule load, for both evaluators, and the
vectorized evaluator checks again before running one (a condition tree built in code).
"""

from __future__ import annotations

import re
import time

import pytest

from auditor.rules.regex_safety import UnsafePattern, check_regex

UNSAFE = ["^(a|aa)+$", "(a+)+", "(.*a){20}", "(a?a)*", "(a|a)*", "(a|a){20}", r"(\w+\s?)+$", r"(x+x+)+y",
          r"(a)\1", "(?:a{1,3})+"]
SAFE = ["占道|设摊", "(ab|cd)+", "[a-z]+", r"(\d{4}-)+", ".*违法.*", "a++", "(?>a|aa)+", "^.*$", "(a|b)*c",
        r"沪.{2}城管罚〔\d{4}〕\d+号", "(aa|ab)+", "(违法|违规)(行为)?"]
BAIT = "a" * 80 + "!"  # what makes the unsafe ones backtrack


@pytest.mark.parametrize("pattern", UNSAFE)
def test_patterns_that_can_backtrack_for_ever_are_refused(pattern):
    with pytest.raises(UnsafePattern, match="请改写"):
        check_regex(pattern)


@pytest.mark.parametrize("pattern", SAFE)
def test_ordinary_patterns_pass_and_run_quickly_on_the_bait(pattern):
    check_regex(pattern)
    started = time.monotonic()
    re.search(pattern, BAIT * 100)
    assert time.monotonic() - started < 1.0


def test_the_vectorized_evaluator_checks_a_pattern_built_in_code():
    import numpy as np

    from auditor.evaluate.vectorized import _raw
    from auditor.rules.conditions import Matches

    class Column:  # the one column the leaf reads: an 81-character 案由
        n = 1

        def values(self, name):
            return np.array([BAIT], dtype=object), np.array([True])

    started = time.monotonic()
    with pytest.raises(UnsafePattern):
        _raw(Matches("cause", "^(a|aa)+$"), Column(), None)
    assert time.monotonic() - started < 1.0
