"""Enrichment: the working-day calendar, derived facts and deadlines computed from the canonical tables."""
