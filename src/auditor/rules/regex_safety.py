"""Refuse `matches` patterns whose backtracking can explode, before any evaluator runs them.

Python's `re` backtracks: `^(a|aa)+$` on 80 characters of 案由 tries about 2^80 ways and never
returns; the vectorized evaluator (pandas' str.contains) would hang the whole audit on it. The Rete
path compiles patterns to a DFA and checks each one; this check holds for both paths, at rule load.

A pattern is refused when a repetition that can match more than once (`+`, `*`, `{2,}`, `{20}`)
repeats something whose matches are ambiguous:
- something of variable width: `(a+)+`, `(a|aa)+`, `(.*a){20}`, `(a?a)*` — the text can be split
  between the iterations in exponentially many ways;
- alternatives that can start with the same character: `(aa|ab)+`, `(a|a)*`;
and when it uses a back reference (`(a)\\1`), which `re` can only backtrack through. Possessive and
atomic forms (`a++`, `(?>…)+`) never backtrack and are allowed. Everything else runs in time
polynomial in the text (one search per starting position), which the field length limit bounds.
"""

from __future__ import annotations

import re
from re import _constants as C  # noqa: N812 - the parser's opcode names
from re import _parser

_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT)
_ANY_CHAR = None  # a first-character set that may be anything


class UnsafePattern(ValueError):
    """The pattern's matching time can explode; the message says why, in Chinese."""


def check_regex(pattern: str) -> None:
    """Raise UnsafePattern for a pattern with catastrophic backtracking (see the module doc)."""
    try:
        tree = _parser.parse(pattern)
    except re.error:
        return  # the caller reports a pattern that does not compile
    _walk(tree, pattern)


def _walk(items, pattern: str) -> None:
    for op, av in items:
        if op in (C.GROUPREF, C.GROUPREF_EXISTS):
            raise UnsafePattern(f"正则 {pattern!r} 使用了反向引用，匹配时间无法保证，请改写")
        if op in _REPEATS:
            _low, high, body = av
            if high > 1:
                reason = _ambiguous(body)
                if reason:
                    raise UnsafePattern(f"正则 {pattern!r} 中重复的部分 {reason}，长文本上回溯次数会指数增长"
                                        "（如 ^(a|aa)+$），请改写（可用占有量词 ++ 或原子组 (?>…)）")
            _walk(body, pattern)
        elif op == C.POSSESSIVE_REPEAT:
            continue  # never backtracks into
        elif op == C.ATOMIC_GROUP:
            continue
        elif op == C.SUBPATTERN:
            _walk(av[3], pattern)
        elif op == C.BRANCH:
            for alt in av[1]:
                _walk(alt, pattern)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            _walk(av[1], pattern)


def _variable(body) -> bool:
    low, high = body.getwidth()
    return low != high


def _ambiguous(body) -> str | None:
    """Why repeating `body` is ambiguous, or None when every text splits into iterations one way."""
    if len(body) == 1 and body[0][0] == C.ATOMIC_GROUP:
        return None  # an atomic group commits to its first match: nothing to backtrack into
    if _variable(body):
        return "长度可变（可由多种方式切分）"
    for op, av in _flatten(body):
        if op == C.BRANCH and not _disjoint(av[1]):
            return "含有可以相同字符开头的分支"
    return None


def _flatten(items):
    for op, av in items:
        yield op, av
        if op == C.SUBPATTERN:
            yield from _flatten(av[3])
        elif op in _REPEATS:
            yield from _flatten(av[2])


def _disjoint(alternatives) -> bool:
    seen: set = set()
    for alt in alternatives:
        first = _first_chars(alt)
        if first is _ANY_CHAR or seen & first:
            return False
        seen |= first
    return True


def _first_chars(items):
    """The set of code points a match of `items` can start with, or _ANY_CHAR when not simply known."""
    for op, av in items:
        if op == C.LITERAL:
            return {av}
        if op == C.IN and all(o == C.LITERAL for o, _ in av):
            return {v for _, v in av}
        if op == C.SUBPATTERN:
            return _first_chars(av[3])
        if op == C.AT:
            continue  # an anchor takes no character
        return _ANY_CHAR
    return _ANY_CHAR
