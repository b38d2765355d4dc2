"""load_exports: files and folders in, canonical tables and a reconciling load report out.

Nothing is lost: every input row is either in a table or a `RejectedRow` with file, line, field and
reason, and `counts[table].rows_in == loaded + rejected`. Cross-row checks run after every file is
read: duplicate case ids (the first is kept), recordings whose case is missing or was rejected, and
disclosures that match no case (kept, with a warning: the platform also publishes other agencies').
"""

from __future__ import annotations

import errno
import gc
import itertools
import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from auditor.coverage import supplied_from_buffers
from auditor.errors import InputError
from auditor.ingest.buffer import TableBuffer
from auditor.ingest.csv import NO_KNOWN_COLUMN, read_csv
from auditor.ingest.limits import DEFAULT_LIMITS, Limits
from auditor.ingest.mapping import ExportMapping, load_mapping
from auditor.ingest.report import FileInfo, InputWarning, LoadResult, RejectedRow, TableCount, preview
from auditor.ingest.xml import read_xml
from auditor.model.fields import TABLES
from auditor.progress import progress

EXPORT_SUFFIXES = (".xml", ".csv")
MISSING_CASE = "案件不存在"
NOT_A_FILE = "无法作为文件读取"


def load_exports(paths: str | os.PathLike | Iterable[str | os.PathLike],
                 mapping: ExportMapping | str | os.PathLike | None = None,
                 limits: Limits | None = None) -> LoadResult:
    """Read every export under `paths` (files, or folders: their .xml/.csv, sorted, not recursive)."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if not isinstance(mapping, ExportMapping):
        mapping = load_mapping(mapping)
    limits = limits or DEFAULT_LIMITS
    # The load builds millions of objects and next to no reference cycles; the cyclic collector would
    # re-scan the growing tables again and again (about a tenth of the load time), so it waits.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _load(paths, mapping, limits)
    finally:
        if paused:
            gc.enable()


def _load(paths: list, profile: ExportMapping, limits: Limits) -> LoadResult:
    buffers = {t: TableBuffer(t, profile.tables[t], limits) for t in TABLES}
    warnings: list[InputWarning] = []
    infos: list[FileInfo] = []
    files = _expand(paths)
    sizes = [_size(path) for path, _, _, _ in files]
    # The readers report the bytes they read to the bar (progress.current()); each file ends exact.
    with progress(sum(sizes), "读取导出文件", unit="bytes") as bar:
        for (path, name, explicit, folder), done in zip(files, itertools.accumulate(sizes)):
            try:
                _check_link(path, name, folder)
                _check_file(path, name, limits)
                if _form(path) == "xml":
                    infos.append(read_xml(path, name, profile, buffers, warnings, limits.validate,
                                          limits.processes))
                else:
                    infos.append(read_csv(path, name, profile, buffers, warnings))
            except InputError as exc:
                if explicit or not _skippable(exc):
                    raise
                warnings.append(InputWarning("skipped_file", name, None, None, f"已跳过: {exc.message}"))
            bar.advance(max(0, done - bar.done))
    if not infos:
        raise InputError("没有可读取的导出文件（.xml 或 .csv）", file=", ".join(str(p) for p in paths))
    return _finish(buffers, warnings, infos)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0


def _expand(paths: Iterable[str | os.PathLike]) -> list[tuple[Path, str, bool, str | None]]:
    """(path, display name, named explicitly, the folder it was found in) for every export, each file once."""
    out: list[tuple[Path, str, bool, str | None]] = []
    seen: set[str] = set()
    for given in paths:
        p = Path(given)
        if not p.exists():
            raise InputError("符号链接循环" if _looping(p) else "文件或目录不存在", file=str(given))
        if p.is_dir():
            try:
                # Not only regular files: a FIFO, folder or broken link named recordings.csv is
                # reported as skipped (a warning), not dropped without a word.
                entries = sorted(x for x in p.iterdir() if x.suffix.lower() in EXPORT_SUFFIXES)
            except OSError as exc:
                raise InputError(f"目录无法读取: {exc.strerror}", file=str(given)) from None
            if not entries:
                raise InputError("目录中没有 .xml 或 .csv 导出文件", file=str(given))
            folder = os.path.realpath(p)
            found = [(x, str(x), False, folder) for x in entries]
        else:
            found = [(p, str(given), True, None)]
        for x, name, explicit, folder in found:
            key = os.path.realpath(x)  # never raises on a loop (Path.resolve does)
            if key not in seen:
                seen.add(key)
                out.append((x, name, explicit, folder))
    return out


def _looping(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _check_link(path: Path, name: str, folder: str | None) -> None:
    """Inside an export folder a symbolic link is followed only while it stays in the folder: a
    cases.csv pointing at /etc/passwd or at another district's export is skipped with a warning
    (which names where it points, never what it holds), and so is a loop."""
    if folder is None or not path.is_symlink():
        return
    if _looping(path):
        raise InputError(f"{NOT_A_FILE}: 符号链接循环", file=name)
    target = os.path.realpath(path)
    if os.path.commonpath([folder, target]) != folder:
        raise InputError(f"{NOT_A_FILE}: 符号链接指向导出目录之外（{preview(target)}），按规定不读取", file=name)


def _check_file(path: Path, name: str, limits: Limits) -> None:
    try:
        if not path.is_file():  # a FIFO or device would block the read below forever
            what = "是目录" if path.is_dir() else "不存在（失效的符号链接？）" if not path.exists() else \
                "不是普通文件（命名管道、设备等）"
            raise InputError(f"{NOT_A_FILE}: {what}", file=name)
        size = path.stat().st_size
        with open(path, "rb") as f:
            f.read(1)
    except OSError as exc:
        raise InputError(f"文件无法读取: {exc.strerror}", file=name) from None
    if size == 0:
        raise InputError("文件为空", file=name)
    if size > limits.max_file_bytes:
        raise InputError(f"文件过大: {size} 字节，上限 {limits.max_file_bytes}（可调整 Limits.max_file_bytes）",
                         file=name)


def _form(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in EXPORT_SUFFIXES:
        return suffix[1:]
    with open(path, "rb") as f:
        head = f.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return "xml" if head.startswith(b"<") else "csv"


def _skippable(exc: InputError) -> bool:
    # Inside a folder, a file that is not an export at all (a ground-truth list, a README.csv) is
    # skipped with a warning; a broken export is still an error.
    return exc.message.startswith(("无法判断是哪一类导出", "XML 根元素不是", NOT_A_FILE, NO_KNOWN_COLUMN))


def _finish(buffers: dict[str, TableBuffer], warnings: list[InputWarning],
            infos: list[FileInfo]) -> LoadResult:
    frames = {t: b.frame() for t, b in buffers.items()}  # flushes: parse rejections are known after
    rejected: dict[str, list[RejectedRow]] = {t: list(b.rejected) for t, b in buffers.items()}

    cases = frames["cases"]
    dup = cases["case_id"].duplicated(keep="first")
    if dup.any():
        first = cases.loc[~dup, ["case_id", "_file", "_line"]]
        where = {cid: f"{f}:{ln}" for cid, f, ln in first.itertuples(index=False)}
        for cid, f, ln in cases.loc[dup, ["case_id", "_file", "_line"]].itertuples(index=False):
            rejected["cases"].append(RejectedRow("cases", f, int(ln), "case_id",
                                                 f"案件编号重复，首次出现于 {where[cid]}", preview(cid)))
        cases = cases.loc[~dup].reset_index(drop=True)
        frames["cases"] = cases

    rejected_cases = {(r.file, r.line) for r in rejected["cases"]}
    frames["recordings"] = _check_recordings(frames["recordings"], buffers["recordings"].parents,
                                             cases, rejected_cases, rejected)
    for t in ("recordings", "disclosures"):
        frames[t] = _reject_repeated_across_files(frames[t], t, rejected[t])
    _warn_duplicate_recording_ids(frames["recordings"], warnings)
    _check_disclosures(frames["disclosures"], cases, warnings)

    counts = {}
    for t, b in buffers.items():
        counts[t] = TableCount(rows_in=b.rows_in, loaded=len(frames[t]), rejected=len(rejected[t]))
        if not counts[t].reconciles:  # a bug in the loader, never a user mistake
            raise RuntimeError(f"{t}: rows_in {b.rows_in} != loaded + rejected ({counts[t]})")
    order = {info.path: i for i, info in enumerate(infos)}
    table_order = {t: i for i, t in enumerate(TABLES)}
    all_rejected = sorted((r for rs in rejected.values() for r in rs),
                          key=lambda r: (order.get(r.file, len(order)), r.line, table_order[r.table]))
    warnings = sorted(warnings, key=lambda w: (order.get(w.file, -1), w.line or 0))
    return LoadResult(tables=frames, rejected=all_rejected, warnings=warnings, counts=counts,
                      files=infos, supplied=supplied_from_buffers(buffers))


def _check_recordings(rec: pd.DataFrame, parents: list, cases: pd.DataFrame,
                      rejected_cases: set[tuple[str, int]],
                      rejected: dict[str, list[RejectedRow]]) -> pd.DataFrame:
    if rec.empty:
        return rec
    loaded_ids = set(cases["case_id"])
    case_rows = {}
    for r in rejected["cases"]:
        if r.field == "case_id" and r.value:
            case_rows.setdefault(r.value, f"{r.file}:{r.line}")
    orphan = ~rec["case_id"].isin(loaded_ids).to_numpy()
    if rejected_cases:
        orphan_parent = [p is not None and p in rejected_cases for p in parents]
    else:
        orphan_parent = [False] * len(rec)
    keep = [not (a or b) for a, b in zip(orphan, orphan_parent)]
    for i in [i for i, k in enumerate(keep) if not k]:
        parent, cid = parents[i], rec["case_id"].iat[i]
        if orphan_parent[i]:
            reason = f"所属案件被拒收: {parent[0]}:{parent[1]}"
        else:
            reason = MISSING_CASE + (f"（该案件行被拒收: {case_rows[cid]}）" if cid in case_rows else "")
        rejected["recordings"].append(RejectedRow("recordings", rec["_file"].iat[i], int(rec["_line"].iat[i]),
                                                  "case_id", reason, preview(cid)))
    rec = rec.loc[keep].reset_index(drop=True)
    missing_id = rec["recording_id"].isna()
    if missing_id.any():  # the contract: unique within the case; the line number when absent
        rec.loc[missing_id, "recording_id"] = rec.loc[missing_id, "_line"].astype(str)
    return rec


def _reject_repeated_across_files(frame: pd.DataFrame, table: str, rejected: list[RejectedRow]) -> pd.DataFrame:
    """The same record read from two files (a disclosure in both the XML and the CSV export, a
    recording nested in the XML and listed in recordings.csv) is loaded once; the repeat is a rejected
    row naming the first, so nothing is counted twice and nothing disappears without a word."""
    if frame.empty or frame["_file"].nunique() < 2:
        return frame
    fields = [f.name for f in TABLES[table]]
    dup = frame.duplicated(fields, keep="first")
    if not dup.any():
        return frame
    # Missing values as one marker whatever the dtype (pandas 3 keeps NaN in string columns through
    # astype(str)); computed only when repeats exist.
    keys = frame[fields].astype(object).fillna("\x00").astype(str).agg("\x1f".join, axis=1)
    first = {}
    for key, f, ln in zip(keys, frame["_file"], frame["_line"]):
        first.setdefault(key, (f, int(ln)))
    keep = ~dup.to_numpy()
    for i in [i for i, d in enumerate(dup) if d]:
        f0, l0 = first[keys.iat[i]]
        if f0 == frame["_file"].iat[i]:
            keep[i] = True  # a repeat inside one file is that file's business (e.g. two real uploads)
            continue
        rejected.append(RejectedRow(table, frame["_file"].iat[i], int(frame["_line"].iat[i]), None,
                                    f"与 {f0}:{l0} 的记录完全相同（同一记录从两个文件读入），未重复载入"))
    return frame.loc[keep].reset_index(drop=True)


def _warn_duplicate_recording_ids(rec: pd.DataFrame, warnings: list[InputWarning]) -> None:
    """recording_id should be unique within its case; a repeat is kept (it is still a record) but
    named, since anything joining on the id would conflate the two."""
    if rec.empty:
        return
    dup = rec.duplicated(["case_id", "recording_id"], keep="first")
    for cid, rid, f, ln in rec.loc[dup, ["case_id", "recording_id", "_file", "_line"]].itertuples(index=False):
        warnings.append(InputWarning("duplicate_recording_id", f, int(ln), "recording_id",
                                     f"案件 {cid} 的记录编号 {rid} 重复，已保留"))


def _check_disclosures(dis: pd.DataFrame, cases: pd.DataFrame, warnings: list[InputWarning]) -> None:
    if dis.empty:
        return
    unmatched = dis.loc[~dis["decision_no"].isin(set(cases["decision_no"].dropna()))]
    for no, f, ln in zip(unmatched["decision_no"], unmatched["_file"], unmatched["_line"]):
        warnings.append(InputWarning("disclosure_unmatched", f, int(ln), "decision_no",
                                     f"公示的决定书文号 {no} 在案件中找不到（可能是其他机关的决定），已保留"))
