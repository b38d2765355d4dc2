"""Reporters: one module per output format, each reading only the neutral `AuditResult`.

    FORMATS[name] = Format(writer, file_name)
    writer(result, path, *, lang="zh", show_personal_data=False) -> list[Path]   (the files written)

Every writer writes atomically (auditor.atomic) and shares the statistics of `summary.summarize`.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from xlsxwriter.exceptions import FileCreateError

from auditor.errors import UsageError
from auditor.progress import progress
from auditor.report.csv_report import write_csv
from auditor.report.excel import write_xlsx
from auditor.report.html import DEFAULT_MAX_CASE_SECTIONS
from auditor.report.html_pages import write_html
from auditor.report.json_report import write_json
from auditor.report.junit import write_junit
from auditor.report.publish import RUN_MARKER, publish, read_marker
from auditor.report.sarif import write_sarif
from auditor.report.summary import Summary, summarize


@dataclass(frozen=True)
class Format:
    writer: Callable[..., list[Path]]
    file_name: str


FORMATS: dict[str, Format] = {
    "json": Format(write_json, "findings.json"),
    "csv": Format(write_csv, "findings.csv"),
    "sarif": Format(write_sarif, "findings.sarif"),
    "junit": Format(write_junit, "findings.junit.xml"),
    "xlsx": Format(write_xlsx, "report.xlsx"),
    "html": Format(write_html, "report.html"),
}


def write_reports(result: Any, out_dir: str | Path, formats: list[str] | tuple[str, ...], *,
                  lang: str = "zh", show_personal_data: bool = False,
                  max_case_sections: int = DEFAULT_MAX_CASE_SECTIONS, run_id: str | None = None,
                  force: bool = False, squad_lists: bool = False) -> list[Path]:
    """Write each requested format into `out_dir` under its standard file name, as one set that appears
    together or not at all (`publish`: staging folder, run marker, switch); returns every file written,
    in the order of `formats`. An unknown format is a usage error naming the known ones. With
    `squad_lists` (and xlsx) the set also holds one 整改清单 workbook per squad under 整改清单/."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"未知的报告格式: {', '.join(unknown)}（可用: {', '.join(FORMATS)}）")
    if lang not in ("zh", "en"):
        raise UsageError(f"未知的报告语言: {lang}（可用: zh, en）")
    out = Path(out_dir)
    names = list(dict.fromkeys(formats))

    def write(staging: Path) -> list[Path]:
        written: list[Path] = []
        with progress(len(names), "写报告", unit="steps") as bar:
            for name in names:
                fmt = FORMATS[name]
                bar.stage(f"写报告 {fmt.file_name}")
                kwargs: dict[str, Any] = {"lang": lang, "show_personal_data": show_personal_data}
                if name == "html":
                    kwargs["max_case_sections"] = max_case_sections
                    kwargs["on_page"] = lambda done, total: bar.stage(
                        f"写报告 {fmt.file_name}（第 {done}/{total} 页）")
                try:
                    written.extend(fmt.writer(result, staging / fmt.file_name, **kwargs))
                except (OSError, FileCreateError) as exc:  # read-only folder, disk full (xlsxwriter wraps it)
                    raise UsageError(f"无法写入报告: {_write_failure(exc)}；原有报告未改动",
                                     file=str(out / fmt.file_name)) from None
                bar.advance()
            if squad_lists and "xlsx" in names:  # the squads' own lists, in the same set (report.squad_lists)
                from auditor.report.squad_lists import LISTS_DIR, write_squad_lists

                bar.stage(f"写报告 {LISTS_DIR}/")
                try:
                    written.extend(write_squad_lists(result, staging / LISTS_DIR, getattr(result, "tracking", None)))
                except (OSError, FileCreateError) as exc:
                    raise UsageError(f"无法写入报告: {_write_failure(exc)}；原有报告未改动",
                                     file=str(out / LISTS_DIR)) from None
            bar.stage("写报告")
        return written

    return publish(out, write, _manifest(result, names, lang), run_id=run_id, force=force)


def _write_failure(exc: BaseException) -> str:
    inner = exc.args[0] if isinstance(exc, FileCreateError) and exc.args else exc
    if isinstance(inner, OSError):
        if inner.errno in (errno.ENOSPC, errno.EDQUOT):
            return "磁盘空间不足（No space left on device）"
        return inner.strerror or str(inner)
    return str(inner)


def _manifest(result: Any, formats: list[str], lang: str) -> dict[str, Any]:
    meta = getattr(result, "metadata", None) or {}
    as_of = getattr(result, "as_of", None)
    return {"as_of": as_of.isoformat() if as_of is not None else None, "formats": formats, "lang": lang,
            "inputs": [{"path": str(i.get("path")), "sha256": i.get("sha256")} for i in meta.get("inputs") or []],
            "complete_inputs": not any(n.code == "partial_read" for n in getattr(result, "notices", []))}


__all__ = ["FORMATS", "Format", "RUN_MARKER", "Summary", "read_marker", "summarize", "write_reports", "write_csv", "write_html",
           "write_json", "write_junit", "write_sarif", "write_xlsx"]
