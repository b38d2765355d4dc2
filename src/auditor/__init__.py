"""auditor: a rules-based compliance audit engine for Shanghai 城管执法 case files."""

__version__ = "0.1.0"
