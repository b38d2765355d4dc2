"""The import contracts in pyproject.toml hold (`lint-imports`, as CI runs it), and a broken one is
reported: reporters never import evaluators or the rules loader, evaluators never import ingest or
reports, nothing imports the command line, the top-level layers point down (cli at the top, errors at the
bottom), and no package or module imports one that imports it back."""

import subprocess
import sys
import tomllib
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


def _contract(name_start: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    return next(c for c in config["contracts"] if c["name"].startswith(name_start))


def _layers_contract() -> dict:
    return _contract("The pipeline's layers point down")


def _top_level_modules() -> set[str]:
    package = ROOT / "src" / "auditor"
    present = {p.stem for p in package.glob("*.py") if p.stem not in ("__init__", "__main__")}
    return present | {p.parent.name for p in package.glob("*/__init__.py")}


def test_the_layers_name_every_top_level_module():
    named = {name.strip() for layer in _layers_contract()["layers"] for name in layer.split("|")}
    present = _top_level_modules()
    assert present - named == set(), "top-level modules missing from the layers contract (place them)"
    assert named - present == set(), "layers naming modules that no longer exist"


def test_the_whole_tree_contracts_name_every_top_level_module():
    # A module left out of these lists would escape the contract unnoticed.
    for contract, exempt in (("Nothing imports the command line", {"cli"}), ("One YAML loader", {"yamlio"})):
        sources = {m.removeprefix("auditor.") for m in _contract(contract)["source_modules"]}
        assert sources == _top_level_modules() - exempt, contract


def test_the_layers_follow_the_real_graph(tmp_path):
    # Put the pipeline above the api that calls it: the real imports (api -> pipeline) must break it.
    contract = dict(_layers_contract())
    layers = list(contract["layers"])
    api, pipeline = layers.index("api"), layers.index("pipeline")
    layers[api], layers[pipeline] = layers[pipeline], layers[api]
    lines = ['[tool.importlinter]', 'root_package = "auditor"', 'exclude_type_checking_imports = true', '',
             '[[tool.importlinter.contracts]]', 'name = "Swapped layers"', 'type = "layers"',
             'containers = ["auditor"]', "layers = [" + ", ".join(f'"{layer}"' for layer in layers) + "]"]
    config = tmp_path / "contracts.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = _lint(config)
    assert proc.returncode == 1 and "BROKEN" in proc.stdout and "auditor.api" in proc.stdout, proc.stdout[-2000:]


def test_the_architecture_doc_draws_the_same_layers():
    """docs/ARCHITECTURE.md's picture of the layers is the contract's, level by level (a module added
    to the contract but not the picture would leave the doc wrong)."""
    doc = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    block = doc.split("neither imports the other):", 1)[1].split("```", 2)[1]
    drawn = [line.split("(")[0].strip() for line in block.strip().splitlines()]
    as_sets = lambda layers: [{m.strip() for m in layer.split("|")} for layer in layers]  # noqa: E731
    assert as_sets(drawn) == as_sets(_layers_contract()["layers"])
