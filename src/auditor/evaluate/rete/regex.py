"""Python `re.search` patterns → durable_rules `$mt` patterns, and a check that both engines agree.

durable_rules has its own regex dialect, compiled to a DFA in C: the whole string must match, `%`
is the escape character (`%d` is [0-9]), `.` matches any character including a newline, there are no
anchors, lookarounds, back references, flags or Unicode categories, and a character range is expanded
symbol by symbol (at most 4096). Its DFA construction is also wrong for some patterns wrapped in
`.*…*` (e.g. `.*[0-9]{4}.*` misses "x2024y12z"). So a rule pattern is (1) translated from Python's
syntax tree (regex_syntax.py), construct by construct, refusing what has no exact equivalent, and (2) run through both
engines on probe strings built from the pattern itself; any disagreement rejects the pattern, with
the string that shows it, instead of letting the two evaluators silently differ.
"""

from __future__ import annotations

import json
import re

from auditor.evaluate.rete.host import FIRST, POS, Sink, assert_sessions, private_host, ruleset
from auditor.evaluate.rete.regex_syntax import (
    ANY,
    AT,
    BEGIN,
    BEGIN_STRING,
    BRANCH,
    CATEGORY,
    END,
    END_STRING,
    GROUP,
    IN,
    LITERAL,
    MANY,
    NEGATE,
    NOT_LITERAL,
    RANGE,
    REPEAT,
    UNSUPPORTED,
    PatternError,
    parse,
)

_SPECIAL = set(".|?*+()[]{}%")
_CLASS_ESCAPE = set("]%[")  # inside [...]; "-" goes last, "^" never first
MAX_INTERVAL = 100  # durable's largest {m,n}


class Unsupported(ValueError):
    """A pattern durable_rules cannot judge like Python's `re.search`."""


def _char(code: int, in_class: bool = False) -> str:
    ch = chr(code)
    if ch in (_CLASS_ESCAPE if in_class else _SPECIAL):
        return "%" + ch
    return ch


def _class(items) -> str:
    negate = False
    parts, tail = [], []
    for op, av in items:
        if op == NEGATE:
            negate = True
        elif op == LITERAL:
            (tail if chr(av) in "-^" else parts).append(_char(av, True))
        elif op == RANGE:
            lo, hi = av
            if hi - lo > 2000:
                raise Unsupported(f"字符范围 {chr(lo)}-{chr(hi)} 过大（durable_rules 逐字展开，上限约 4096 个符号）")
            parts.append(f"{_char(lo, True)}-{_char(hi, True)}")
        else:
            raise Unsupported(_why(op, av))
    if not parts and not tail:
        raise Unsupported("空字符类")
    if not parts and not negate:
        return "(" + "|".join(tail) + ")"  # outside a class "-" and "^" are plain characters in durable
    if not parts:
        raise Unsupported("形如 [^-] / [^^] 的字符类无法在 durable_rules 中表达")
    return "[" + ("^" if negate else "") + "".join(parts) + "".join(sorted(tail, reverse=True)) + "]"


def _why(op, av=None) -> str:
    if op == CATEGORY:
        return ("\\d \\w \\s 等类别在 Python 中包含全部 Unicode 数字/字母/空白，durable_rules 只认 ASCII；"
                "请写明确的字符类，如 [0-9]")
    what = av if op == UNSUPPORTED else op
    return f"durable_rules 的正则不支持 {what}（只支持字面字符、.、[...]、|、(...)、* + ? {{m,n}} 以及首尾的 ^ $）"


def _seq(items) -> str:
    out = []
    for op, av in items:
        if op == LITERAL:
            out.append(_char(av))
        elif op == NOT_LITERAL:
            out.append("[^" + _char(av, True) + "]")
        elif op == ANY:
            out.append("[^\n]")  # Python's `.` stops at a newline; durable's does not
        elif op == IN:
            out.append(_class(av))
        elif op == BRANCH:
            out.append("(" + "|".join(_seq(b) or "()" for b in av) + ")")
        elif op == GROUP:
            out.append("(" + _seq(av[1]) + ")")
        elif op == REPEAT:  # lazy or greedy: the same for "is there a match"
            lo, hi, body, _lazy = av
            inner = _seq(body)
            atom = inner if len(body) == 1 and body[0][0] in (LITERAL, IN, ANY, NOT_LITERAL, GROUP) \
                else "(" + inner + ")"
            if (lo, hi) == (0, MANY):
                out.append(atom + "*")
            elif (lo, hi) == (1, MANY):
                out.append(atom + "+")
            elif (lo, hi) == (0, 1):
                out.append(atom + "?")
            else:
                if lo > MAX_INTERVAL or (hi is not MANY and hi > MAX_INTERVAL):
                    raise Unsupported(f"重复次数超过 durable_rules 的上限 {MAX_INTERVAL}")
                if hi is MANY:
                    out.append(atom + "{" + str(lo) + ",}")
                elif lo == 0:
                    raise Unsupported("durable_rules 不支持下限为 0 的 {0,n}，请改写为 (x)?(x)?…")
                else:
                    out.append(atom + "{" + (str(lo) if lo == hi else f"{lo},{hi}") + "}")
        elif op == AT:
            raise Unsupported("^ 和 $ 只能出现在模式（或顶层分支）的开头和结尾")
        else:
            raise Unsupported(_why(op, av))
    return "".join(out)


