"""A small parser of Python regex syntax into a tree, for translating rule patterns to durable_rules.

Python's own parse tree lives in private modules (`re._parser`) that change between versions; this
parser reads the same syntax with the public `re.compile` as the judge of validity, and gives every
construct durable cannot express a node of its own, so the translator can refuse it with a reason.

Nodes are `(op, argument)` pairs:
    LITERAL code · NOT_LITERAL code · ANY None · IN [class items] · BRANCH [alternatives]
    GROUP (flags, body) · REPEAT (lo, hi, body, lazy) · AT one of BEGIN, END, BEGIN_STRING, END_STRING
    CATEGORY letter (\\d \\w \\s and their negations) · UNSUPPORTED description
Class items are NEGATE None · LITERAL code · RANGE (lo, hi) · CATEGORY letter.
"""

from __future__ import annotations

import re
import unicodedata

LITERAL, NOT_LITERAL, ANY, IN, BRANCH, GROUP, REPEAT, AT = (
    "LITERAL", "NOT_LITERAL", "ANY", "IN", "BRANCH", "GROUP", "REPEAT", "AT")
CATEGORY, UNSUPPORTED, NEGATE, RANGE = "CATEGORY", "UNSUPPORTED", "NEGATE", "RANGE"
BEGIN, END, BEGIN_STRING, END_STRING = "BEGIN", "END", "BEGIN_STRING", "END_STRING"
MANY = None  # the upper bound of an unbounded repeat

_CONTROL = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
_QUANTIFIER = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_FLAG_LETTERS = set("aiLmsux-")


class PatternError(ValueError):
    """The text is not a valid Python regular expression (the message is Python's own)."""


