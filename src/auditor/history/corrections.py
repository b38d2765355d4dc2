"""Import a returned corrections workbook (整改清单): the squads' 整改状态 and 备注 go into the store.

The layout is the contract in docs/history.md: in each squad sheet a header row holding 问题编号
(the finding fingerprint) and 整改状态 (and usually 备注). Every row is either applied, unchanged or
rejected with its sheet and row number; nothing is dropped silently. Cells are read as values only
(cached results, never formulas) and stay data.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from auditor.errors import InputError, UsageError
from auditor.history.transitions import ROLE_SQUAD, SETTABLE as IMPORTABLE, TransitionError, check_transition
from auditor.history.store import open_store, transaction
from auditor.report.common import unneutralise

KEY = "问题编号"
STATUS = "整改状态"
NOTE = "备注"
CASE = "案件编号"
HEADER_SEARCH_ROWS = 20  # the contract puts the header in row 1; tolerate a title block above it
MAX_NOTE = 2000


@dataclass(frozen=True)
class RowIssue:
    sheet: str
    row: int
    fingerprint: str | None
    reason: str

    def render(self) -> str:
        key = f" 问题编号 {self.fingerprint}" if self.fingerprint else ""
        return f"工作表 {self.sheet} 第 {self.row} 行{key}: {self.reason}"


@dataclass
class ImportReport:
    path: str
    updated: list[tuple[str, str, str, str, int]] = field(default_factory=list)  # fp, old, new, sheet, row
    notes: list[tuple[str, str, int]] = field(default_factory=list)  # fp, sheet, row: 备注 changed only
    unchanged: int = 0
    rejected: list[RowIssue] = field(default_factory=list)
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)  # sheet, why
    dry_run: bool = False

    def lines(self) -> list[str]:
        head = (f"{'（试运行，未写入）' if self.dry_run else ''}整改清单导入 {self.path}: 更新 {len(self.updated)} 条"
                f"（其中仅备注 {len(self.notes)} 条），未变 {self.unchanged} 条，拒绝 {len(self.rejected)} 条")
        out = [head]
        out += [f"跳过工作表 {s}: {why}" for s, why in self.skipped_sheets]
        out += [issue.render() for issue in self.rejected]
        return out


def import_corrections(workbook: str | Path, db_path: str | Path, *, on: date, actor: str | None = None,
                       dry_run: bool = False) -> ImportReport:
    """Apply a returned corrections workbook to the store at `db_path`, dated `on`.

    Valid rows are written in one transaction (none with `dry_run`); invalid ones are reported:
    unknown 问题编号, invalid 整改状态, impossible transitions (已销项 → 待整改/整改中: only a new finding
    reopens an item; anything → 已豁免: only the exception register), a 案件编号 that does not match the
    item, and conflicting duplicates.
    """
    path = str(workbook)
    report = ImportReport(path=path, dry_run=dry_run)
    rows = list(_read_rows(workbook, report))
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    who = actor or "整改清单导入"
    try:
        _apply(rows, report, db_path, on=on, stamp=stamp, who=who, path=path, dry_run=dry_run)
    except _DryRun:
        pass
    return report


def _apply(rows, report: ImportReport, db_path, *, on: date, stamp: str, who: str, path: str, dry_run: bool) -> None:
    with open_store(db_path, create=False) as conn, transaction(conn):
        latest = conn.execute("SELECT MAX(as_of) FROM runs").fetchone()[0]
        if latest and on.isoformat() < latest:
            # The status history is replayed by date: an update dated before the audit it answers
            # would rewrite the past.
            raise UsageError(f"导入日期 {on.isoformat()} 早于最近一次审计的截止日期 {latest}；请使用该日期或之后的日期")
        items = {r[0]: {"status": r[1], "note": r[2], "case_id": r[3], "due": r[4]} for r in conn.execute(
            "SELECT fingerprint, status, note, case_id, due FROM items")}
        first_seen: dict[str, tuple[str, int, str | None, str | None]] = {}
        events = []
        for sheet, row, fp, status, note, case_id in rows:
            issue = _check_row(items, first_seen, sheet, row, fp, status, note, case_id)
            if issue:
                report.rejected.append(RowIssue(sheet, row, fp, issue))
                continue
            if fp in first_seen:  # an identical repeat of an earlier row
                report.unchanged += 1
                continue
            first_seen[fp] = (sheet, row, status, note)
            item = items[fp]
            old = item["status"]
            new = status or old
            note_changed = note is not None and note != (item["note"] or "")
            detail = f"{Path(path).name} 工作表 {sheet} 第 {row} 行"
            if new != old:
                report.updated.append((fp, old, new, sheet, row))
                events.append((fp, "import", "status", None, on.isoformat(), stamp, who, old, new, item["due"],
                               note, detail))
            elif note_changed:
                report.updated.append((fp, old, new, sheet, row))
                report.notes.append((fp, sheet, row))
                events.append((fp, "import", "note", None, on.isoformat(), stamp, who, old, old, item["due"],
                               note, detail))
            else:
                report.unchanged += 1
                continue
            item["status"] = new
            if note is not None:
                item["note"] = note
            conn.execute("UPDATE items SET status = ?, note = ? WHERE fingerprint = ?", (new, item["note"], fp))
        conn.executemany(
            "INSERT INTO item_events (fingerprint, source, kind, run_id, on_date, recorded_at, actor, old_status,"
            " new_status, due, note, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", events)
        if dry_run:
            raise _DryRun


class _DryRun(Exception):
    pass


def _check_row(items, first_seen, sheet, row, fp, status, note, case_id) -> str | None:
    if not fp:
        return "缺少问题编号"
    item = items.get(fp)
    if item is None:
        return "问题编号在历史库中不存在（不是本工具生成的整改清单，或历史库不对）"
    if case_id and case_id != item["case_id"]:
        return f"案件编号 {case_id} 与该问题的案件 {item['case_id']} 不符"
    if fp in first_seen:  # an identical repeat passes (as unchanged); a different one is reported
        s, r, st, nt = first_seen[fp]
        return f"与工作表 {s} 第 {r} 行重复且内容不一致" if (st, nt) != (status, note) else None
    if status is not None:
        try:
            check_transition(item["status"], status, ROLE_SQUAD)
        except TransitionError as exc:
            return exc.reason
    return None


def _read_rows(workbook: str | Path, report: ImportReport):
    """Yield (sheet, row number, fingerprint, status, note, case id) for every non-empty data row."""
    import openpyxl  # imported here: only this command needs it
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(workbook)
    if not path.is_file():
        raise InputError("文件不存在" if not path.exists() else "不是文件", file=str(path))
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except InvalidFileException:
        raise InputError("只能导入 Excel .xlsx 工作簿（.xls、.csv 请先在 Excel/WPS 中另存为 .xlsx）",
                         file=str(path)) from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as exc:  # SyntaxError: XML parse errors
        raise InputError(f"不是有效的 Excel (.xlsx) 工作簿: {exc}", file=str(path)) from None
    try:
        for ws in wb.worksheets:
            yield from _sheet_rows(ws, report)
    except SyntaxError as exc:  # ElementTree's ParseError: a DOCTYPE with entities, a bomb, broken XML
        raise InputError(f"工作簿中的 XML 无法读取（含 DTD 实体或已损坏）: {exc}", file=str(path)) from None
    finally:
        wb.close()


def _sheet_rows(ws, report: ImportReport):
    header_row, columns = None, {}
    for number, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
        if header_row is None:
            labels = [_text(v) for v in values]
            if KEY in labels:
                header_row, columns = number, {label: i for i, label in enumerate(labels) if label}
                if STATUS not in columns:
                    report.skipped_sheets.append((ws.title, f"第 {number} 行有 {KEY} 列但没有 {STATUS} 列"))
                    return
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        if not any(_text(v) for v in values):
            continue
        cell = lambda name: _text(values[columns[name]]) if name in columns and columns[name] < len(values) else ""
        status = cell(STATUS) or None
        note = cell(NOTE)[:MAX_NOTE] or None  # an empty 备注 leaves the stored note as it is
        yield ws.title, number, cell(KEY) or None, status, note, cell(CASE) or None
    if header_row is None:
        report.skipped_sheets.append((ws.title, f"前 {HEADER_SEARCH_ROWS} 行中没有 {KEY} 列（不是整改清单工作表）"))


def _text(value) -> str:
    """A cell as plain text: dates as ISO, numbers without a trailing .0, whitespace trimmed."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # Our own workbooks prefix formula-looking text with a quote; read it back as the text it was.
    return unneutralise(str(value).replace("\u3000", " ").strip())


__all__ = ["IMPORTABLE", "ImportReport", "RowIssue", "import_corrections"]
