#!/usr/bin/env bash
# Every test: system check, type check, lint, format check, builds, then the
# unit, integration and end-to-end suites. On Linux the suites run inside a
# private D-Bus session with an unlocked gnome-keyring (scripts/with-keyring.sh);
# elsewhere they use the native keychain. Each suite starts the BTCPay sandbox
# servers it needs and stops them.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$1"; }

step 'system components'
node scripts/check-system.mjs

step 'type check'
npm run --silent typecheck

step 'lint'
npm run --silent lint

step 'format check'
npm run --silent format:check

step 'build'
npm run --silent build:cli
npm run --silent build

step 'unit, integration and end-to-end tests'
# The JSON report feeds the one-line summary printed at the very end.
mkdir -p test-results
vitest=(npx vitest run --reporter=default --reporter=json
  --outputFile.json=test-results/vitest.json "$@")
status=0
if [ "$(uname -s)" = "Linux" ]; then
  bash scripts/with-keyring.sh "${vitest[@]}" || status=$?
else
  "${vitest[@]}" || status=$?
fi
node scripts/test-summary.mjs test-results/vitest.json || true
exit "$status"
