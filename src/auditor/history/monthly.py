"""Figures for the monthly feedback form (月度情况反馈表, seed 000 annex 3), per squad and district.

Read from the history store as it stood at the end of the month:
- 问题线索发现情况: items opened (or reopened) in the period, by where the problem came from. The
  audit found every item itself, so each is 主动排查发现; the case's 案件来源 (a complaint about a street
  stall, say) is where the *case* came from, not the enforcement problem the audit found in its file.
  The supervision section's register of referred problems (`problem_sources`, `auditor monthly
  --sources`) names the others: 投诉举报 (incl. 12345) → 群众举报反映, 信访 → 信访渠道收集, 上级交办 /
  部门移送 → 上级部门移交 (`form_source`).
  其中列入重点整治清单 = those of severity 严重.
- 整治情况: items 销项 in the period (closed at its end, not closed at its start); 销项 is 已销项 or
  已豁免 (an approved exemption closes an item, `transitions.CLOSED_STATUSES`), and the 备注 says how
  many were exempted; 完成重点整治问题 = those of severity 严重.
- 重点整治问题进展情况: the 严重 items still open (待整改 / 整改中) at the end of the month.

A month with no recorded audit has nothing to report: `monthly_figures` refuses it unless asked to
carry the last audit's state forward (`allow_no_audit`), and then says so (`MonthlyFigures.runs_in_month`).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from auditor.errors import ConfigError, UsageError
from auditor.history.lifecycle import EXEMPT, OPEN_STATUSES
from auditor.history.transitions import CLOSED_STATUSES
from auditor.history.status import month_bounds, opened_between, state_at
from auditor.history.store import open_store

from auditor.history.problem_sources import (  # noqa: F401  (form_source, DEFAULT_SOURCE: re-exported)
    DEFAULT_SOURCE, FORM_SOURCES as SOURCE_COLUMNS, ProblemSources, Referral, form_source,
)

KEY_COLUMN = "其中列入重点整治清单"
KEY_SEVERITY = "严重"
DISTRICT = "全区"


@dataclass
class UnitFigures:
    unit: str  # a squad, or 全区
    found_month: dict[str, int]  # SOURCE_COLUMNS + KEY_COLUMN -> count
    found_year: dict[str, int]
    fixed_month: int
    fixed_year: int
    key_fixed_month: int
    key_fixed_year: int
    open_end: int = 0  # items still open (待整改 / 整改中) at the month's end
    overdue_end: int = 0  # of which past their due date
    exempt_month: int = 0  # of fixed_month: closed by an approved exemption (已豁免)
    key_open: list[dict] = field(default_factory=list)  # the 严重 items open at the month's end


@dataclass
class MonthlyFigures:
    month: date  # first day of the month
    month_end: date
    runs: int  # audits recorded up to the month's end
    district: UnitFigures
    squads: list[UnitFigures]
    runs_in_month: int = 0  # audits whose as-of date falls in the month (0: the state carried forward)
    last_as_of: date | None = None  # the latest audit up to the month's end
    unmatched: list[Referral] = field(default_factory=list)  # register rows naming no item in the store


MONTH_YEARS = (1900, 2200)  # the form compares with the year before; dates beyond cannot be stored


def parse_month(text: str) -> date:
    m = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise UsageError(f"月份应写作 2025-05（实际为 {text[:40]!r}）")
    if not MONTH_YEARS[0] <= int(m.group(1)) <= MONTH_YEARS[1]:  # 0000-01 crashed, 0001-01 too (year before)
        raise UsageError(f"月份超出可处理范围: {text.strip()}（年份 {MONTH_YEARS[0]}–{MONTH_YEARS[1]}）")
    return date(int(m.group(1)), int(m.group(2)), 1)


def monthly_figures(db_path: str | Path, month: str | date, *, allow_no_audit: bool = False,
                    sources: ProblemSources | None = None) -> MonthlyFigures:
    """The form's figures for `month`. A month without a recorded audit is refused (ConfigError) unless
    `allow_no_audit`, which reports the state the last audit left. `sources`: the register of problems
    referred by a complaint, 信访 or a superior (default: every problem 主动排查发现)."""
    sources = sources or ProblemSources()
    first = parse_month(month) if isinstance(month, str) else month.replace(day=1)
    before_month, end = month_bounds(first)
    before_year = date(first.year - 1, 12, 31)
    with open_store(db_path, create=False) as conn:
        runs = conn.execute("SELECT COUNT(*) FROM runs WHERE as_of <= ?", (end.isoformat(),)).fetchone()[0]
        if not runs:
            raise ConfigError(f"历史库中没有 {first:%Y-%m} 月底及以前的审计记录", file=str(db_path))
        in_month, last = conn.execute("SELECT SUM(as_of > ?), MAX(as_of) FROM runs WHERE as_of <= ?",
                                      (before_month.isoformat(), end.isoformat())).fetchone()
        if not in_month and not allow_no_audit:
            raise ConfigError(f"历史库中没有 {first:%Y-%m} 月内的审计记录（最近一次审计截止 {last}）：该月的反馈表没有依据。"
                              "请先审计该月；确需按最近一次审计的状态填报时加 --allow-no-audit", file=str(db_path))
        now, at_month_start, at_year_start = (state_at(conn, d) for d in (end, before_month, before_year))
        opened_month = opened_between(conn, before_month, end)
        opened_year = opened_between(conn, before_year, end)
        squads = sorted(set(now["squad"]) | _audited_squads(conn, before_year, end))
    units = [(s, now["squad"] == s) for s in squads] + [(DISTRICT, now["squad"].notna())]
    now = now.assign(problem_source=[sources.source(c, r) for c, r in zip(now["case_id"], now["rule_id"])])
    figures = [_unit(name, now[mask], at_month_start, at_year_start, opened_month, opened_year, end.isoformat())
               for name, mask in units]
    return MonthlyFigures(month=first, month_end=end, runs=runs, district=figures[-1], squads=figures[:-1],
                          runs_in_month=int(in_month or 0), last_as_of=date.fromisoformat(last),
                          unmatched=sources.unmatched(set(zip(now["case_id"], now["rule_id"]))))


def _unit(name: str, mine: pd.DataFrame, at_month_start: pd.DataFrame, at_year_start: pd.DataFrame,
          opened_month: set[str], opened_year: set[str], end: str) -> UnitFigures:
    fps = set(mine["fingerprint"])
    key = set(mine.loc[mine["severity"] == KEY_SEVERITY, "fingerprint"])
    source = dict(zip(mine["fingerprint"], mine["problem_source"]))  # 主动排查发现 unless referred
    closed_now = set(mine.loc[mine["status"].isin(CLOSED_STATUSES), "fingerprint"])
    closed_at = lambda frame: set(frame.loc[frame["status"].isin(CLOSED_STATUSES), "fingerprint"])  # noqa: E731
    fixed_month = closed_now - closed_at(at_month_start)
    fixed_year = closed_now - closed_at(at_year_start)
    is_open = mine["status"].isin(OPEN_STATUSES)
    open_key = mine[(mine["severity"] == KEY_SEVERITY) & is_open]
    overdue = is_open & pd.Series([isinstance(d, str) and d < end for d in mine["due"]], index=mine.index, dtype=bool)
    return UnitFigures(
        unit=name, found_month=_by_source(opened_month & fps, source, key),
        found_year=_by_source(opened_year & fps, source, key),
        fixed_month=len(fixed_month), fixed_year=len(fixed_year),
        key_fixed_month=len(fixed_month & key), key_fixed_year=len(fixed_year & key),
        open_end=int(is_open.sum()), overdue_end=int(overdue.sum()), key_open=open_key.to_dict("records"),
        exempt_month=len(fixed_month & set(mine.loc[mine["status"] == EXEMPT, "fingerprint"])),
    )


def _by_source(found: set[str], source: dict[str, str], key: set[str]) -> dict[str, int]:
    out = {c: 0 for c in SOURCE_COLUMNS}
    for fp in found:
        out[source[fp]] += 1
    out[KEY_COLUMN] = len(found & key)
    return out


def _audited_squads(conn: sqlite3.Connection, after: date, until: date) -> set[str]:
    rows = conn.execute("SELECT DISTINCT s.squad FROM run_squads s JOIN runs r USING (run_id)"
                        " WHERE r.as_of > ? AND r.as_of <= ?", (after.isoformat(), until.isoformat()))
    return {r[0] for r in rows}
