"""The evaluator registry: every engine once, with its label and what it can do.

The CLI's `--engine` choices, the engine label in reports, `--check-parity` and `rules validate` read
this table; adding an evaluator is one module and one `register(...)` call.

Capabilities:
    REFERENCE  the default engine; parity compares every other engine with it
    PARITY     judged against the reference by `--check-parity`
A `check_pack(pack, params=None) -> list[RuleError]` lists rules the engine cannot judge exactly like
the reference; `rules validate` refuses them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from auditor.errors import UsageError
from auditor.evaluate.context import Evaluator
from auditor.suggest import did_you_mean

REFERENCE = "reference"
PARITY = "parity"


@dataclass(frozen=True)
class EvaluatorInfo:
    name: str
    label: dict  # {"zh": ..., "en": ...}: how reports name the engine
    factory: Callable[[], Evaluator]
    capabilities: frozenset = field(default_factory=frozenset)
    check_pack: Callable | None = None

    def create(self) -> Evaluator:
        return self.factory()


_REGISTRY: dict[str, EvaluatorInfo] = {}


def register(info: EvaluatorInfo) -> EvaluatorInfo:
    if info.name in _REGISTRY:
        raise ValueError(f"evaluator {info.name!r} is already registered")
    _REGISTRY[info.name] = info
    return info


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def names() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def info(name: str) -> EvaluatorInfo:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UsageError(f"未知的评估引擎 {name!r}{did_you_mean(name, _REGISTRY)}；可选: {', '.join(_REGISTRY)}") \
            from None


def create(name: str) -> Evaluator:
    return info(name).create()


def default_name() -> str:
    return next(i.name for i in _REGISTRY.values() if REFERENCE in i.capabilities)


def parity_names(chosen: str | None = None) -> tuple[str, ...]:
    """The reference first, then every engine judged against it (and the chosen one, if it is neither)."""
    out = [default_name()] + [i.name for i in _REGISTRY.values() if PARITY in i.capabilities]
    if chosen and chosen not in out:
        out.append(chosen)
    return tuple(dict.fromkeys(out))


def label(name: str, lang: str = "zh") -> str:
    found = _REGISTRY.get(name)
    return found.label.get(lang, name) if found else name


def pack_problems(pack, params: dict | None = None) -> list:
    """Rules some registered engine cannot judge exactly like the reference (RuleErrors, in engine order)."""
    errors = []
    for found in _REGISTRY.values():
        if found.check_pack is not None:
            errors.extend(found.check_pack(pack, params))
    return errors


def _vectorized() -> Evaluator:
    from auditor.evaluate.vectorized import VectorizedEvaluator

    return VectorizedEvaluator()


def _rete() -> Evaluator:
    from auditor.evaluate.rete import ReteEvaluator

    return ReteEvaluator()


def _rete_check(pack, params=None) -> list:
    from auditor.evaluate.rete import check_pack

    return check_pack(pack, params)


register(EvaluatorInfo("vectorized", {"zh": "向量化（pandas）", "en": "vectorized (pandas)"}, _vectorized,
                       frozenset({REFERENCE})))
register(EvaluatorInfo("rete", {"zh": "Rete（durable_rules）", "en": "Rete (durable_rules)"}, _rete,
                       frozenset({PARITY}), check_pack=_rete_check))
