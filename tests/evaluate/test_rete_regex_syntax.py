"""The regex translation reads Python's syntax with its own parser (no `re._parser`): what it accepts
durable_rules judges like `re.search`; what it refuses is refused with the construct named."""

import re

import pytest

from auditor.evaluate.rete.regex import Unsupported, translate
from auditor.evaluate.rete.regex_syntax import (ANY, BRANCH, GROUP, IN, LITERAL, MANY, NOT_LITERAL, REPEAT,
                                                PatternError, parse)


def test_the_tree_of_a_typical_rule_pattern():
    assert parse(r"^[0-9]{4}(号|號)?.$") == [
        ("AT", "BEGIN"),
        (REPEAT, (4, 4, [(IN, [("RANGE", (ord("0"), ord("9")))])], False)),
        (REPEAT, (0, 1, [(GROUP, ("", [(BRANCH, [[(LITERAL, ord("号"))], [(LITERAL, ord("號"))]])]))], False)),
        (ANY, None), ("AT", "END")]


@pytest.mark.parametrize("pattern, expected", [
    (r"a{2,}?", [(REPEAT, (2, MANY, [(LITERAL, ord("a"))], True))]),
    (r"[^-]", [(NOT_LITERAL, ord("-"))]),
    (r"[\101]", [(LITERAL, ord("A"))]),
    (r"\x41\u4e2d\N{DIGIT ONE}", [(LITERAL, 0x41), (LITERAL, 0x4E2D), (LITERAL, ord("1"))]),
    (r"a{x", [(LITERAL, ord("a")), (LITERAL, ord("{")), (LITERAL, ord("x"))]),
    (r"\101\0", [(LITERAL, ord("A")), (LITERAL, 0)]),
])
def test_escapes_and_quantifiers_read_as_python_reads_them(pattern, expected):
    assert parse(pattern) == expected


@pytest.mark.parametrize("pattern, why", [
    (r"(?i)abc", "内联标志"), (r"(?=a)b", "向前断言"), (r"(a)\1", "反向引用"), (r"\bword", "单词边界"),
    (r"a*+", "占有量词"), (r"\d{4}", "Unicode"), (r"a{,3}", "下限为 0"), (r"a^b", "^ 和 $"),
])
def test_constructs_durable_cannot_express_are_refused_by_name(pattern, why):
    with pytest.raises(Unsupported, match=re.escape(why)):
        translate(pattern)


def test_an_invalid_pattern_is_reported_with_pythons_reason():
    with pytest.raises(PatternError, match="missing"):
        parse("(ab")
    with pytest.raises(Unsupported, match="正则表达式无效"):
        translate("[a-")
