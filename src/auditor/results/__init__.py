"""From an evaluator's hits to what an audit reports: findings with their text, early warnings,
notices and the deadline table."""
