"""Import a returned corrections workbook (整改清单): the squads' 整改状态 and 备注 go into the store.

The layout is the contract in docs/history.md: in each squad sheet a header row holding 问题编号
(the finding fingerprint) and 整改状态 (and usually 备注). Every row is either applied, unchanged,
in conflict or rejected with its file, sheet and row number; nothing is dropped silently. Cells are
read as values only (cached results, never formulas) and stay data.

A workbook stamped with its issued list (发放标记 on the 说明 sheet) is compared with the list as
issued: a row the squad did not change changes nothing (even if the store moved on since), a changed
row is applied when the store still holds what was issued, and listed as a conflict when someone else
changed the same field meanwhile. An unstamped workbook is compared with the store as it is now.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from auditor.errors import ConfigError, InputError, UsageError
from auditor.history.transitions import ROLE_SQUAD, SETTABLE as IMPORTABLE, TransitionError, check_transition
from auditor.history.store import open_store, transaction
from auditor.history.tracking import issued_list
from auditor.cells import unneutralise

KEY = "问题编号"
STATUS = "整改状态"
NOTE = "备注"
CASE = "案件编号"
HEADER_SEARCH_ROWS = 20  # the contract puts the header in row 1; tolerate a title block above it
MAX_NOTE = 2000  # characters of a 备注: a sentence or two, not a pasted document


STAMP_SHEETS = ("说明", "销项进度")  # a squad's list; the district workbook
STAMP_KEY = "发放标记"


@dataclass(frozen=True)
class RowIssue:
    sheet: str
    row: int
    fingerprint: str | None
    reason: str
    file: str = ""

    def render(self) -> str:
        key = f" 问题编号 {excerpt(self.fingerprint)}" if self.fingerprint else ""
        where = f"{self.file} " if self.file else ""
        return f"{where}工作表 {self.sheet} 第 {self.row} 行{key}: {self.reason}"


@dataclass
class ImportReport:
    path: str
    updated: list[tuple[str, str, str, str, int]] = field(default_factory=list)  # fp, old, new, sheet, row
    notes: list[tuple[str, str, int]] = field(default_factory=list)  # fp, sheet, row: 备注 changed only
    unchanged: int = 0
    rejected: list[RowIssue] = field(default_factory=list)
    conflicts: list[RowIssue] = field(default_factory=list)  # changed here and elsewhere since issue
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)  # sheet, why
    dry_run: bool = False
    stamp: str | None = None  # the issued list's token (发放标记), when the workbook carries one
    issued: str | None = None  # what the stamp names: "第 N 次审计 中队 X 的清单"

    def lines(self) -> list[str]:
        head = (f"{'（试运行，未写入）' if self.dry_run else ''}整改清单导入 {self.path}: 更新 {len(self.updated)} 条"
                f"（其中仅备注 {len(self.notes)} 条），未变 {self.unchanged} 条，"
                + (f"冲突 {len(self.conflicts)} 条，" if self.issued or self.conflicts else "")
                + f"拒绝 {len(self.rejected)} 条")
        out = [head]
        out.append(f"按发放时的清单比较: {self.issued}" if self.issued else
                   "注意: 工作簿没有发放标记，按历史库当前状态比较（未改动的行也可能覆盖之后的变更）")
        out += [f"跳过工作表 {s}: {why}" for s, why in self.skipped_sheets if s not in STAMP_SHEETS]
        out += ["冲突（未导入）: " + issue.render() for issue in self.conflicts]
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
    name = Path(path).name
    with open_store(db_path, create=False) as conn, transaction(conn):
        latest = conn.execute("SELECT MAX(as_of) FROM runs").fetchone()[0]
        if latest and on.isoformat() < latest:
            # The status history is replayed by date: an update dated before the audit it answers
            # would rewrite the past.
            raise UsageError(f"导入日期 {on.isoformat()} 早于最近一次审计的截止日期 {latest}；请使用该日期或之后的日期")
        items = {r[0]: {"status": r[1], "note": r[2], "case_id": r[3], "due": r[4], "squad": r[5]}
                 for r in conn.execute("SELECT fingerprint, status, note, case_id, due, squad FROM items")}
        issued = None
        if report.stamp:
            found = issued_list(conn, report.stamp)
            if found is None:
                raise ConfigError(f"工作簿的发放标记 {report.stamp} 不在这个历史库中（清单来自另一个历史库，或历史库不对）",
                                  file=path)
            lst, run_id, issued = found
            report.issued = f"第 {run_id} 次审计发放的{'全区' if lst.squad is None else lst.squad}清单"
        first_seen: dict[str, tuple[str, int, str | None, str | None]] = {}
        events = []
        for sheet, row, fp, status, note, case_id in rows:
            issue = _check_row(items, first_seen, sheet, row, fp, status, note, case_id, stamped=issued is not None)
            if issue is None and issued is not None:
                issue = _check_issued(issued, lst, items, fp)
            if issue:
                report.rejected.append(RowIssue(sheet, row, fp, issue, name))
                continue
            if fp in first_seen:  # an identical repeat of an earlier row
                report.unchanged += 1
                continue
            first_seen[fp] = (sheet, row, status, note)
            item = items[fp]
            old = item["status"]
            conflict = None
            if issued is not None:
                new, new_note, conflict = _three_way(issued[fp], item, status, note)
                if conflict:
                    report.conflicts.append(RowIssue(sheet, row, fp, conflict, name))
            else:
                new = status or old
                new_note = note if note is not None and note != (item["note"] or "") else None
            if new != old:
                reason = _transition_refusal(old, new)
                if reason:
                    report.rejected.append(RowIssue(sheet, row, fp, reason, name))
                    continue
            detail = f"{name} 工作表 {sheet} 第 {row} 行"
            if new != old:
                report.updated.append((fp, old, new, sheet, row))
                events.append((fp, "import", "status", None, on.isoformat(), stamp, who, old, new, item["due"],
                               new_note if new_note is not None else note, detail))
            elif new_note is not None:
                report.updated.append((fp, old, new, sheet, row))
                report.notes.append((fp, sheet, row))
                events.append((fp, "import", "note", None, on.isoformat(), stamp, who, old, old, item["due"],
                               new_note, detail))
            else:
                if not conflict:
                    report.unchanged += 1
                continue
            item["status"] = new
            if new_note is not None:
                item["note"] = new_note
            conn.execute("UPDATE items SET status = ?, note = ? WHERE fingerprint = ?", (new, item["note"], fp))
        conn.executemany(
            "INSERT INTO item_events (fingerprint, source, kind, run_id, on_date, recorded_at, actor, old_status,"
            " new_status, due, note, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", events)
        if dry_run:
            raise _DryRun


def _check_issued(issued: dict, lst, items: dict, fp: str) -> str | None:
    if fp not in issued:
        return "该问题不在这份清单发放时的问题中（问题编号被改动，或行是从别的清单复制来的）"
    if lst.squad is not None and items[fp]["squad"] != lst.squad:
        return f"该问题属于 {items[fp]['squad']}，不属于本清单的中队 {lst.squad}"
    return None


def _three_way(base, item: dict, status: str | None, note: str | None) -> tuple[str, str | None, str | None]:
    """(status to set, note to set or None, conflict reason or None) for one row of a stamped list.

    Each field on its own: unchanged from the issued value → nothing; changed while the store still
    holds the issued value → applied; changed here and also elsewhere to something else → a conflict,
    nothing applied for that field."""
    new, new_note, conflicts = item["status"], None, []
    if status is not None and status != base.status and status != item["status"]:
        if item["status"] == base.status:
            new = status
        else:
            conflicts.append(f"整改状态：发放时为 {base.status}，本表改为 {status}，但历史库中已变为 {item['status']}")
    stored_note = item["note"] or ""
    if note is not None and note != (base.note or "") and note != stored_note:
        if stored_note == (base.note or ""):
            new_note = note
        else:
            conflicts.append("备注：发放后历史库中的备注已被修改，本表的备注也不同")
    reason = "；".join(conflicts) + "；未导入，请核实后在最新清单中填写" if conflicts else None
    return new, new_note, reason


def _transition_refusal(old: str, new: str) -> str | None:
    if isinstance(new, str) and len(new) > 40:  # no status is that long; quote an excerpt, not the cell
        return f"无效的整改状态 {excerpt(new)}"
    try:
        check_transition(old, new, ROLE_SQUAD)
    except TransitionError as exc:
        return exc.reason
    return None


class _DryRun(Exception):
    pass


def excerpt(text, limit: int = 40) -> str:
    """A squad's cell quoted in a message: never more than `limit` characters of it."""
    text = str(text)
    return text if len(text) <= limit else text[:limit] + f"…（共 {len(text)} 个字符）"


