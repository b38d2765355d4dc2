"""CSV: one row per finding (`findings.csv`) and one row per early warning (`warnings.csv`).

UTF-8 with a BOM so that Excel/WPS on a Chinese Windows open it as UTF-8; CRLF line ends; Chinese
headers (English with lang="en"). Any text cell that a spreadsheet would evaluate as a formula
(leading = + - @ tab CR) is prefixed with a single quote.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from auditor.atomic import atomic_write_bytes
from auditor.report import labels
from auditor.report.common import (
    basis_text, departments_text, iso, neutralise, source_of, source_text, tr,
)

BOM = "\ufeff"


def warnings_path(path: Path) -> Path:
    """findings.csv -> warnings.csv; any other name -> <stem>-warnings.csv beside it."""
    if path.stem == "findings":
        return path.with_name("warnings.csv")
    return path.with_name(f"{path.stem}-warnings.csv")


def _encode(header: list[str], rows: list[list[Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return (BOM + buf.getvalue()).encode("utf-8")


def finding_rows(result: Any, lang: str) -> list[list[Any]]:
    sources = source_of(result)
    rows = []
    for f in result.findings:
        rows.append([
            f.fingerprint, f.squad, f.case_id, f.rule_id, labels.theme_label(f.theme, lang),
            labels.severity_label(f.severity, lang), tr(f.title, lang), f.subject, tr(f.message, lang),
            basis_text(f.basis, lang), tr(f.correction, lang), departments_text(f.departments, lang),
            iso(f.correction_due), source_text(sources.get(f.case_id)),
        ])
    return rows


def warning_rows(result: Any, lang: str) -> list[list[Any]]:
    return [[iso(w.due), int(w.days_left), w.squad, w.case_id, w.rule_id, tr(w.label, lang)]
            for w in result.warnings]


def write_csv(result: Any, path: str | Path, *, lang: str = "zh", show_personal_data: bool = False) -> list[Path]:
    """Write the findings CSV at `path` and the early-warning CSV beside it; returns both paths.

    Finding messages arrive already masked by the run; the CSV adds no other personal field, so
    `show_personal_data` changes nothing here.
    """
    del show_personal_data
    path = Path(path)
    out = [atomic_write_bytes(path, _encode(labels.headers(labels.FINDING_COLUMNS, lang), finding_rows(result, lang)))]
    wpath = warnings_path(path)
    out.append(atomic_write_bytes(wpath, _encode(labels.headers(labels.WARNING_COLUMNS, lang),
                                                 warning_rows(result, lang))))
    return out
