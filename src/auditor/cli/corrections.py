"""`auditor corrections import`: read a returned corrections workbook (整改清单) into the history store."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from auditor.cli import main
from auditor.errors import EXIT_INPUT, UsageError
from auditor.history import import_corrections


@main.group("corrections")
def corrections() -> None:
    """整改清单：导入各中队填报返回的整改状态与备注。

    示例:

    \b
        auditor corrections import reports/整改清单/ --history auditor-history.sqlite
    """


@corrections.command("import")
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--history", "db", required=True, type=click.Path(dir_okay=False), help="历史库文件")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="导入生效日期（默认：今天）")
@click.option("--by", "actor", default=None, help="导入人（记入状态历史，默认“整改清单导入”）")
@click.option("--dry-run", is_flag=True, help="只检查并报告，不写入历史库")
@click.option("--strict", is_flag=True, help="有被拒绝的行时以退出码 3 结束")
def import_cmd(workbooks: tuple[Path, ...], db: str, on, actor: str | None, dry_run: bool, strict: bool) -> None:
    """导入返回的整改清单：按“问题编号”更新整改状态（待整改 / 整改中 / 已销项）和备注。

    可一次导入多个文件或一个文件夹（其中的 .xlsx 按文件名顺序逐个导入）。带发放标记的清单只导入中队
    相对发放时改动的内容，未改动的行不会覆盖之后的变更，与他人的改动冲突的行列出而不导入。
    每个工作表按“问题编号”列定位表头；未知问题编号、无效状态、不可能的状态变更
    （如 已销项→待整改，或 任何→已豁免）逐行报告文件、工作表和行号，不会静默丢弃。

    示例:

    \b
        auditor corrections import reports/整改清单/机动执法中队.xlsx --history auditor-history.sqlite --by 张三
        auditor corrections import reports/整改清单/ --history auditor-history.sqlite
    """
    day = on.date() if on else date.today()
    files = []
    for path in workbooks:
        if path.is_dir():  # a folder of returned lists; not Office's lock files (~$…) or hidden ones
            files += sorted(p for p in path.iterdir()
                            if p.suffix.lower() == ".xlsx" and not p.name.startswith(("~$", ".")))
        else:
            files.append(path)
    if not files:
        raise UsageError("文件夹中没有 .xlsx 工作簿", file=", ".join(str(p) for p in workbooks))
    rejected = 0
    for path in files:
        report = import_corrections(path, db, on=day, actor=actor, dry_run=dry_run)
        rejected += len(report.rejected)
        for line in report.lines():
            click.echo(line)
    if strict and rejected:
        sys.exit(EXIT_INPUT)
