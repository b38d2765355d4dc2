"""`auditor --help` imports no command module; commands load when used, each one listed with its summary."""

from __future__ import annotations

import subprocess
import sys

import click
from click.testing import CliRunner

HEAVY = ("pandas", "lxml", "numpy", "auditor.api", "auditor.ingest", "auditor.report", "jsonschema", "yaml")


def _modules_after(args: list[str]) -> set[str]:
    code = ("import sys\nfrom auditor.cli import main\ntry:\n    main(%r)\nexcept SystemExit:\n    pass\n"
            "print('\\n'.join(sorted(sys.modules)))" % (args,))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_help_imports_nothing_heavy():
    loaded = _modules_after(["--help"])
    assert "click" in loaded and "auditor.cli" in loaded
    assert not {m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY or m.startswith(HEAVY)}
    # Only the command line's own plumbing (stdlib and click only), never a command module:
    plumbing = {"auditor.cli.options", "auditor.cli.lang", "auditor.cli.crash"}
    assert not {m for m in loaded if m.startswith("auditor.cli.") and m not in plumbing}


def test_a_command_loads_only_its_module():
    loaded = _modules_after(["generate", "--help"])
    assert "auditor.cli.generate" in loaded and "auditor.cli.audit" not in loaded


def test_declared_commands_are_the_registered_ones_with_their_summaries():
    from auditor.cli import declared_commands, main

    registered = dict(main.commands.items())  # going over them imports every command module
    assert set(registered) == set(declared_commands()) and len(registered) >= 10
    for name, cmd in registered.items():
        module, doc = declared_commands()[name]
        assert cmd.callback.__module__ == f"auditor.cli.{module}"
        for limit in (45, 80, 200):
            assert click.Command(name, help=doc).get_short_help_str(limit) == cmd.get_short_help_str(limit), name


def test_help_lists_every_command():
    from auditor.cli import declared_commands, main

    out = CliRunner().invoke(main, ["--help"]).output
    listed = [line.split()[0] for line in out.split("命令:")[1].splitlines() if line.strip()]
    assert listed == sorted(declared_commands())
    assert "审计案件导出文件" in out


def test_rules_list_loads_the_pack_without_pandas():
    # Reading and checking the rule pack needs YAML and the schema, never the table libraries, the XML
    # parser, an evaluator or the Rete engine.
    loaded = _modules_after(["rules", "list"])
    assert "auditor.rules.loader" in loaded and "yaml" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("pandas", "numpy", "pyarrow", "lxml", "durable")}
    assert not {m for m in loaded if m.startswith(("auditor.evaluate", "auditor.ingest", "auditor.api"))}
