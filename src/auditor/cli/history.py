"""`auditor history`: the recorded runs, run-to-run changes and per-squad closure rates (销项率)."""

from __future__ import annotations

import json
from datetime import date

import click
import pandas as pd

from auditor.cli import main
from auditor.history import compare_runs, item_history, list_items, list_runs, squad_status, squad_trend
from auditor.history.text import percent, signed_points, table


def _out_suffix(ctx, param, value):
    if value and not value.lower().endswith((".xlsx", ".csv")):
        raise click.BadParameter(f"文件名应以 .xlsx 或 .csv 结尾，而不是 {value!r}")
    return value


@main.group("history")
@click.option("--history", "db", required=True, type=click.Path(dir_okay=False),
              help="历史库文件（auditor audit --history 写入；默认位于报告目录的上一级 auditor-history.sqlite）")
@click.pass_context
def history(ctx: click.Context, db: str) -> None:
    """查看审计历史：已记录的审计、两次审计的变化、各中队销项率与超期整改、逐月趋势。

    示例:

    \b
        auditor history --history auditor-history.sqlite list
        auditor history --history auditor-history.sqlite compare 1 2
        auditor history --history auditor-history.sqlite squads --as-of 2026-11-30
    """
    ctx.obj = db


@history.command("list")
@click.pass_obj
def list_cmd(db: str) -> None:
    """列出已记录的审计（按截止日期、运行编号排序）及每次的新增 / 持续 / 销项 / 复发 / 查实 / 无法判定数。

    查实：此前的审计因导出缺少数据无法判定、本次查明的问题（不计入新增）。

    示例:

    \b
        auditor history --history auditor-history.sqlite list
    """
    runs = list_runs(db)
    if runs.empty:
        click.echo("历史库中还没有审计记录。")
        return
    rows = [[r.run_id, r.as_of, r.label or "", _scope(r.squad_filter, r.rule_filter, r.case_filter),
             r.rule_pack_version or "", r.findings,
             r.new, r.persisting, r.resolved, r.reopened, r.determined, r.undetermined] for r in runs.itertuples()]
    click.echo(table(["编号", "截止日期", "标签", "范围", "规则包版本", "问题数", "新增", "持续", "销项", "复发", "查实",
                      "无法判定"], rows))


@history.command("compare")
@click.argument("run_a", type=int)
@click.argument("run_b", type=int)
@click.pass_obj
def compare_cmd(db: str, run_a: int, run_b: int) -> None:
    """比较两次审计：各中队新增、已销项、持续存在的问题数（只比较两次都审计了的中队）。

    一次审计因导出缺少数据而无法判定的问题，既不算已销项也不算新增，单独列出。

    示例:

    \b
        auditor history --history auditor-history.sqlite compare 1 2
    """
    cmp = compare_runs(db, run_a, run_b)
    rows = [[r.squad, r.new, r.resolved, r.persisting, r.undetermined, r.determined]
            for r in cmp.by_squad.itertuples()]
    rows.append(["合计", len(cmp.new), len(cmp.resolved), len(cmp.persisting), len(cmp.undetermined),
                 len(cmp.determined)])
    click.echo(f"审计 {run_a} → 审计 {run_b}")
    click.echo(table(["中队", "新增", "已销项", "持续", "转为无法判定", "此前无法判定、本次查实"], rows))


@history.command("squads")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="统计截止日期（默认：最近一次审计的截止日期）")
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None, callback=_out_suffix,
              help="同时写入文件：.xlsx 或 .csv（按扩展名）")
@click.pass_obj
def squads_cmd(db: str, as_of, out) -> None:
    """各中队整改情况：问题总数、待整改、整改中、已销项、已豁免、超期、销项率（累计 / 本月）及环比。

    销项率 = 已销项（含经批准豁免的）÷ 累计列入整改的问题；本月销项率 = 本月销项 ÷ 本月内处于整改中的问题。

    示例:

    \b
        auditor history --history auditor-history.sqlite squads --as-of 2026-11-30 --out 销项率.xlsx
    """
    day: date | None = as_of.date() if as_of else None
    frame = squad_status(db, day, total=True)
    if frame.empty:
        click.echo("历史库中还没有审计记录。")
        return
    rows = [[r.squad, r.items, r.open, r.in_progress, r.closed, r.exempt, r.overdue, percent(r.closure_rate),
             percent(r.month_closure_rate), signed_points(r.trend)] for r in frame.itertuples()]
    headers = ["中队", "问题总数", "待整改", "整改中", "已销项（含豁免）", "其中豁免", "超期", "销项率", "本月销项率",
               "环比(百分点)"]
    click.echo(table(headers, rows))
    _write(out, headers, rows, "各中队销项率")


