"""The command line: a thin layer over `auditor.api`.

Each command lives in its own module and registers itself on `main`; this module only builds the
group and turns `AuditorError` into a one-line message and its exit code (never a traceback).
"""

from __future__ import annotations

import importlib
import sys

import click

from auditor import __version__
from auditor.errors import AuditorError

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


def _register() -> None:
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(f"auditor.cli.{name}")
        except ModuleNotFoundError as exc:
            # A command module not written yet; any other missing import is a real error.
            if exc.name != f"auditor.cli.{name}":
                raise


_register()