def translate(pattern: str) -> str:
    """The durable_rules full-match pattern equivalent to `re.search(pattern, text)`; raises Unsupported."""
    try:
        items = parse(pattern)
    except PatternError as exc:
        raise Unsupported(f"正则表达式无效: {exc}") from None
    branches = items[0][1] if len(items) == 1 and items[0][0] is BRANCH else [items]
    out = []
    for branch in branches:
        branch = list(branch)
        head, tail = ".*", ".*"
        if branch and branch[0] in ((AT, BEGIN), (AT, BEGIN_STRING)):
            head = ""
            branch = branch[1:]
        if branch and branch[-1] == (AT, END):
            tail = "(\n)?"  # without MULTILINE, `$` also matches just before a final newline
            branch = branch[:-1]
        elif branch and branch[-1] == (AT, END_STRING):
            tail = ""
            branch = branch[:-1]
        out.append(head + _seq(branch) + tail)
    return out[0] if len(out) == 1 else "|".join(f"({b})" for b in out)


# --------------------------------------------------------------------------------------------------
# Probe strings: samples the pattern itself describes, cut and wrapped in typical neighbours


def _samples(items, limit: int = 12) -> list[str]:
    outs = [""]
    for op, av in items:
        if op == LITERAL:
            opts = [chr(av)]
        elif op == NOT_LITERAL:
            opts = ["x" if av != ord("x") else "y", chr(av)]
        elif op == ANY:
            opts = ["a", "中", "\n"]
        elif op == IN:
            opts = _class_samples(av)
        elif op == BRANCH:
            opts = [s for b in av for s in _samples(b, limit)]
        elif op == GROUP:
            opts = _samples(av[1], limit)
        elif op == REPEAT:
            lo, hi, body, _lazy = av
            inner = _samples(body, limit)
            counts = {lo, lo + 1, min(hi, lo + 3) if hi is not MANY else lo + 3}
            opts = []
            for n in sorted(counts):
                if hi is not MANY and n > hi:
                    continue
                opts.extend(("".join(inner[(i + k) % len(inner)] for i in range(n))) for k in range(min(3, len(inner))))
            if lo > 0:
                opts.append("".join(inner[0] for _ in range(lo - 1)))  # one short
        else:
            opts = [""]
        outs = [a + b for a in outs for b in dict.fromkeys(opts)][: limit * 4]
    return list(dict.fromkeys(outs))[: limit * 4]


def _class_samples(items) -> list[str]:
    negate = any(op == NEGATE for op, _ in items)
    inside = []
    for op, av in items:
        if op == LITERAL:
            inside.append(chr(av))
        elif op == RANGE:
            lo, hi = av
            inside.extend({chr(lo), chr(hi), chr((lo + hi) // 2)})
    outside = [c for c in ("a", "Z", "5", "中", "-", "\n", "〔") if c not in inside]
    return (outside[:3] + inside[:2]) if negate else (inside + outside[:2])


_NEIGHBOURS = ("", "x", "9", "中文", "a1b2", "\n", "2024号")


def probes(pattern: str) -> list[str]:
    try:
        tree = parse(pattern)
    except PatternError:
        return []
    core = _samples(tree)
    cut = [s[1:] for s in core if s] + [s[:-1] for s in core if s]
    out = []
    for s in dict.fromkeys(core + cut):
        for before in _NEIGHBOURS:
            for after in _NEIGHBOURS:
                out.append(before + s + after)
    return list(dict.fromkeys(out))


def disagreement(pattern: str, durable_pattern: str) -> str | None:
    """A probe string on which durable_rules and Python disagree (None when they agree on all)."""
    strings = probes(pattern)
    sink = Sink()
    try:
        host = private_host({"probe": ruleset({"r": ("r", {"$mt": {"s": durable_pattern}})}, sink)})
    except Exception as exc:  # noqa: BLE001 - durable refuses to compile it (too many states, a parse error)
        return f"durable_rules 无法编译该模式（{exc}）"
    facts = ((str(i), [json.dumps({"sid": str(i), POS: i, FIRST: 1, "s": s}, ensure_ascii=False)], 1)
             for i, s in enumerate(strings))
    assert_sessions(host, "probe", facts, len(strings), "regex", quiet=True)
    sink.check()
    hits = {pos for _tag, pos in sink.fired}
    for i, s in enumerate(strings):
        if (i in hits) != bool(re.search(pattern, s)):
            return f"例如对 {s!r}，Python 判定为{'匹配' if i not in hits else '不匹配'}，durable_rules 相反"
    return None


def check_pattern(pattern: str) -> str:
    """The durable pattern for `pattern`, or Unsupported with a message a rule author can act on."""
    durable_pattern = translate(pattern)
    why = disagreement(pattern, durable_pattern)
    if why:
        raise Unsupported(f"durable_rules 对正则 {pattern!r} 的判定与 Python 不一致：{why}；请改写该模式")
    return durable_pattern
