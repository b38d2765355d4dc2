"""The command line: a thin layer over `auditor.api`.

Each command lives in its own module and registers itself on `main` when imported; this module
builds the group (importing a command's module only when that command is used, so `auditor --help`
starts fast) and owns how a run ends: `AuditorError` becomes a one-line message and its exit code, an
internal error exit 4 with the traceback in a file (`crash`), Ctrl-C exit 130 and SIGTERM exit 143.
The language of click's own words and of the help follows `--lang` / the environment (`lang`).
"""

from __future__ import annotations

import ast
import importlib
import sys
from functools import lru_cache
from pathlib import Path

import click

from auditor import __version__, gcpolicy
from auditor.cli import lang
from auditor.cli.crash import Terminated, crash_message, sigterm_as_exception, write_crash_report
from auditor.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_TERMINATED, AuditorError

# Command modules. `auditor --help` must not import them (pandas, lxml and the rule pack cost seconds):
# their names and summaries are read from their source, and a module is imported when one of its
# commands is looked up.
COMMAND_MODULES = (
    "inspect", "generate", "rules", "audit", "explain", "history", "corrections", "monthly",
    "sample_review", "serve",
)
_HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def declared_commands() -> dict[str, tuple[str, str]]:
    """Command name -> (module, help text) of every `@main.command(...)` / `@main.group(...)` in the
    command modules, read with `ast` (no import)."""
    found: dict[str, tuple[str, str]] = {}
    for module in COMMAND_MODULES:
        path = _HERE / f"{module}.py"
        if not path.is_file():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for deco in node.decorator_list:
                if (isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute)
                        and isinstance(deco.func.value, ast.Name) and deco.func.value.id == "main"
                        and deco.func.attr in ("command", "group")):
                    name = (deco.args[0].value if deco.args and isinstance(deco.args[0], ast.Constant)
                            else node.name.lower().replace("_", "-"))
                    found[name] = (module, ast.get_docstring(node) or "")
    return found


class _LazyCommands(dict):
    """`main.commands`: a command's module is imported when the command is looked up; going over all
    of them (tests, completion) imports them all."""

    def _load(self, name) -> None:
        if not dict.__contains__(self, name) and name in declared_commands():
            importlib.import_module(f"auditor.cli.{declared_commands()[name][0]}")

    def _load_all(self) -> None:
        for name in declared_commands():
            self._load(name)

    def get(self, name, default=None):
        self._load(name)
        return dict.get(self, name, default)

    def __getitem__(self, name):
        self._load(name)
        return dict.__getitem__(self, name)

    def __contains__(self, name) -> bool:
        self._load(name)
        return dict.__contains__(self, name)

    def __iter__(self):
        self._load_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._load_all()
        return dict.__len__(self)

    def keys(self):
        self._load_all()
        return dict.keys(self)

    def values(self):
        self._load_all()
        return dict.values(self)

    def items(self):
        self._load_all()
        return dict.items(self)


def _summary_source(name: str) -> str:
    """The help a command's summary is cut from, in the current language."""
    if lang.current() == "en":
        from auditor.cli.help_en import COMMANDS

        if name in COMMANDS:
            return COMMANDS[name]
    return declared_commands()[name][1]


class AuditorGroup(click.Group):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commands = _LazyCommands(self.commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(declared_commands())

    def format_commands(self, ctx: click.Context, formatter) -> None:
        """The command list of `auditor --help` from the declared summaries: no module imported."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        # A bare Command with the same help gives the very summary the real one would (click's own rule).
        rows = [(n, click.Command(n, help=_summary_source(n)).get_short_help_str(limit)) for n in names]
        with formatter.section(lang.translate("Commands")):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except AuditorError as exc:
            click.echo(f"错误: {exc}" if lang.current() != "en" else f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        args = list(sys.argv[1:] if args is None else args)
        lang.activate(lang.choose_language(args), self)
        gcpolicy.for_batch_run()
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


