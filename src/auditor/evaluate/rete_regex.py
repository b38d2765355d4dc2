"""Python `re.search` patterns → durable_rules `$mt` patterns, and a check that both engines agree.

durable_rules has its own regex dialect, compiled to a DFA in C: the whole string must match, `%`
is the escape character (`%d` is [0-9]), `.` matches any character including a newline, there are no
anchors, lookarounds, back references, flags or Unicode categories, and a character range is expanded
symbol by symbol (at most 4096). Its DFA construction is also wrong for some patterns wrapped in
`.*…*` (e.g. `.*[0-9]{4}.*` misses "x2024y12z"). So a rule pattern is (1) translated from Python's
parse tree, construct by construct, refusing what has no exact equivalent, and (2) run through both
engines on probe strings built from the pattern itself; any disagreement rejects the pattern, with
the string that shows it, instead of letting the two evaluators silently differ.
"""

from __future__ import annotations

import json
import re
import re._parser as sre  # the parse tree of Python's own regex compiler (Python ≥ 3.11)
from re._constants import (
    ANY,
    AT,
    AT_BEGINNING,
    AT_BEGINNING_STRING,
    AT_END,
    AT_END_STRING,
    BRANCH,
    IN,
    LITERAL,
    MAX_REPEAT,
    MAXREPEAT,
    MIN_REPEAT,
    NEGATE,
    NOT_LITERAL,
    RANGE,
    SUBPATTERN,
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
        if op is NEGATE:
            negate = True
        elif op is LITERAL:
            (tail if chr(av) in "-^" else parts).append(_char(av, True))
        elif op is RANGE:
            lo, hi = av
            if hi - lo > 2000:
                raise Unsupported(f"字符范围 {chr(lo)}-{chr(hi)} 过大（durable_rules 逐字展开，上限约 4096 个符号）")
            parts.append(f"{_char(lo, True)}-{_char(hi, True)}")
        else:
            raise Unsupported(_why(op))
    if not parts and not tail:
        raise Unsupported("空字符类")
    if not parts and not negate:
        return "(" + "|".join(tail) + ")"  # outside a class "-" and "^" are plain characters in durable
    if not parts:
        raise Unsupported("形如 [^-] / [^^] 的字符类无法在 durable_rules 中表达")
    return "[" + ("^" if negate else "") + "".join(parts) + "".join(sorted(tail, reverse=True)) + "]"


def _why(op) -> str:
    name = str(op)
    if name == "CATEGORY":
        return ("\\d \\w \\s 等类别在 Python 中包含全部 Unicode 数字/字母/空白，durable_rules 只认 ASCII；"
                "请写明确的字符类，如 [0-9]")
    return f"durable_rules 的正则不支持 {name}（只支持字面字符、.、[...]、|、(...)、* + ? {{m,n}} 以及首尾的 ^ $）"


def _seq(items) -> str:
    out = []
    for op, av in items:
        if op is LITERAL:
            out.append(_char(av))
        elif op is NOT_LITERAL:
            out.append("[^" + _char(av, True) + "]")
        elif op is ANY:
            out.append("[^\n]")  # Python's `.` stops at a newline; durable's does not
        elif op is IN:
            out.append(_class(av))
        elif op is BRANCH:
            out.append("(" + "|".join(_seq(b) or "()" for b in av[1]) + ")")
        elif op is SUBPATTERN:
            _group, add_flags, del_flags, body = av
            if add_flags or del_flags:
                raise Unsupported("durable_rules 的正则不支持 (?i) 等内联标志")
            out.append("(" + _seq(body) + ")")
        elif op in (MAX_REPEAT, MIN_REPEAT):  # lazy or greedy: the same for "is there a match"
            lo, hi, body = av
            inner = _seq(body)
            atom = inner if len(body) == 1 and body[0][0] in (LITERAL, IN, ANY, NOT_LITERAL, SUBPATTERN) \
                else "(" + inner + ")"
            if (lo, hi) == (0, MAXREPEAT):
                out.append(atom + "*")
            elif (lo, hi) == (1, MAXREPEAT):
                out.append(atom + "+")
            elif (lo, hi) == (0, 1):
                out.append(atom + "?")
            else:
                if lo > MAX_INTERVAL or (hi != MAXREPEAT and hi > MAX_INTERVAL):
                    raise Unsupported(f"重复次数超过 durable_rules 的上限 {MAX_INTERVAL}")
                if lo == 0 and hi == MAXREPEAT:
                    out.append(atom + "*")
                elif hi == MAXREPEAT:
                    out.append(atom + "{" + str(lo) + ",}")
                elif lo == 0:
                    raise Unsupported("durable_rules 不支持下限为 0 的 {0,n}，请改写为 (x)?(x)?…")
                else:
                    out.append(atom + "{" + (str(lo) if lo == hi else f"{lo},{hi}") + "}")
        elif op is AT:
            raise Unsupported("^ 和 $ 只能出现在模式（或顶层分支）的开头和结尾")
        else:
            raise Unsupported(_why(op))
    return "".join(out)


def translate(pattern: str) -> str:
    """The durable_rules full-match pattern equivalent to `re.search(pattern, text)`; raises Unsupported."""
    try:
        tree = sre.parse(pattern)
    except re.error as exc:
        raise Unsupported(f"正则表达式无效: {exc}") from None
    if tree.state.flags & (re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.ASCII):
        raise Unsupported("durable_rules 的正则不支持 (?i) (?m) (?s) (?x) (?a) 等标志")
    items = list(tree)
    branches = items[0][1][1] if len(items) == 1 and items[0][0] is BRANCH else [items]
    out = []
    for branch in branches:
        branch = list(branch)
        head, tail = ".*", ".*"
        if branch and branch[0] == (AT, AT_BEGINNING) or branch and branch[0] == (AT, AT_BEGINNING_STRING):
            head = ""
            branch = branch[1:]
        if branch and branch[-1] == (AT, AT_END):
            tail = "(\n)?"  # without MULTILINE, `$` also matches just before a final newline
            branch = branch[:-1]
        elif branch and branch[-1] == (AT, AT_END_STRING):
            tail = ""
            branch = branch[:-1]
        out.append(head + _seq(branch) + tail)
    return out[0] if len(out) == 1 else "|".join(f"({b})" for b in out)


# --------------------------------------------------------------------------------------------------
# Probe strings: samples the pattern itself describes, cut and wrapped in typical neighbours


def _samples(items, limit: int = 12) -> list[str]:
    outs = [""]
    for op, av in items:
        if op is LITERAL:
            opts = [chr(av)]
        elif op is NOT_LITERAL:
            opts = ["x" if av != ord("x") else "y", chr(av)]
        elif op is ANY:
            opts = ["a", "中", "\n"]
        elif op is IN:
            opts = _class_samples(av)
        elif op is BRANCH:
            opts = [s for b in av[1] for s in _samples(b, limit)]
        elif op is SUBPATTERN:
            opts = _samples(av[3], limit)
        elif op in (MAX_REPEAT, MIN_REPEAT):
            lo, hi, body = av
            inner = _samples(body, limit)
            counts = {lo, lo + 1, min(hi, lo + 3) if hi != MAXREPEAT else lo + 3}
            opts = []
            for n in sorted(counts):
                if hi != MAXREPEAT and n > hi:
                    continue
                opts.extend(("".join(inner[(i + k) % len(inner)] for i in range(n))) for k in range(min(3, len(inner))))
            if lo > 0:
                opts.append("".join(inner[0] for _ in range(lo - 1)))  # one short
        else:
            opts = [""]
        outs = [a + b for a in outs for b in dict.fromkeys(opts)][: limit * 4]
    return list(dict.fromkeys(outs))[: limit * 4]


def _class_samples(items) -> list[str]:
    negate = any(op is NEGATE for op, _ in items)
    inside = []
    for op, av in items:
        if op is LITERAL:
            inside.append(chr(av))
        elif op is RANGE:
            lo, hi = av
            inside.extend({chr(lo), chr(hi), chr((lo + hi) // 2)})
    outside = [c for c in ("a", "Z", "5", "中", "-", "\n", "〔") if c not in inside]
    return (outside[:3] + inside[:2]) if negate else (inside + outside[:2])


_NEIGHBOURS = ("", "x", "9", "中文", "a1b2", "\n", "2024号")


def probes(pattern: str) -> list[str]:
    try:
        tree = sre.parse(pattern)
    except re.error:
        return []
    core = _samples(list(tree))
    cut = [s[1:] for s in core if s] + [s[:-1] for s in core if s]
    out = []
    for s in dict.fromkeys(core + cut):
        for before in _NEIGHBOURS:
            for after in _NEIGHBOURS:
                out.append(before + s + after)
    return list(dict.fromkeys(out))


def disagreement(pattern: str, durable_pattern: str) -> str | None:
    """A probe string on which durable_rules and Python disagree (None when they agree on all)."""
    from auditor.evaluate.rete import (
        FIRST,
        POS,
        _assert_sessions,
        _ruleset,
        _Sink,
        private_host,
    )

    strings = probes(pattern)
    sink = _Sink()
    try:
        host = private_host({"probe": _ruleset({"r": ("r", {"$mt": {"s": durable_pattern}})}, sink)})
    except Exception as exc:  # noqa: BLE001 - durable refuses to compile it (too many states, a parse error)
        return f"durable_rules 无法编译该模式（{exc}）"
    facts = ((str(i), [json.dumps({"sid": str(i), POS: i, FIRST: 1, "s": s}, ensure_ascii=False)])
             for i, s in enumerate(strings))
    _assert_sessions(host, "probe", facts, len(strings), "regex", quiet=True)
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
