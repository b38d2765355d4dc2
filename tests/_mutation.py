"""Structure-aware mutation of a parsed YAML document, shared by the rule and configuration fuzzers."""

from __future__ import annotations

import copy


def paths(node, prefix=()):
    """Every path (tuple of keys and indexes) into `node`, the empty path first."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from paths(v, (*prefix, i))


def mutate(doc, where: int, how: str, value, key):
    """A copy of `doc` with one node dropped, replaced, or given an extra key / item."""
    doc = copy.deepcopy(doc)
    every = [p for p in paths(doc) if p]
    path = every[where % len(every)]
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "drop":
        del parent[last]
    elif how == "replace":
        parent[last] = value
    elif isinstance(parent[last], dict):
        parent[last][key] = value
    elif isinstance(parent[last], list):
        parent[last].append(value)
    else:
        parent[last] = {key: value}
    return doc
