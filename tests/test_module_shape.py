"""Every module under src/auditor stays small (at most 400 lines) and opens with a docstring that says
its one job in a sentence; a module that does not is named with its line count."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "auditor"
MAX_LINES = 400
MIN_WORDS = 5          # "Helpers." or "Utils" is not a job
SENTENCE_ENDS = (".", "。", "!", "?", "！", "？")


def shape_problems(path: Path, root: Path) -> list[str]:
    """What is wrong with one module's shape: too long, no docstring, or a docstring that is no sentence."""
    text = path.read_text(encoding="utf-8")
    lines = len(text.splitlines())
    name = path.relative_to(root).as_posix()
    problems = []
    if lines > MAX_LINES:
        problems.append(f"{name}: {lines} lines (at most {MAX_LINES})")
    docstring = (ast.get_docstring(ast.parse(text, filename=str(path))) or "").strip()
    first_paragraph = docstring.split("\n\n")[0]
    if not docstring:
        problems.append(f"{name}: {lines} lines, no module docstring saying its job")
    elif len(first_paragraph.split()) < MIN_WORDS or not any(end in docstring for end in SENTENCE_ENDS):
        problems.append(f"{name}: {lines} lines, docstring {docstring[:60]!r} is not a sentence stating its job")
    return problems


def tree_problems(root: Path) -> list[str]:
    return [problem for path in sorted(root.rglob("*.py")) for problem in shape_problems(path, root)]


def test_every_module_is_small_and_states_its_job():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 100, f"expected the whole package under {PACKAGE}, found {len(modules)} modules"
    problems = tree_problems(PACKAGE)
    assert not problems, "modules out of shape:\n" + "\n".join(problems)


@pytest.mark.parametrize("source, expected", [
    ('"""Read one export file into rows."""\n' + "x = 1\n" * 400, "big.py: 401 lines (at most 400)"),
    ("x = 1\n", "big.py: 1 lines, no module docstring"),
    ('"""Helpers."""\nx = 1\n', "big.py: 2 lines, docstring 'Helpers.' is not a sentence"),
    ('"""Read one export file into rows without a full stop"""\n', "is not a sentence"),
])
def test_a_module_out_of_shape_is_named_with_its_line_count(tmp_path, source, expected):
    (tmp_path / "big.py").write_text(source, encoding="utf-8")
    problems = tree_problems(tmp_path)
    assert len(problems) == 1 and expected in problems[0], problems


def test_a_module_in_shape_passes(tmp_path):
    (tmp_path / "ok.py").write_text('"""Read one export file into rows."""\n' + "x = 1\n" * 399, encoding="utf-8")
    assert tree_problems(tmp_path) == []
