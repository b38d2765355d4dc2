"""Evaluation: a run prepared once (prepare.py) and judged by the registered engines (registry.py)."""
