#!/usr/bin/env bash
# The suite against other dependency sets than the lock, in a throw-away venv:
#   scripts/check-deps.sh newest   newest releases allowed by pyproject.toml (drift shows here first)
#   scripts/check-deps.sh oldest   the oldest releases pyproject.toml declares (constraints/oldest.txt)
# Extra arguments go to pytest (e.g. -m "not slow"). Slower than CI; run it on a schedule or by hand.
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
which="${1:-newest}"
shift || true
venv="$(mktemp -d)/venv"
python3 -m venv "$venv"
case "$which" in
  newest) "$venv/bin/pip" install -q --upgrade --upgrade-strategy eager -e "$repo[test]" ;;
  oldest) "$venv/bin/pip" install -q -c "$repo/constraints/oldest.txt" -e "$repo[test]" ;;
  *) echo "usage: $0 newest|oldest [pytest args]" >&2; exit 2 ;;
esac || exit 1
"$venv/bin/python" -m pip list 2>/dev/null | grep -iE '^(pandas|numpy|lxml|durable.rules|click|pyyaml|openpyxl|xlsxwriter|jinja2|jsonschema|chinese.calendar) '
cd "$repo" && "$venv/bin/python" -m pytest -q "$@"