@history.command("trend")
@click.option("--squad", default=None, help="只看一个中队（默认：全部中队）")
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None, callback=_out_suffix,
              help="同时写入文件：.xlsx 或 .csv（按扩展名）")
@click.pass_obj
def trend_cmd(db: str, squad: str | None, out) -> None:
    """逐月趋势：各中队每月末的问题总数、本月新增、本月销项、超期与销项率（环比）。

    示例:

    \b
        auditor history --history auditor-history.sqlite trend --squad 机动执法中队 --out 趋势.csv
    """
    frame = squad_trend(db)
    if squad:
        frame = frame[frame["squad"] == squad]
    if frame.empty:
        click.echo("没有可统计的记录。")
        return
    rows = [[r.month, r.squad, r.items, r.month_opened, r.month_closed, r.open + r.in_progress, r.overdue,
             percent(r.closure_rate), signed_points(r.trend)] for r in frame.itertuples()]
    headers = ["月份", "中队", "问题总数", "本月新增", "本月销项", "未整改", "超期", "销项率", "环比(百分点)"]
    click.echo(table(headers, rows))
    _write(out, headers, rows, "逐月趋势")


@history.command("items")
@click.option("--squad", default=None, help="只看一个中队")
@click.option("--status", type=click.Choice(["待整改", "整改中", "已销项", "已豁免"]), default=None, help="只看一种状态")
@click.option("--overdue", is_flag=True, help="只看超期未整改的问题")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="统计截止日期（默认：最近一次审计的截止日期）")
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None, callback=_out_suffix,
              help="同时写入文件：.xlsx 或 .csv（按扩展名）")
@click.pass_obj
def items_cmd(db: str, squad: str | None, status: str | None, overdue: bool, as_of, out) -> None:
    """整改事项清单（挂图作战）：每个问题的编号、中队、案件、规则、状态、完成时限、超期天数与备注。

    示例:

    \b
        auditor history --history auditor-history.sqlite items --squad 机动执法中队 --overdue --out 超期.xlsx
    """
    frame = list_items(db, as_of.date() if as_of else None, squad=squad, status=status, overdue_only=overdue)
    if frame.empty:
        click.echo("没有符合条件的整改事项。")
        return
    rows = [[r.fingerprint, r.squad, r.case_id, r.rule_id, r.severity, r.status, r.due or "",
             r.overdue_days or "", r.note or ""] for r in frame.itertuples()]
    headers = ["问题编号", "中队", "案件编号", "规则编号", "严重程度", "状态", "完成时限", "超期天数", "备注"]
    click.echo(table(headers, rows))
    click.echo(f"共 {len(frame)} 项")
    _write(out, headers, [[*r[:7], int(r[7] or 0), r[8]] for r in rows], "整改事项")


@history.command("item")
@click.argument("fingerprint")
@click.pass_obj
def item_cmd(db: str, fingerprint: str) -> None:
    """一个问题的状态历史：何时、由谁（审计运行 / 整改清单导入 / 豁免登记）、从什么状态变为什么状态、原因。

    示例:

    \b
        auditor history --history auditor-history.sqlite item 05d62d36b3cb7c339d26
    """
    frame = item_history(db, fingerprint)
    sources = {"run": "审计", "import": "整改清单导入", "exception": "豁免登记"}
    rows = [[r.on_date, sources.get(r.source, r.source), "" if pd.isna(r.run_id) else f"#{int(r.run_id)}",
             r.actor or "", f"{r.old_status or '—'} → {r.new_status}", r.due or "", r.note or "", r.detail or ""]
            for r in frame.itertuples()]
    click.echo(table(["日期", "来源", "运行", "操作人", "状态", "完成时限", "说明", "出处"], rows))


def _write(out, headers: list[str], rows: list[list], title: str) -> None:
    if out:
        from auditor.history.table_files import write_table

        click.echo(f"已写入 {write_table(out, headers, rows, title=title)}")


def _scope(squads, rules=None, cases=None) -> str:
    """What a run covered: its squads, and for a partial run its rules, cases and 案由 (none: 全部)."""
    parts = list(json.loads(squads)) if squads else []
    parts += [f"规则 {r}" for r in json.loads(rules)] if rules else []
    case_filter = json.loads(cases) if cases else {}
    parts += [f"案件 {c}" for c in case_filter.get("cases", [])] + [f"案由 {c}" for c in case_filter.get("causes", [])]
    return "、".join(parts) if parts else "全部"
