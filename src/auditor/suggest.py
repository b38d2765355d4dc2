"""Did-you-mean: the one helper every error about an unknown name uses to suggest the closest known ones."""

from __future__ import annotations

import difflib


def close_matches(name: str, choices, n: int = 3) -> list[str]:
    return difflib.get_close_matches(str(name), [str(c) for c in choices], n=n, cutoff=0.6)


def first_unknown(keys, allowed) -> str | None:
    """The first key (in sorted order, as text) of `keys` that `allowed` does not hold; None if all are known."""
    allowed = {str(a) for a in allowed}
    unknown = sorted(str(k) for k in keys if str(k) not in allowed)
    return unknown[0] if unknown else None


def did_you_mean(name: str, choices) -> str:
    """`（是否想写: a, b？）` with the known names closest to `name`, or "" when none is close."""
    close = close_matches(name, choices)
    return f"（是否想写: {', '.join(close)}？）" if close else ""
