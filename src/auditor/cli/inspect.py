"""`auditor inspect`: read exports and show what was loaded, rejected and why."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from auditor.cli import main
from auditor.errors import EXIT_INPUT
from auditor.cli.options import limit_options, make_limits, mapping_option
from auditor.ingest import load_exports
from auditor.ingest.partial import ACCEPT_HINT, partial_message
from auditor.ingest.report import render_text


@main.command("inspect")
@click.argument("exports", nargs=-1, required=True, type=click.Path(path_type=str))
@mapping_option(old_profile_spelling=True)
@click.option("--strict", is_flag=True, help="有任何被拒收的行时以退出码 3 结束。")
@click.option("--accept-partial", is_flag=True,
              help="有导出文件未能读完（如中途出现无法解码的字节）时仍以正常退出码结束；默认退出码 3。")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="输出语言。")
@limit_options
def inspect(exports: tuple[str, ...], mapping: Path | None, strict: bool, accept_partial: bool, lang: str,
            max_file_mb: int, max_field_chars: int, max_rows: int) -> None:
    """读取导出文件（XML / CSV，或包含它们的目录），列出各表读入、载入、拒收行数，各中队案件数，
    每一条被拒收的行（文件:行号、字段、原因）以及提示（未知列等）。

    Read exports (files or folders) and print the load summary: rows in / loaded / rejected per
    table, cases per squad, every rejected row with file:line, field and reason, and the warnings.

    示例:

    \b
        auditor inspect fixtures/sample/xml
        auditor inspect fixtures/edge/custom_profile --mapping fixtures/edge/custom_profile/profile.yaml
        auditor inspect fixtures/sample/csv/cases.csv fixtures/sample/csv/recordings.csv --lang en
    """
    result = load_exports(list(exports), mapping=mapping,
                          limits=make_limits(max_file_mb, max_field_chars, max_rows))
    click.echo(render_text(result, lang), nl=False)
    if result.incomplete and not accept_partial:
        click.echo(f"错误: {partial_message(result.incomplete, lang)}\n{ACCEPT_HINT[lang]}", err=True)
        sys.exit(EXIT_INPUT)
    if strict and result.rejected:
        sys.exit(EXIT_INPUT)
