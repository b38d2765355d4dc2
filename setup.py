"""Build hook: ship the repository's rule pack inside the wheel as `auditor/data/rulepack`.

Everything else is declared in pyproject.toml. The pack stays at the top level (`rules/`) where
reviewers read it; a wheel needs its own copy so that `auditor` works from any directory.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithRulePack(build_py):
    def run(self):
        super().run()
        source = HERE / "rules"
        if not (source / "pack.yaml").is_file():
            raise SystemExit(f"rule pack not found at {source}")
        target = Path(self.build_lib) / "auditor" / "data" / "rulepack"
        if target.exists():
            shutil.rmtree(target)
        # Copy files, never links: a wheel must not depend on the checkout it was built from.
        shutil.copytree(source, target, symlinks=False,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))


setup(cmdclass={"build_py": BuildWithRulePack})
