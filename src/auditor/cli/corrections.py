"""`auditor corrections import`: read a returned corrections workbook (整改清单) into the history store."""

from __future__ import annotations

import sys
from datetime import date

import click

from auditor.cli import main
from auditor.errors import EXIT_INPUT
from auditor.history import import_corrections


@main.group("corrections")
def corrections() -> None:
    """整改清单：导入各中队填报返回的整改状态与备注。

    示例:

    \b
        auditor corrections import reports/report.xlsx --history auditor-history.sqlite
    """


@corrections.command("import")
@click.argument("workbook", type=click.Path(dir_okay=False))
@click.option("--history", "db", required=True, type=click.Path(dir_okay=False), help="历史库文件")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="导入生效日期（默认：今天）")
@click.option("--by", "actor", default=None, help="导入人（记入状态历史，默认“整改清单导入”）")
@click.option("--dry-run", is_flag=True, help="只检查并报告，不写入历史库")
@click.option("--strict", is_flag=True, help="有被拒绝的行时以退出码 3 结束")
def import_cmd(workbook: str, db: str, on, actor: str | None, dry_run: bool, strict: bool) -> None:
    """导入返回的整改清单：按“问题编号”更新整改状态（待整改 / 整改中 / 已销项）和备注。

    每个工作表按“问题编号”列定位表头；未知问题编号、无效状态、不可能的状态变更
    （如 已销项→待整改，或 任何→已豁免）逐行报告工作表和行号，不会静默丢弃。

    示例:

    \b
        auditor corrections import reports/report.xlsx --history auditor-history.sqlite --by 张三
    """
    day = on.date() if on else date.today()
    report = import_corrections(workbook, db, on=day, actor=actor, dry_run=dry_run)
    for line in report.lines():
        click.echo(line)
    if strict and report.rejected:
        sys.exit(EXIT_INPUT)
