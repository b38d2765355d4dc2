"""The command line: a thin layer over `auditor.api`.

Each command lives in its own module and registers itself on `main` when imported; this module only
builds the group (importing a command's module when that command is used, so `auditor --help` starts
in a fraction of a second) and turns `AuditorError` into a one-line message and its exit code (never a
traceback).
"""

from __future__ import annotations

import ast
import importlib
import sys
from functools import lru_cache
from pathlib import Path

import click

from auditor import __version__
from auditor.errors import AuditorError

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
        rows = [(n, click.Command(n, help=declared_commands()[n][1]).get_short_help_str(limit)) for n in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except AuditorError as exc:
            click.echo(f"错误: {exc}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=AuditorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="auditor")
@click.option("--progress/--no-progress", "show_progress", default=None,
              help="显示/不显示进度（默认：仅在终端且不在 CI 中显示）。")
def main(show_progress: bool | None) -> None:
    """auditor：城管执法案卷合规审计工具 (compliance audit of case-file exports).

    Example:

        auditor audit fixtures/sample/xml/cases.xml --as-of 2026-11-25 --out reports/
    """
    from auditor import progress

    progress.FORCE = show_progress  # None: decided by the stream (a terminal, not CI)