def _check_row(items, first_seen, sheet, row, fp, status, note, case_id, *, stamped: bool = False) -> str | None:
    if not fp:
        return "缺少问题编号"
    item = items.get(fp)
    if item is None:
        return "问题编号在历史库中不存在（不是本工具生成的整改清单，或历史库不对）"
    if case_id and case_id != item["case_id"]:
        return f"案件编号 {excerpt(case_id)} 与该问题的案件 {item['case_id']} 不符"
    if note is not None and len(note) > MAX_NOTE:  # was cut silently; the squad must know
        return f"备注过长（{len(note)} 个字符，上限 {MAX_NOTE}），未导入"
    if fp in first_seen:  # an identical repeat passes (as unchanged); a different one is reported
        s, r, st, nt = first_seen[fp]
        return f"与工作表 {s} 第 {r} 行重复且内容不一致" if (st, nt) != (status, note) else None
    # A stamped list's status is judged against the list as issued (`_three_way`), not here: an
    # untouched 已豁免 row is no change even if the exemption has lapsed since.
    if status is not None and not stamped and status not in IMPORTABLE and status != item["status"]:
        return _transition_refusal(item["status"], status)
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
            if ws.title in STAMP_SHEETS:
                report.stamp = _stamp(ws)
                if report.stamp:
                    continue
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
        note = cell(NOTE) or None  # an empty 备注 leaves the stored note as it is; a long one is refused
        yield ws.title, number, cell(KEY) or None, status, note, cell(CASE) or None
    if header_row is None:
        report.skipped_sheets.append((ws.title, f"前 {HEADER_SEARCH_ROWS} 行中没有 {KEY} 列（不是整改清单工作表）"))


def _stamp(ws) -> str | None:
    """The issued list's token from the 说明 sheet (a row whose first cell is 发放标记), if any."""
    for number, values in enumerate(ws.iter_rows(min_row=1, max_col=2, values_only=True), start=1):
        if values and _text(values[0]) == STAMP_KEY and len(values) > 1:
            token = _text(values[1])
            return token if token.startswith("R") and "（" not in token else None
        if number > HEADER_SEARCH_ROWS:
            break
    return None


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
