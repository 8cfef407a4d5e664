#!/usr/bin/env bash
# Install axe-core (pinned in tests/web/axe/package-lock.json) for the accessibility checks
# that tests/web/test_accessibility.py runs in real Chromium on every page.
set -euo pipefail
cd "$(dirname "$0")/../tests/web/axe"
if ! command -v npm >/dev/null; then
    echo "axe-setup: node/npm not found (install Debian's nodejs and npm)" >&2
    exit 1
fi
if [ -f node_modules/axe-core/axe.min.js ] && [ node_modules/axe-core/axe.min.js -nt package-lock.json ]; then
    exit 0
fi
npm ci --no-audit --no-fund
