"""The command line: a thin layer over `auditor.api`.

Each command lives in its own module and registers itself on `main`; this module builds the group
and owns how a run ends: `AuditorError` becomes a one-line message and its exit code, an internal
error exit 4 with the traceback in a file (`crash`), Ctrl-C exit 130 and SIGTERM exit 143. The
language of click's own words and of the help follows `--lang` / the environment (`lang`).
"""

from __future__ import annotations

import importlib
import sys

import click

from auditor import __version__
from auditor.cli import lang
from auditor.cli.crash import Terminated, crash_message, sigterm_as_exception, write_crash_report
from auditor.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_TERMINATED, AuditorError

# Command modules, imported in this order so that `auditor --help` lists them consistently.
COMMAND_MODULES = (
    "inspect", "generate", "rules", "audit", "explain", "history", "corrections", "monthly",
    "sample_review", "serve",
)


class AuditorGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except AuditorError as exc:
            click.echo(f"错误: {exc}" if lang.current() != "en" else f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        args = list(sys.argv[1:] if args is None else args)
        lang.activate(lang.choose_language(args), self)
        if not standalone_mode:  # the caller handles exceptions itself
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        code = 0
        with sigterm_as_exception():
            try:
                result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
                code = result if isinstance(result, int) else 0
            except click.ClickException as exc:
                exc.show()
                code = exc.exit_code
            except (click.exceptions.Abort, KeyboardInterrupt):
                click.echo("\n已中断。" if lang.current() != "en" else "\nInterrupted.", err=True)
                code = EXIT_INTERRUPTED
            except Terminated:
                click.echo("已终止（SIGTERM）。" if lang.current() != "en" else "Terminated (SIGTERM).", err=True)
                code = EXIT_TERMINATED
            except click.exceptions.Exit as exc:
                code = exc.exit_code
            except SystemExit as exc:
                code = _exit_code_of(exc)
            except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback, never 1
                report = write_crash_report(exc, args)
                click.echo(crash_message(exc, report, lang.current()), err=True)
                code = EXIT_INTERNAL
        sys.exit(code)


def _exit_code_of(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    click.echo(str(exc.code), err=True)
    return 2


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from auditor.packdata import pack_version

    if lang.current() == "en":
        click.echo(f"auditor {__version__} (rule pack {pack_version()})")
    else:
        click.echo(f"auditor {__version__}（规则包版本 {pack_version()}）")
    ctx.exit()


@click.group(cls=AuditorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="显示 auditor 及其规则包的版本并退出。")
@click.option("--lang", type=click.Choice(["zh", "en"]), expose_value=False, is_eager=True,
              help="命令行与帮助的语言（默认中文；也可用环境变量 AUDITOR_LANG 或 LANG）。")
@click.option("--progress/--no-progress", "show_progress", default=None,
              help="显示/不显示进度（默认：仅在终端且不在 CI 中显示）。")
def main(show_progress: bool | None) -> None:
    """auditor：城管执法案卷合规审计工具。

    示例:

        auditor audit fixtures/sample/xml --as-of 2026-11-25 --out reports
    """
    from auditor import progress

    progress.FORCE = show_progress  # None: decided by the stream (a terminal, not CI)


def _register() -> None:
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(f"auditor.cli.{name}")
        except ModuleNotFoundError as exc:
            # A command module not written yet; any other missing import is a real error.
            if exc.name != f"auditor.cli.{name}":
                raise


_register()
