"""Options shared by several commands (not a command module itself)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from auditor.errors import UsageError


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_date(value: str) -> dt.date:
    """A date written exactly YYYY-MM-DD, within what the date columns hold. Python's fromisoformat
    alone also takes 20261125 and 2026-W01-1, which the message (and every report) calls YYYY-MM-DD."""
    from auditor.model.values import DATE_MAX, DATE_MIN

    text = value.strip()
    try:
        day = dt.date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
    except ValueError:
        raise ValueError(f"日期无效: {value[:40]!r}（应写作 YYYY-MM-DD）") from None
    if day is None:
        raise ValueError(f"日期应写作 YYYY-MM-DD，而不是 {value[:40]!r}")
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValueError(f"日期超出可处理范围: {text}（{DATE_MIN} 至 {DATE_MAX}）")
    return day


def _parse_date(ctx, param, value):
    if value is None:
        return dt.date.today()  # the CLI's default; the library always receives an explicit date
    try:
        return iso_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


as_of_option = click.option(
    "--as-of", "as_of", callback=_parse_date, metavar="YYYY-MM-DD",
    help="审计基准日（在办案件的期限按此日计算）；默认今天。按此日的案卷状态审计：之后的事件视为尚未发生，之后才立案的案件不在范围内。")

all_known_option = click.option(
    "--all-known", is_flag=True,
    help="按导出中的全部信息审计，包括基准日之后的事件和案件（默认按基准日当日的案卷状态）。")


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


def limit_options(fn):
    """--max-file-mb / --max-field-chars / --max-rows (turned into a `Limits` by `make_limits`)."""
    from auditor.ingest.limits import DEFAULT_LIMITS

    fn = click.option("--max-rows", type=click.IntRange(min=1), default=DEFAULT_LIMITS.max_rows, show_default=True,
                      help="每张表最多读入的行数，超过则拒绝读取（防止异常文件耗尽内存）。")(fn)
    fn = click.option("--max-field-chars", type=click.IntRange(min=1), default=DEFAULT_LIMITS.max_field_chars,
                      show_default=True, help="单个字段的最大长度，超过则该行被拒绝。")(fn)
    fn = click.option("--max-file-mb", type=click.IntRange(min=1), default=DEFAULT_LIMITS.max_file_bytes // 2**20,
                      show_default=True, help="单个导出文件的最大大小（MB），超过则拒绝读取。")(fn)
    return fn


def make_limits(max_file_mb: int, max_field_chars: int, max_rows: int):
    from auditor.ingest.limits import Limits

    return Limits(max_file_bytes=max_file_mb * 2**20, max_field_chars=max_field_chars, max_rows=max_rows)


class EngineChoice(click.Choice):
    """The registered evaluators, read from the registry when the option is parsed or shown."""

    def __init__(self):
        super().__init__(())

    @property
    def choices(self):
        from auditor.evaluate import registry

        return registry.names()

    @choices.setter
    def choices(self, value):  # click.Choice.__init__ assigns it; the registry is the only source
        pass


def _default_engine():
    from auditor.evaluate import registry

    return registry.default_name()


def engine_option(fn):
    return click.option("--engine", default=_default_engine, type=EngineChoice(),
                        help="规则评估引擎（默认：参照引擎 vectorized）。")(fn)


def _keep_mapping(ctx, param, value):
    return value if value is not None else ctx.params.get("mapping")


def _old_mapping_spelling(ctx, param, value):
    if value is not None:
        click.echo(f"提示: {ctx.info_name} 的 --profile 已更名为 --mapping（导出文件的字段映射配置）；"
                   "--profile 在 audit 等命令中指区参数配置。本次按 --mapping 处理。", err=True)
        ctx.params["mapping"] = value
    return value


def mapping_option(old_profile_spelling: bool = False):
    """--mapping: the export's field mapping (YAML). Where `--profile` used to mean it (inspect,
    sample-review) the old spelling still works, with a notice: `--profile` is the district parameters."""
    def decorate(fn):
        fn = click.option("--mapping", type=click.Path(path_type=Path), callback=_keep_mapping,
                          help="导出文件的字段映射配置（YAML）；默认内置配置。")(fn)
        if old_profile_spelling:
            fn = click.option("--profile", "old_mapping", type=click.Path(path_type=Path), hidden=True,
                              expose_value=False, callback=_old_mapping_spelling)(fn)
        return fn
    return decorate
