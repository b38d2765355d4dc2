"""`auditor monthly`: the monthly feedback form (月度情况反馈表) filled from the history store."""

from __future__ import annotations

import click

from auditor.cli import main
from auditor.history.monthly_form import DEFAULT_AUTHORITY, write_monthly


@main.command("monthly")
@click.option("--month", required=True, help="月份，如 2025-05")
@click.option("--history", "db", required=True, type=click.Path(dir_okay=False), help="历史库文件")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="输出的 Excel 文件（.xlsx）")
@click.option("--authority", default=DEFAULT_AUTHORITY, show_default=True, help="表头中的单位名称")
@click.option("--allow-no-audit", is_flag=True, help="该月没有审计记录时，按最近一次审计的状态填报（默认拒绝）")
@click.option("--sources", type=click.Path(dir_okay=False),
              help="问题线索来源登记表（CSV：案件编号,规则编号,问题线索来源,依据）：由投诉举报、信访或上级交办的问题；"
                   "未登记的问题均为“主动排查发现”")
def monthly(month: str, db: str, out: str, authority: str, allow_no_audit: bool, sources: str | None) -> None:
    """按附件3格式生成“整治城管执法不规范问题”整治工作月度情况反馈表：全区一张、每个中队一张。

    填入问题线索发现情况（按来源，本月与年初至今）、整治完成情况、重点整治问题进展（每个重点问题一行）；
    督导、教育培训、长效机制、其它情况填“无”，由中队补充。该月没有审计记录时拒绝生成（--allow-no-audit 除外）。
    问题线索来源：审计发现的问题均为“主动排查发现”（案件来源说的是案件从何而来，不是案卷问题从何而来）；
    由投诉举报、信访或上级交办的问题，在 --sources 登记表中登记后按其来源统计。

    示例:

    \b
        auditor monthly --month 2026-11 --history auditor-history.sqlite --out 月度反馈表-2026-11.xlsx

    \b
        auditor monthly --month 2026-11 --history auditor-history.sqlite --sources fixtures/monthly/问题线索来源.csv --out 反馈表.xlsx
    """
    from auditor.history.problem_sources import load_problem_sources

    register = load_problem_sources(sources) if sources else None
    figures = write_monthly(db, month, out, authority=authority, allow_no_audit=allow_no_audit, sources=register)
    for referral in figures.unmatched:
        click.echo(f"注意: {sources}:{referral.line}: 登记的问题在历史库中没有对应的整改问题（案件编号或规则编号有误，"
                   "或审计未发现该问题），未计入", err=True)
    d = figures.district
    if not figures.runs_in_month:
        click.echo(f"注意: {figures.month:%Y-%m} 月内没有审计记录，反馈表按 {figures.last_as_of} 的审计状态填报", err=True)
    click.echo(f"已生成 {out}：{figures.month:%Y-%m}，全区及 {len(figures.squads)} 个中队")
    click.echo(f"本月发现问题 {sum(v for k, v in d.found_month.items() if k != '其中列入重点整治清单')} 个"
               f"（重点 {d.found_month['其中列入重点整治清单']}），本月整治完成 {d.fixed_month} 个"
               f"（重点 {d.key_fixed_month}），重点问题未完成 {len(d.key_open)} 个")
