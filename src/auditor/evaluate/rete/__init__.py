"""The Rete evaluator (durable_rules), in five parts with one job each:

host.py (the private durable host and the session loop) ← regex.py (Python patterns → durable's
dialect, on regex_syntax.py) ← compiler.py (condition tree → durable expressions) ← encoder.py (rows →
JSON facts, one session per case) and checker.py (what durable cannot judge exactly) ← evaluator.py.
"""

from auditor.evaluate.rete.checker import check_pack, check_rules
from auditor.evaluate.rete.evaluator import ReteEvaluator, ruleset_json
from auditor.evaluate.rete.host import ReteError, private_host

__all__ = ["ReteEvaluator", "ReteError", "check_pack", "check_rules", "private_host", "ruleset_json"]
