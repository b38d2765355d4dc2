"""Where the shipped rule pack lives: inside the installed package, or the checkout's `rules/`.

A wheel carries the pack (rules, parameters, calendars, district profiles, cause catalogue) as
`auditor/data/rulepack`, copied there at build time by `setup.py`; an editable install or a
checkout has no copy and uses the repository's `rules/` directory instead. Kept free of heavy
imports: the generator and `--version` use it too.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PACK_META = "pack.yaml"


def default_pack_path() -> Path:
    """The rule pack used when `--rules` is not given."""
    packaged = Path(str(resources.files("auditor") / "data" / "rulepack"))
    if (packaged / PACK_META).is_file():
        return packaged
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "rules" / PACK_META
        if candidate.is_file() and parent.name != "auditor":
            return candidate.parent
    return packaged  # missing: the loader reports the directory by name


def pack_version() -> str:
    """The shipped pack's `version` from pack.yaml, read without the YAML loader ('?' if absent)."""
    meta = default_pack_path() / PACK_META
    try:
        text = meta.read_text(encoding="utf-8")
    except OSError:
        return "?"
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() == "version":
            return value.strip().strip("'\"") or "?"
    return "?"
