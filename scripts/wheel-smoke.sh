#!/usr/bin/env bash
# Build the wheel, install it in a clean venv (from the lock), and audit the bundled sample from a
# folder outside the checkout: proves the rule pack, parameters, calendars and profiles ship inside.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" wheel -q --no-deps -w "$work/dist" "$repo"
"$work/venv/bin/pip" install -q -c "$repo/constraints.txt" "$work"/dist/auditor-*.whl
cd "$work"
"$work/venv/bin/auditor" --version
"$work/venv/bin/auditor" rules list >/dev/null
set +e
"$work/venv/bin/auditor" audit "$repo/fixtures/sample/xml" --as-of 2026-11-25 --out "$work/reports" --no-history >"$work/audit.log" 2>&1
rc=$?
set -e
if [ "$rc" -gt 1 ]; then
  echo "wheel smoke: audit exited $rc" >&2
  cat "$work/audit.log" >&2
  exit 1
fi
for f in report.xlsx report.html findings.json findings.csv findings.sarif findings.junit.xml; do
  [ -s "$work/reports/$f" ] || { echo "wheel smoke: $f missing" >&2; exit 1; }
done
echo "wheel smoke: installed wheel audited the sample from $work (exit $rc), all reports written"
