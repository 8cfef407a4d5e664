#!/usr/bin/env bash
# Install the JavaScript SPARQL client used by tests/sparql/test_js_client.py
# (sparql-http-client, pinned in tests/sparql/js/package-lock.json) with the machine's Node.js.
set -euo pipefail
cd "$(dirname "$0")/../tests/sparql/js"
if ! command -v npm >/dev/null; then
    echo "npm-setup: node/npm not found (install Debian's nodejs and npm)" >&2
    exit 1
fi
if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund
else
    npm install --no-audit --no-fund
fi
