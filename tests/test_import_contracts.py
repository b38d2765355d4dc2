"""The import contracts in pyproject.toml hold (`lint-imports`, as CI runs it), and a broken one is
reported: reporters never import evaluators or the rules loader, evaluators never import ingest or
reports, nothing imports the command line, and neither the Rete parts nor the pipeline's siblings
import each other in a circle."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(config: Path | None = None) -> subprocess.CompletedProcess:
    args = [str(LINT), "--no-cache"] + (["--config", str(config)] if config else [])
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_the_import_contracts_hold():
    proc = _lint()
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout and "Nothing imports the command line KEPT" in proc.stdout


def test_a_broken_contract_is_reported(tmp_path):
    # auditor.report does import auditor.findings: forbidding it must break the contract.
    config = tmp_path / "contracts.toml"
    config.write_text('[tool.importlinter]\nroot_package = "auditor"\n\n[[tool.importlinter.contracts]]\n'
                      'name = "Reporters without findings"\ntype = "forbidden"\nsource_modules = ["auditor.report"]\n'
                      'forbidden_modules = ["auditor.findings"]\n', encoding="utf-8")
    proc = _lint(config)
    assert proc.returncode == 1 and "BROKEN" in proc.stdout and "auditor.findings" in proc.stdout
