"""A case's explain view on the board: the same `explain_case` as `auditor explain`, over the exports
of the latest recorded run, at that run's as-of date.

The exports are read from where the run found them; when they are gone the page says so instead of
guessing. Explanations are cached per (run, case): loading a district export takes seconds.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from auditor.errors import AuditorError

VERDICT_ZH = {"fires": "违规", "passes": "合规", "not_applicable": "不适用", "unknown": "无法判定",
              "undetermined": "无法判定"}
DEADLINE_ZH = {"met": "按期", "late": "超期", "early": "过早", "overdue": "已超期（未办理）", "due_soon": "即将到期",
               "open": "未到期", "unknown": "日历缺失，无法计算", "na": "不适用"}
_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 64
_LOCK = threading.Lock()


@dataclass
class CaseView:
    run_id: int | None = None
    as_of: date | None = None
    explanation: object = None
    message: str | None = None  # why there is no explanation
    fields: list = field(default_factory=list)  # (label, value)
    timeline: list = field(default_factory=list)  # (date, label)
    deadlines: list = field(default_factory=list)  # dicts
    verdicts: list = field(default_factory=list)  # dicts


def explain_for_board(conn, config, case_id: str) -> CaseView:
    row = conn.execute("SELECT run_id, as_of FROM runs ORDER BY as_of DESC, run_id DESC LIMIT 1").fetchone()
    if row is None:
        return CaseView(message="历史库中还没有审计记录")
    run_id, as_of = row[0], date.fromisoformat(row[1])
    key = (run_id, case_id)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    paths = [Path(p) for (p,) in conn.execute("SELECT DISTINCT path FROM run_inputs WHERE run_id = ?", (run_id,))]
    view = _build(config, case_id, run_id, as_of, paths)
    with _LOCK:
        _CACHE[key] = view
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return view


def _build(config, case_id: str, run_id: int, as_of: date, paths: list[Path]) -> CaseView:
    from auditor.api import AuditConfig, explain_case
    from auditor.model.fields import field_of
    from auditor.report.common import evidence_items
    from auditor.rules.conditions import UNIT_ZH
    from auditor.rules.template import format_value

    view = CaseView(run_id=run_id, as_of=as_of)
    missing = [p for p in paths if not p.exists()]
    if not paths or missing:
        view.message = (f"第 {run_id} 次审计的导出文件已不在服务器上（{', '.join(map(str, missing[:3]))}），无法重新解释该案件"
                        if missing else f"第 {run_id} 次审计没有记录导出文件")
        return view
    try:
        ex = explain_case(AuditConfig(exports=tuple(paths), as_of=as_of, rules=config.rules,
                                      profile=config.profile), case_id)
    except AuditorError as exc:
        view.message = str(exc)
        return view
    view.explanation = ex
    for key, value in ex.case.items():
        try:
            label = field_of("cases", key).zh
        except KeyError:
            label = key
        view.fields.append((label, format_value(value, "zh")))
    view.timeline = [(format_value(day, "zh"), label) for day, _, label in ex.timeline]
    for d in ex.deadlines.itertuples():
        view.deadlines.append({
            "rule_id": d.rule_id, "label": d.label_zh, "start": format_value(d.start, "zh"), "limit": d.limit,
            "unit": UNIT_ZH.get(d.unit, d.unit), "due": format_value(d.due, "zh"),
            "end": "未办理" if pd.isna(d.end) else format_value(d.end, "zh"),
            "status": DEADLINE_ZH.get(d.status, d.status)})
    for v in ex.verdicts:
        view.verdicts.append({
            "rule_id": v.rule_id, "title": (v.title or {}).get("zh"), "severity": v.severity, "verdict": v.verdict,
            "verdict_zh": VERDICT_ZH.get(v.verdict, v.verdict), "message": (v.message or {}).get("zh"),
            "evidence": list(evidence_items(v.finding, "zh", False, v.rule)) if v.finding is not None else []})
    return view