def parse(pattern: str) -> list:
    """The tree of `pattern`: a list of alternatives' sequences folded into one node list."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise PatternError(str(exc)) from None
    parser = _Parser(pattern)
    tree = parser.alternation()
    if parser.pos != len(pattern):  # re.compile accepted it, so only an unbalanced ")" could be left
        raise PatternError(f"unexpected {pattern[parser.pos]!r} at position {parser.pos}")
    return tree


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos:self.pos + n]

    def take(self, n: int = 1) -> str:
        out = self.text[self.pos:self.pos + n]
        self.pos += n
        return out

    def alternation(self) -> list:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.take()
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else [(BRANCH, branches)]

    def sequence(self) -> list:
        items: list = []
        while self.pos < len(self.text) and self.peek() not in "|)":
            atom = self.atom()
            if atom is None:
                continue
            items.append(self.quantified(atom))
        return items

    def quantified(self, atom: tuple) -> tuple:
        ch = self.peek()
        bounds = None
        if ch in ("*", "+", "?"):
            self.take()
            bounds = {"*": (0, MANY), "+": (1, MANY), "?": (0, 1)}[ch]
        elif ch == "{":
            m = _QUANTIFIER.match(self.text, self.pos)
            if m and (m.group(1) or m.group(2)):
                self.pos = m.end()
                lo = int(m.group(1) or 0)
                hi = lo if not m.group(2) else (int(m.group(3)) if m.group(3) else MANY)
                bounds = (lo, hi)
        if bounds is None:
            return atom
        lazy = False
        if self.peek() == "?":
            self.take()
            lazy = True
        elif self.peek() == "+":
            self.take()
            return (UNSUPPORTED, "占有量词（*+ ++ ?+）")
        return (REPEAT, (bounds[0], bounds[1], [atom], lazy))

    def atom(self):
        ch = self.take()
        if ch == "(":
            return self.group()
        if ch == "[":
            items = self.char_class()
            if len(items) == 1 and items[0][0] == LITERAL:  # [x] is x; [^x] is "not x" (as Python reads them)
                return items[0]
            if len(items) == 2 and items[0][0] == NEGATE and items[1][0] == LITERAL:
                return (NOT_LITERAL, items[1][1])
            return (IN, items)
        if ch == ".":
            return (ANY, None)
        if ch == "^":
            return (AT, BEGIN)
        if ch == "$":
            return (AT, END)
        if ch == "\\":
            return self.escape(in_class=False)
        return (LITERAL, ord(ch))

    def group(self):
        if self.peek() != "?":
            body = self.alternation()
            self.take()  # ")"
            return (GROUP, ("", body))
        self.take()
        head = self.peek()
        if head == ":":
            self.take()
            body = self.alternation()
            self.take()
            return (GROUP, ("", body))
        if head == "#":  # a comment
            self.pos = self.text.index(")", self.pos) + 1
            return None
        if self.peek(2) == "P<":
            self.pos = self.text.index(">", self.pos) + 1
            body = self.alternation()
            self.take()
            return (GROUP, ("", body))
        if head in _FLAG_LETTERS:
            start = self.pos
            while self.peek() in _FLAG_LETTERS:
                self.take()
            flags = self.text[start:self.pos]
            if self.take() == ":":
                self.alternation()
                self.take()
            return (UNSUPPORTED, f"内联标志 (?{flags})")
        what = {"=": "向前断言 (?=…)", "!": "否定向前断言 (?!…)", "<": "向后断言 (?<=…)", ">": "原子组 (?>…)",
                "(": "条件分组 (?(…)…)", "P": "分组引用 (?P=…)"}.get(head, f"(?{head}…)")
        self._skip_group()
        return (UNSUPPORTED, what)

    def _skip_group(self) -> None:
        """Past the ")" closing the group whose "(?" was read (its content is not translated)."""
        depth = 1
        while depth:
            ch = self.take()
            if ch == "\\":
                self.take()
            elif ch == "[":
                self.char_class()
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1

    def char_class(self) -> list:
        items: list = []
        if self.peek() == "^":
            self.take()
            items.append((NEGATE, None))
        first = True
        while first or self.peek() != "]":
            first = False
            lo = self.class_atom()
            if lo[0] == LITERAL and self.peek() == "-" and len(self.peek(2)) == 2 and self.peek(2) != "-]":
                self.take()
                hi = self.class_atom()
                items.append((RANGE, (lo[1], hi[1])))
            else:
                items.append(lo)
        self.take()  # "]"
        return items

    def class_atom(self) -> tuple:
        ch = self.take()
        if ch == "\\":
            return self.escape(in_class=True)
        return (LITERAL, ord(ch))

    def escape(self, in_class: bool) -> tuple:
        ch = self.take()
        if ch in "dDwWsS":
            return (CATEGORY, ch)
        if ch in _CONTROL and (in_class or ch != "b"):
            return (LITERAL, _CONTROL[ch])
        if ch == "x":
            return (LITERAL, int(self.take(2), 16))
        if ch == "u":
            return (LITERAL, int(self.take(4), 16))
        if ch == "U":
            return (LITERAL, int(self.take(8), 16))
        if ch == "N":
            end = self.text.index("}", self.pos)
            name = self.text[self.pos + 1:end]
            self.pos = end + 1
            return (LITERAL, ord(unicodedata.lookup(name)))
        if ch.isdigit():
            return self._numeric_escape(ch, in_class)
        if ch == "A":
            return (AT, BEGIN_STRING)
        if ch == "Z":
            return (AT, END_STRING)
        if ch in "bB":
            return (UNSUPPORTED, "单词边界 \\b \\B")
        return (LITERAL, ord(ch))

    def _numeric_escape(self, first: str, in_class: bool) -> tuple:
        """As Python reads it: \\0 and (in a class) any octal digits are an octal code; outside a class
        three octal digits are one too, anything else is a group reference."""
        octal = "01234567"
        digits = first
        if first == "0" or in_class:
            while len(digits) < 3 and self.peek() and self.peek() in octal:
                digits += self.take()
            return (LITERAL, int(digits, 8))
        if self.peek() and self.peek().isdigit():
            digits += self.take()
            if digits[0] in octal and digits[1] in octal and self.peek() and self.peek() in octal:
                digits += self.take()
                return (LITERAL, int(digits, 8))
        return (UNSUPPORTED, f"反向引用 \\{digits}")
