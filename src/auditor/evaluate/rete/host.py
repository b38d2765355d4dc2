"""The durable_rules host: a private engine, the sink consequents write to, and the session loop.

Traps of durable_rules 2.0.28 handled here (each found by experiment): the Host constructor starts
timer threads that dispatch actions concurrently (a private subclass without them is used); deleting
a session in which no action ever ran segfaults, and at most 1024 sessions may live at once (a rule
on the first fact of each session always fires, and every session is deleted); exceptions inside a
consequent are swallowed by the host (the consequents here are called directly, collect errors and
raise after the run); a consequent taking two arguments is treated as asynchronous (ours take one).
"""

from __future__ import annotations

import json
import re

import durable_rules_engine as engine
from durable.engine import Host

from auditor.progress import progress

POS = "~p"  # every fact carries its row position in its scope's frame
MARKS = {"case": "~c", "recording": "~r"}  # which scope a fact belongs to; every rule tests it
FIRST = "~s"  # on the first fact of each session: the SEEN rule fires once per session


class ReteError(RuntimeError):
    """A consequent raised inside durable_rules: a bug in the evaluator, never a user mistake."""


class QuietHost(Host):
    """A durable Host without the background threads that dispatch actions on a timer."""

    def _run(self):
        pass


def private_host(rulesets: dict, attempts: int = 3) -> Host:
    """A fresh host of our own (never the module-level `durable.lang` one) with these rulesets.

    durable_rules 2.0.28 very rarely refuses a ruleset it accepted a moment before ("Could not create
    ruleset, error code: 102", seen twice in hundreds of runs, never reproducible): the same definition
    is tried again on a new host before giving up."""
    import durable_rules_engine

    for attempt in range(attempts):
        host = QuietHost()
        # register_rulesets deletes each rule's "run" key: give it a copy so a retry has the original.
        copy = {name: {rule: dict(body) for rule, body in definition.items()}
                for name, definition in rulesets.items()}
        try:
            host.register_rulesets(copy)
            return host
        except durable_rules_engine.error:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")



class Sink:
    """Where consequents record what fired; exceptions inside them are kept, not swallowed."""

    def __init__(self):
        self.fired: list[tuple[str, int]] = []
        self.errors: list[str] = []

    def consequent(self, tag: str):
        def run(c):  # one argument: durable treats two-argument actions as asynchronous
            try:
                self.fired.append((tag, int(c.m[POS])))
            except BaseException as exc:  # noqa: BLE001 - re-raised after the run, see check()
                self.errors.append(f"{tag}: {type(exc).__name__}: {exc}")
        run.record = (self.fired, tag)  # assert_sessions appends (tag, position) itself, no call
        return run

    def check(self):
        if self.errors:
            raise ReteError(f"durable_rules 规则动作出错 {len(self.errors)} 次: " + "; ".join(self.errors[:5]))


SEEN = "~seen"


def ruleset(exprs: dict, sink: Sink) -> dict:
    ruleset = {name: {"all": [{"m": expr}], "run": sink.consequent(tag)} for name, (tag, expr) in exprs.items()}
    # Every session must run at least one action before it is deleted: durable 2.0.28 frees an
    # uninitialised pointer (segfault) when deleting a session in which no action ever started.
    ruleset[SEEN] = {"all": [{"m": {FIRST: 1}}], "run": _seen}
    return ruleset


def _seen(c):
    pass


class Fired:
    """What a consequent sees: `c.m`, the fact durable matched (as durable's own closure offers it)."""

    __slots__ = ("m",)

    def __init__(self, m):
        self.m = m


# The head of every fired message for a fact built by encoder.py: {"<rule>":{"m":{"sid":"<sid>","~p":<n>,
_HEAD = re.compile(r'\{"([^"\\]+)":\{"m":\{"sid":"[^"\\]*","' + re.escape(POS) + r'":(\d+)[,}]')
OBSERVED = 2  # durable's ERR_EVENT_OBSERVED: a fact with the same identity is already in the session


def fired(message: str) -> tuple[str, Fired]:
    """(rule name, fact as durable matched it) of a fired rule's message `{"<rule>":{"m":{...}}}`."""
    rule = message[2:message.index('"', 2)]  # our rule names need no escapes
    return rule, Fired(json.loads(message)[rule]["m"])


def _actions(handle, state) -> list[str]:
    """The messages of every rule the session's facts fired, in durable's order."""
    out = []
    started = engine.start_action_for_state(handle, state)
    message = started[1] if started else None
    while message:
        out.append(message)
        message = engine.complete_and_start_action(handle, state)
    return out


