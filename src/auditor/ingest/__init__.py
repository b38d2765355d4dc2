"""Read XML/CSV exports into the canonical tables through a mapping profile; nothing is lost."""

from auditor.ingest.limits import DEFAULT_LIMITS, Limits
from auditor.ingest.loader import load_exports
from auditor.ingest.mapping import ExportMapping, load_mapping
from auditor.ingest.report import FileInfo, InputWarning, LoadResult, RejectedRow, TableCount

__all__ = [
    "DEFAULT_LIMITS", "FileInfo", "InputWarning", "Limits", "LoadResult", "ExportMapping", "RejectedRow",
    "TableCount", "load_exports", "load_mapping",
]
