"""A run's reports appear together or not at all: written into a staging folder, then switched in.

`--out` is a folder that belongs to the report set. Every run writes all its reports into a staging
folder beside it (`.<name>.staging-<run>`, same filesystem), adds the run marker `auditor-run.json`
(which run produced the set, for which as-of date, from which inputs, every file with its SHA-256), and
only then makes it visible in one step: the staging folder is renamed onto a missing or empty `--out`,
or exchanged with the previous set (Linux `renameat2(RENAME_EXCHANGE)`, atomic; elsewhere two renames
with a rollback) and the previous set is deleted. An interrupted or failed run (Ctrl-C, SIGTERM turned
into an exception, a full disk) removes its staging folder and leaves the previous complete set as it
was; a staging folder left by a killed process is removed by the next run.

This is the single place where reports become visible. A folder holding files that are no `auditor`
report is never replaced (exit 2, naming some of them); nor is the current working directory.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.atomic import fsync_dir
from auditor.errors import UsageError

RUN_MARKER = "auditor-run.json"
MARKER_TOOL = "auditor"
_MAX_MARKER_BYTES = 1 << 20
# What an output folder written before the run marker existed may hold: the reports, the warnings CSV,
# the HTML pages folder, and temporary files of an interrupted atomic write.
_LEGACY = re.compile(r"(findings\.(json|csv|sarif|junit\.xml)|warnings\.csv|report\.(html|xlsx)|report_pages|整改清单"
                     r"|\.(findings|report|warnings)[^/]*\.tmp|\.report_pages\..+)")
_LEFTOVER = re.compile(r"\.(?P<name>.+)\.(staging|old)-\d{8}T\d{6}Z-(?P<pid>\d+)-[0-9a-f]{8}")


def new_run_id() -> str:
    """A run token: UTC time, process id, randomness (the pid lets a later run spot a dead run's leftovers)."""
    return f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%SZ}-{os.getpid()}-{secrets.token_hex(4)}"


def publish(out_dir: str | os.PathLike, write: Callable[[Path], list[Path]], manifest: dict[str, Any],
            run_id: str | None = None, force: bool = False) -> list[Path]:
    """Call `write(staging)` to write every report into a fresh staging folder, add the run marker,
    switch the folder in as `out_dir`; returns the written files under their final paths. `force`
    replaces a folder that holds files other than auditor reports (the user asked for it)."""
    out = _target(Path(out_dir))
    run_id = run_id or new_run_id()
    _check_replaceable(out, force)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(out)
        staging = out.parent / f".{out.name}.staging-{run_id}"
        staging.mkdir(mode=0o755)
    except OSError as exc:
        raise UsageError(f"无法创建输出目录: {exc.strerror}", file=str(out)) from None
    try:
        written = write(staging)
        marker = {"tool": MARKER_TOOL, "version": __version__, "run": run_id,
                  "written_utc": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                  **manifest, "files": [_file_entry(staging, p) for p in written]}
        _write_synced(staging / RUN_MARKER, json.dumps(marker, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        fsync_dir(staging)
        _switch(staging, out, run_id)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise UsageError(f"无法写入报告: {_reason(exc)}；原有报告未改动", file=str(exc.filename or out)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out / p.relative_to(staging) for p in written]


def read_marker(folder: str | os.PathLike) -> dict[str, Any] | None:
    """The run marker of an output folder, or None when there is none (or it is not ours)."""
    path = Path(folder) / RUN_MARKER
    try:
        if not path.is_file() or path.stat().st_size > _MAX_MARKER_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("tool") == MARKER_TOOL else None


# --- where and whether ---------------------------------------------------------------------------

def _target(out: Path) -> Path:
    # A symlinked --out means the folder it points to: the set is switched there, the link stays.
    out = Path(os.path.abspath(out))
    return out.resolve() if out.is_symlink() else out


def _check_replaceable(out: Path, force: bool = False) -> None:
    if not out.exists():
        return
    if not out.is_dir():
        raise UsageError("输出目录的位置上已有一个文件（--out 应是目录）", file=str(out))
    cwd = Path.cwd().resolve()
    if cwd == out.resolve() or out.resolve() in cwd.parents:
        raise UsageError("输出目录不能是当前工作目录或其上级目录（报告集会整体替换输出目录）", file=str(out))
    try:
        names = sorted(p.name for p in out.iterdir())
    except OSError as exc:
        raise UsageError(f"输出目录无法读取: {exc.strerror}", file=str(out)) from None
    if not names or read_marker(out) is not None or force:
        return
    foreign = [n for n in names if not _LEGACY.fullmatch(n)]
    if foreign:
        shown = "、".join(_short(n) for n in foreign[:3]) + (f" 等 {len(foreign)} 项" if len(foreign) > 3 else "")
        raise UsageError(f"输出目录中有不是 auditor 报告的文件（{shown}）。报告集会整体替换输出目录，"
                         "请指定一个空目录或以前的报告目录（确认要整体替换该目录请加 --force）", file=str(out))


def _short(name: str) -> str:
    return name if len(name) <= 40 else name[:40] + "…"


def _remove_leftovers(out: Path) -> None:
    """Staging and old folders of this --out whose process is gone (killed mid-run)."""
    for entry in out.parent.iterdir():
        m = _LEFTOVER.fullmatch(entry.name)
        if m and m["name"] == out.name and not _alive(int(m["pid"])) and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # an earlier run of this very process cannot be running now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


# --- the switch ------------------------------------------------------------------------------------

def _switch(staging: Path, out: Path, run_id: str) -> None:
    try:
        os.rename(staging, out)  # out missing, or an empty folder: replaced in one step
        fsync_dir(out.parent)
        return
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
    if _exchange(staging, out):  # staging now holds the previous set
        fsync_dir(out.parent)
        shutil.rmtree(staging, ignore_errors=True)
        return
    old = out.parent / f".{out.name}.old-{run_id}"
    os.rename(out, old)
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(old, out)
        raise
    fsync_dir(out.parent)
    shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically (Linux renameat2); False where the call does not exist."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # kernel or filesystem without exchange
        return False
    raise OSError(err, os.strerror(err), str(b))


# --- small helpers -----------------------------------------------------------------------------------

def _file_entry(staging: Path, path: Path) -> dict[str, Any]:
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
    return {"path": path.relative_to(staging).as_posix(), "bytes": path.stat().st_size, "sha256": sha.hexdigest()}


def _write_synced(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(path, 0o644)


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "磁盘空间不足（No space left on device）"
    return exc.strerror or str(exc)
