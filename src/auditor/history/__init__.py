"""History of audit runs and tracking of correction items (销项管理). See docs/history.md."""

from auditor.history.store import RunSummary, default_history_path, list_runs, record_run
from auditor.history.baseline import baseline_fingerprints, new_since_baseline
from auditor.history.corrections import ImportReport, import_corrections
from auditor.history.status import (
    RunComparison, compare_runs, item_history, list_items, squad_status, squad_trend,
)

__all__ = [
    "ImportReport", "baseline_fingerprints", "import_corrections", "item_history", "list_items",
    "new_since_baseline", "RunComparison", "RunSummary", "compare_runs", "default_history_path", "list_runs", "record_run",
    "squad_status", "squad_trend",
]
