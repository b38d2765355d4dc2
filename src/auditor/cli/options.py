"""Options shared by several commands (not a command module itself)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from auditor.errors import UsageError


def _parse_date(ctx, param, value):
    if value is None:
        return dt.date.today()  # the CLI's default; the library always receives an explicit date
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"日期应写作 YYYY-MM-DD，而不是 {value!r}") from None


as_of_option = click.option(
    "--as-of", "as_of", callback=_parse_date, metavar="YYYY-MM-DD",
    help="审计基准日（在办案件的期限按此日计算）；默认今天。")


def rule_pack_options(fn):
    fn = click.option("--calendar", "calendars", multiple=True, type=click.Path(path_type=Path),
                      help="补充工作日历文件（YAML，可重复），用于 chinese-calendar 未覆盖的年份。")(fn)
    fn = click.option("--profile", type=click.Path(path_type=Path),
                      help="区参数配置（YAML），覆盖规则包参数默认值。")(fn)
    fn = click.option("--rules", type=click.Path(path_type=Path), help="规则包目录（默认：内置规则包）。")(fn)
    return fn


def parse_formats(text: str) -> tuple[str, ...]:
    from auditor.job import ALL_FORMATS

    formats = tuple(f.strip() for f in text.split(",") if f.strip())
    unknown = [f for f in formats if f not in ALL_FORMATS]
    if unknown:
        raise UsageError(f"未知的报告格式: {', '.join(unknown)}；可选: {', '.join(ALL_FORMATS)}")
    return formats
