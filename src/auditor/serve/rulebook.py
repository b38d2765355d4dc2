"""The rule behind an item: title, legal basis and correction, read from the rule pack the server uses.

The store keeps each finding's message but not the rule's text; the pack is loaded once per process.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from auditor.errors import AuditorError

_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _pack(rules: Path | None):
    from auditor.rules.loader import load_rule_pack

    return load_rule_pack(rules)


def rule_pack(config):
    with _LOCK:  # one load even when several requests need it at once
        return _pack(config.rules)


def rule_info(config, rule_id: str) -> dict | None:
    """Title, basis (law, article, quote, confidence), correction and departments of `rule_id`; None when
    the pack in use does not have the rule (an item from an older pack)."""
    try:
        rule = rule_pack(config).get(rule_id)
    except (KeyError, AuditorError):
        return None
    return {
        "id": rule.id, "title": rule.title.get("zh"), "theme": rule.theme, "severity": rule.severity,
        "description": (rule.description or {}).get("zh"),
        "basis": [{"law": b.law, "article": b.article, "quote": b.quote, "confidence": b.confidence}
                  for b in rule.basis],
        "correction": (rule.correction or {}).get("zh"), "departments": list(rule.departments),
    }
