"""CI mode: which findings are new since a baseline, so a scheduled job fails only on new problems and
does not re-report the ones already being corrected.

The baseline is a run recorded in the history store (its run id, or "latest") or a previous
`findings.json` (schema "auditor-findings/1" or "/2": a top-level "findings" list whose items carry
"fingerprint").
"""

from __future__ import annotations

import json
from pathlib import Path

from auditor.errors import ConfigError, InputError
from auditor.findings import AuditResult, Finding
from auditor.history.store import open_store, run_exists

FINDINGS_SCHEMA = "auditor-findings/1"
FINDINGS_SCHEMAS = ("auditor-findings/1", "auditor-findings/2")  # 2 adds undetermined and coverage
MAX_BASELINE_BYTES = 500_000_000


def new_since_baseline(result: AuditResult, baseline: int | str | Path, *,
                       db_path: str | Path | None = None) -> list[Finding]:
    """The findings of `result` whose fingerprint the baseline does not have, in the result's order."""
    known = baseline_fingerprints(baseline, db_path=db_path)
    return [f for f in result.findings if f.fingerprint not in known]


def baseline_fingerprints(baseline: int | str | Path, *, db_path: str | Path | None = None) -> set[str]:
    """Resolve `baseline`: an existing file is read as findings JSON; an integer (or digits) is a run id
    and "latest" the latest run (both need `db_path`)."""
    if isinstance(baseline, Path) or (isinstance(baseline, str) and Path(baseline).exists()):
        return _from_json(Path(baseline))
    if isinstance(baseline, int) or (isinstance(baseline, str) and (baseline.isdigit() or baseline == "latest")):
        if db_path is None:
            raise ConfigError(f"基线 {baseline} 是审计运行编号，需要同时指定历史库（--history）")
        return _from_store(db_path, baseline)
    raise ConfigError(f"基线 {baseline!r} 既不是已有的 findings.json 文件，也不是运行编号或 latest")


def _from_store(db_path: str | Path, baseline: int | str) -> set[str]:
    with open_store(db_path, create=False) as conn:
        if baseline == "latest":
            row = conn.execute("SELECT run_id FROM runs ORDER BY as_of DESC, run_id DESC LIMIT 1").fetchone()
            if row is None:
                raise ConfigError("历史库中还没有任何审计记录，无法用 latest 作基线", file=str(db_path))
            run_id = row[0]
        else:
            run_id = int(baseline)
            if not run_exists(conn, run_id):
                raise ConfigError(f"历史库中没有编号为 {run_id} 的审计记录（用 auditor history list 查看）",
                                  file=str(db_path))
        return {r[0] for r in conn.execute("SELECT fingerprint FROM findings WHERE run_id = ?", (run_id,))}


def _from_json(path: Path) -> set[str]:
    name = str(path)
    try:
        if not path.is_file():  # a FIFO would block the read forever
            raise InputError("基线文件不是普通文件（目录、命名管道或设备）", file=name)
        if path.stat().st_size > MAX_BASELINE_BYTES:
            raise InputError("基线文件过大", file=name)
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"无法读取基线文件: {exc.strerror or exc}", file=name) from None
    except UnicodeDecodeError:
        raise InputError("基线文件不是 UTF-8 编码的 JSON", file=name) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"基线文件不是有效的 JSON: {exc.msg}", file=name, line=exc.lineno) from None
    except RecursionError:  # [[[[...]]]] 100,000 deep: the decoder runs out of stack
        raise InputError("基线文件嵌套过深，不是 findings.json", file=name) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        raise InputError(f"基线文件应为 {FINDINGS_SCHEMA} 格式：顶层对象含 findings 列表", file=name)
    schema = doc.get("schema")
    if schema is not None and schema not in FINDINGS_SCHEMAS:
        shown = repr(schema)
        shown = shown if len(shown) <= 60 else shown[:60] + "…"
        raise InputError(f"基线文件的 schema 为 {shown}，本版本只认 "
                         f"{' 或 '.join(repr(s) for s in FINDINGS_SCHEMAS)}", file=name)
    out = set()
    for i, item in enumerate(doc["findings"]):
        fp = item.get("fingerprint") if isinstance(item, dict) else None
        if not isinstance(fp, str) or not fp:
            raise InputError(f"findings[{i}] 缺少 fingerprint", file=name, field="fingerprint")
        out.add(fp)
    return out