def _one_by_one(handle, sid: str, batch: list[str]) -> list[str]:
    """The messages of `batch` asserted one fact per session.

    durable identifies a fact without an "id" by a hash of its content, and a session's facts by a
    32-bit hash of that identity: two different facts of a large session can collide, and the second
    is then dropped (OBSERVED). Every rule reads one fact, so a fact alone in its session fires exactly
    the rules it fires among others; each is marked FIRST so its session runs an action."""
    out = []
    for j, fact in enumerate(batch):
        one_sid = f"{sid}.{j}"
        one = fact.replace(f'{{"sid":"{sid}"', f'{{"sid":"{one_sid}"', 1)
        if one == fact:
            raise ReteError(f"durable_rules 会话 {sid} 的事实不是本模块编码的形式")
        if _FIRST_KEY not in one:
            one = one[:-1] + f',{_FIRST_KEY}1}}'
        code, state = engine.assert_facts(handle, "[" + one + "]")
        if code not in (0, 1):
            raise ReteError(f"durable_rules 无法处理会话 {one_sid}（代码 {code}）")
        out += _actions(handle, state)
        engine.delete_state(handle, one_sid)
    return out


_FIRST_KEY = f'"{FIRST}":'


STACK_OVERFLOW = "error code: 303"  # durable's ERR_MAX_STACK_SIZE: one fact reached > 64 alpha nodes at once
SPLIT = 16  # durable rules per ruleset when a fact overflows the whole ruleset's alpha stack


def split_rulesets(exprs: dict, sink: Sink, name: str):
    """Hosts for `exprs` cut into rulesets of SPLIT rules: `[(host, ruleset name)]`, for `assert_sessions`.

    durable walks a fact through the alpha network with a fixed stack of 64 nodes: a fact that passes
    the leading tests of very many rules at once (seen at 100,000 cases with every outcome compiled)
    cannot be asserted into the whole ruleset, but can into smaller ones, each firing its own rules."""
    names = list(exprs)
    parts = [{rule: exprs[rule] for rule in names[k:k + SPLIT]} for k in range(0, len(names), SPLIT)]
    return [(private_host({f"{name}_{k}": ruleset(part, sink)}), f"{name}_{k}") for k, part in enumerate(parts)]


def assert_sessions(host: Host, name: str, sessions, n: int, label: str, quiet: bool = False,
                    split=None) -> None:
    """Assert each session's facts (JSON texts, the first marked FIRST), run the consequents of the
    rules they fired, delete the session. `sessions` yields (sid, facts, items): `items` of the `n`
    the progress counts (a session may hold many cases: every rule reads one fact, so facts of
    different cases never meet in a match).

    The Host's own dispatch (a Closure, a Promise, JSON round trips of the state and of every message)
    costs more than the Rete match itself, so the same engine calls are made here directly: assert,
    start the session's actions, complete, delete; then each rule's consequent, or for a `Sink`'s
    consequent its (tag, position) appended directly (one Python call less per fired part).
    A session durable cannot assert for its alpha stack (STACK_OVERFLOW) is asserted instead into each
    of the rulesets `split()` returns (`split_rulesets`), built once when first needed; its partly
    asserted state in the whole ruleset is left undeleted (deleting it could crash durable, see above).
    """
    ruleset = host.get_ruleset(name)
    handle = ruleset._handle
    actions = {rule: promise._func for rule, promise in ruleset._actions.items()}
    records = {rule: getattr(func, "record", None) for rule, func in actions.items()}
    with progress(n, label, enabled=False if quiet else None) as bar:
        parts = None
        for sid, batch, items in sessions:
            try:
                code, state = engine.assert_facts(handle, "[" + ",".join(batch) + "]")
            except engine.error as exc:
                if split is None or STACK_OVERFLOW not in str(exc):
                    raise
                parts = parts or split()
                for part_host, part_name in parts:
                    assert_sessions(part_host, part_name, iter([(sid, batch, 0)]), 0, label, quiet=True)
                bar.advance(items)
                continue
            if code not in (0, 1, OBSERVED):  # 1: some fact matched nothing, which is fine
                raise ReteError(f"durable_rules 无法处理会话 {sid}（代码 {code}）")
            messages = _actions(handle, state)
            engine.delete_state(handle, sid)
            if code == OBSERVED:
                if len(batch) == 1:
                    raise ReteError(f"durable_rules 无法处理会话 {sid}（代码 {code}）")
                messages = _one_by_one(handle, sid, batch)
            for message in messages:
                # durable hands a fact back as the very text it was asserted as, and the facts built
                # in encoder.py open with {"sid":"<sid>","~p":<n>: a Sink's consequent needs only that
                # position, read from the head rather than by decoding the whole fact (decoding was
                # most of the run: dozens of fired parts per case)
                head = _HEAD.match(message)
                record = records.get(head.group(1)) if head is not None else None
                if record is not None:
                    record[0].append((record[1], int(head.group(2))))
                    continue
                rule, fact = (head.group(1), None) if head is not None else fired(message)
                if rule != SEEN:
                    actions[rule](fact if fact is not None else fired(message)[1])
            bar.advance(items)
