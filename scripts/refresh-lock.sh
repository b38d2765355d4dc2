#!/usr/bin/env bash
# Refresh constraints.txt (the lock) to the newest releases pyproject.toml allows, then run the suite
# against it. Review the diff of constraints.txt and commit it only when the suite passes.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="$(mktemp -d)/venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade --upgrade-strategy eager -e "$repo[test]"
{
  echo "# The lock: the exact set the README's commands and .ci/run install (pip install -c constraints.txt ...)."
  echo "# Refresh: scripts/refresh-lock.sh (newest releases allowed by pyproject.toml, then run the suite)."
  "$venv/bin/pip" freeze --exclude-editable | grep -v '^auditor' | sort -f
} > "$repo/constraints.txt"
cd "$repo" && "$venv/bin/python" -m pytest -q
