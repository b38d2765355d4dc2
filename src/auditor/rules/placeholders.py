"""The placeholder syntax of message and correction templates: which `{name}`s a template reads.

Kept apart from `template.py` (which formats values and needs pandas) so that loading the rule pack,
and with it `auditor rules list`, checks every placeholder without importing pandas.
"""

from __future__ import annotations

import re

# {name} or {name|text shown when the value is missing}
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)(?:\|([^{}|]*))?\}")
DEADLINE_ATTRS = ("due", "limit", "unit", "start", "end", "elapsed", "over", "label", "actual", "act_by")


def placeholders(template: str) -> list[str]:
    return [m.group(1) for m in PLACEHOLDER.finditer(template.replace("{{", "").replace("}}", ""))]
