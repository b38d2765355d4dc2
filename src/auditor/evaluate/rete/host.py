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


def assert_sessions(host: Host, name: str, sessions, n: int, label: str, quiet: bool = False) -> None:
    """Assert each session's facts (JSON texts, the first marked FIRST), run the consequents of the rules they fired, delete the session.

    The Host's own dispatch (a Closure, a Promise, JSON round trips of the state and of every message)
    costs more than the Rete match itself, so the same engine calls are made here directly: assert,
    start the session's actions, call each rule's registered consequent, complete, delete.
    """
    ruleset = host.get_ruleset(name)
    handle = ruleset._handle
    actions = {rule: promise._func for rule, promise in ruleset._actions.items()}
    with progress(n, label, enabled=False if quiet else None) as bar:
        for sid, batch in sessions:
            code, state = engine.assert_facts(handle, "[" + ",".join(batch) + "]")
            if code not in (0, 1):  # 1: some fact matched nothing, which is fine
                raise ReteError(f"durable_rules 无法处理会话 {sid}（代码 {code}）")
            started = engine.start_action_for_state(handle, state)
            messages = started[1] if started else None
            while messages:
                rule = messages[2:messages.index('"', 2)]  # {"<rule>": {"m": {...}}}; our names need no escapes
                if rule != SEEN:
                    actions[rule](Fired(json.loads(messages)[rule]["m"]))
                messages = engine.complete_and_start_action(handle, state)
            engine.delete_state(handle, sid)
            bar.advance()
