"""Deterministic sample exports of a Shanghai district (静安区) with injected violations and ground truth."""

from auditor.generate.export import DEFAULT_AS_OF, GenerateSummary, generate_export

__all__ = ["DEFAULT_AS_OF", "GenerateSummary", "generate_export"]
