"""双随机 cross-check of recordings (seed 001): a random sample of decided cases that have audio or video
records, each assigned to a random reviewer from ANOTHER squad, and a checklist of what to look at.

Reproducible: the same tables, reviewers and seed give the same sample and the same assignment
(cases and reviewers are sorted before drawing; the seed is used as text, so 42 and "42" agree).
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
import xlsxwriter

from auditor.atomic import atomic_path
from auditor.cells import is_missing, neutralise, xml_safe
from auditor.errors import ConfigError
from auditor.yamlio import load_yaml, read_config_table_text

DECIDED = ("已决定", "执行中", "已结案")
AV_MEDIA = ("视频", "音频")
RESULTS = ("符合", "不符合", "不适用")
CHECKS: tuple[tuple[str, str], ...] = (
    ("与本案关联", "记录中的当事人、地点、违法行为与本案相符，不是其他案件的记录"),
    ("两名执法人员", "现场可见（可闻）两名以上执法人员"),
    ("出示执法证件", "执法人员表明身份并出示执法证件"),
    ("告知权利", "告知当事人陈述、申辩（及听证）等权利"),
    ("记录完整", "自始至终连续记录，无剪辑、无中断"),
    ("执法用语", "执法用语文明、规范"),
    ("拍摄角度", "拍摄角度适当、画面清晰，能反映现场情况"),
    ("现场检查与询问", "现场检查、调查取证、询问过程有记录"),
    ("送达过程", "文书送达过程有记录（案件有送达环节时）"),
)
NAME_HEADERS = ("name", "姓名", "检查人")
SQUAD_HEADERS = ("squad", "中队", "所在中队", "单位")


@dataclass(frozen=True)
class Reviewer:
    name: str
    squad: str


@dataclass
class SampleReview:
    seed: str
    requested: int
    eligible: int
    assignments: pd.DataFrame  # case_id, squad, cause, status, decision_date, recordings, reviewer, reviewer_squad
    notes: list[str] = field(default_factory=list)


def pick_sample(cases: pd.DataFrame, recordings: pd.DataFrame, reviewers: list[Reviewer], n: int,
                seed: int | str) -> SampleReview:
    """Draw `n` decided cases (状态 已决定 / 执行中 / 已结案) with at least one 视频 or 音频 record and
    assign each to a reviewer from another squad, spreading the work evenly (the least-loaded eligible
    reviewers are drawn from first)."""
    if n < 1:
        raise ConfigError(f"抽查数量应为正整数（实际为 {n}）")
    if not reviewers:
        raise ConfigError("检查人员名单为空")
    seed = str(seed)
    rng = random.Random(seed)
    av = recordings[recordings["media"].isin(AV_MEDIA)] if len(recordings) else recordings
    with_av = set(av["case_id"]) if len(av) else set()
    decided = cases[cases["status"].isin(DECIDED) & cases["case_id"].isin(with_av)]
    eligible = sorted(decided["case_id"].astype(str))
    picked = sorted(rng.sample(eligible, min(n, len(eligible))))
    notes = []
    if len(eligible) < n:
        notes.append(f"符合条件的案件只有 {len(eligible)} 件（要求抽取 {n} 件），已全部列入")
    by_id = decided.set_index("case_id")
    pool = sorted(set(reviewers), key=lambda r: (r.squad, r.name))
    load = {r: 0 for r in pool}
    rows = []
    for case_id in sorted(picked, key=lambda c: (str(by_id.at[c, "squad"]), c)):
        case = by_id.loc[case_id]
        squad = str(case["squad"])
        candidates = [r for r in pool if r.squad != squad]
        if not candidates:
            raise ConfigError(f"没有其他中队的检查人员可以抽查 {squad} 的案件 {case_id}（检查人员须来自其他中队）")
        least = min(load[r] for r in candidates)
        reviewer = rng.choice([r for r in candidates if load[r] == least])
        load[reviewer] += 1
        recs = av[av["case_id"] == case_id]
        rows.append({
            "case_id": case_id, "squad": squad, "cause": _plain(case.get("cause")), "status": _plain(case.get("status")),
            "decision_date": _plain(case.get("decision_date")), "recordings": _recording_text(recs),
            "reviewer": reviewer.name, "reviewer_squad": reviewer.squad,
        })
    columns = ["case_id", "squad", "cause", "status", "decision_date", "recordings", "reviewer", "reviewer_squad"]
    return SampleReview(seed=seed, requested=n, eligible=len(eligible), assignments=pd.DataFrame(rows, columns=columns),
                        notes=notes)


def sample_review(exports: list[str | Path], reviewers_path: str | Path, n: int, seed: int | str, out: str | Path, *,
                  mapping: str | Path | None = None) -> SampleReview:
    """Load the exports, draw the sample and write the checklist workbook to `out`."""
    from auditor.ingest import load_exports  # the loader is only needed by this entry point

    reviewers = load_reviewers(reviewers_path)
    loaded = load_exports(exports, mapping)
    review = pick_sample(loaded.tables["cases"], loaded.tables["recordings"], reviewers, n, seed)
    write_checklist(review, out)
    return review


def load_reviewers(path: str | Path) -> list[Reviewer]:
    """Reviewers from CSV (header name,squad or 姓名,中队) or YAML (a list of {name, squad}, or under
    `reviewers:`); errors name the file and line."""
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        return _reviewers_yaml(path)
    return _reviewers_csv(path)


def _reviewers_csv(path: Path) -> list[Reviewer]:
    name = str(path)
    text = read_config_table_text(path, "检查人员名单")  # refuses a FIFO or /dev/zero, which hung sample-review
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ConfigError("检查人员名单为空", file=name)
    header = [h.strip().lower() for h in rows[0]]
    col_name = next((header.index(h) for h in NAME_HEADERS if h in header), None)
    col_squad = next((header.index(h) for h in SQUAD_HEADERS if h in header), None)
    if col_name is None or col_squad is None:
        raise ConfigError("表头应含 name,squad（或 姓名,中队）两列", file=name, line=1)
    out = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        person = row[col_name].strip() if col_name < len(row) else ""
        squad = row[col_squad].strip() if col_squad < len(row) else ""
        out.append(_reviewer(person, squad, name, line, out))
    if not out:
        raise ConfigError("检查人员名单为空", file=name)
    return out


def _reviewers_yaml(path: Path) -> list[Reviewer]:
    name = str(path)
    data = load_yaml(path)
    items = data.get("reviewers") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise ConfigError("应为检查人员列表（每项含 name 与 squad），可放在 reviewers: 下", file=name,
                          line=getattr(data, "line", None))
    out = []
    for i, item in enumerate(items):
        line = items.line_of(i)
        if not isinstance(item, dict):
            raise ConfigError("每名检查人员应为映射 {name, squad}", file=name, line=line)
        out.append(_reviewer(str(item.get("name") or "").strip(), str(item.get("squad") or "").strip(), name, line, out))
    return out


def _reviewer(person: str, squad: str, file: str, line: int, seen: list[Reviewer]) -> Reviewer:
    if not person:
        raise ConfigError("缺少检查人员姓名", file=file, line=line, field="name")
    if not squad:
        raise ConfigError(f"检查人员 {person} 缺少所在中队", file=file, line=line, field="squad")
    reviewer = Reviewer(person, squad)
    if reviewer in seen:
        raise ConfigError(f"检查人员 {person}（{squad}）重复", file=file, line=line)
    return reviewer


def write_checklist(review: SampleReview, out: str | Path) -> None:
    """Two sheets: 抽查分配 (one row per case) and 检查清单 (one row per case and check item, with a
    符合 / 不符合 / 不适用 dropdown), plus 说明 (seed and method)."""
    with atomic_path(out) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
        wb.set_properties({"title": "全过程记录双随机交叉检查", "created": datetime(2000, 1, 1)})
        head = wb.add_format({"bold": True, "border": 1, "bg_color": "#1F4E79", "font_color": "#FFFFFF",
                              "text_wrap": True, "valign": "vcenter"})
        wrap = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
        a = review.assignments
        ws = wb.add_worksheet("抽查分配")
        _table(ws, head, wrap, ["序号", "案件编号", "承办中队", "案由", "案件状态", "处罚决定日期", "音视频记录",
                                "检查人", "检查人所在中队"], [6, 20, 24, 28, 10, 12, 48, 10, 24],
               [[i, r.case_id, r.squad, r.cause, r.status, r.decision_date, r.recordings, r.reviewer,
                 r.reviewer_squad] for i, r in enumerate(a.itertuples(), start=1)])
        ws = wb.add_worksheet("检查清单")
        rows = [[f"{i}-{k}", r.case_id, r.reviewer, item, point, "", ""]
                for i, r in enumerate(a.itertuples(), start=1) for k, (item, point) in enumerate(CHECKS, start=1)]
        _table(ws, head, wrap, ["序号", "案件编号", "检查人", "检查项目", "检查要点", "检查结果", "问题说明"],
               [8, 20, 10, 14, 44, 10, 36], rows)
        if rows:
            ws.data_validation(1, 5, len(rows), 5, {"validate": "list", "source": list(RESULTS)})
        ws = wb.add_worksheet("说明")
        ws.set_column(0, 0, 100)
        for r, text in enumerate([
            "全过程记录双随机交叉检查：案件随机、检查人员随机，检查人员不检查本中队的案件。",
            f"随机种子：{review.seed}（同一数据、名单和种子得到同一抽查结果，可复核）",
            f"从 {review.eligible} 件符合条件的案件（状态为 {'、'.join(DECIDED)} 且有音视频记录）中抽取 "
            f"{len(a)} 件（要求 {review.requested} 件）。",
            *review.notes,
        ]):
            ws.write_string(r, 0, text)
        wb.close()


def _table(ws, head, wrap, headers: list[str], widths: list[int], rows: list[list]) -> None:
    for c, (h, w) in enumerate(zip(headers, widths)):
        ws.write_string(0, c, h, head)
        ws.set_column(c, c, w)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, int):
                ws.write_number(r, c, value, wrap)
            else:
                ws.write_string(r, c, neutralise(xml_safe(str(value or ""))), wrap)
    ws.freeze_panes(1, 0)


def _recording_text(recs: pd.DataFrame) -> str:
    parts = []
    for r in recs.sort_values(["recorded_at", "recording_id"], na_position="last").itertuples():
        bits = [_plain(r.recording_id), _plain(r.stage), _plain(r.media)]
        if not is_missing(r.duration_s):
            bits.append(f"{int(r.duration_s)}秒")
        bits.append(f"文件 {r.file_ref}" if not is_missing(r.file_ref) and r.file_ref else "未存储")
        parts.append(" ".join(b for b in bits if b))
    return "\n".join(parts)


def _plain(value) -> str:
    if is_missing(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)
