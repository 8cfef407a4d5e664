#!/usr/bin/env bash
# Install everything the test suite needs, then run it (lint + every test).
# Usage: scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh "[test]"
.venv/bin/ruff check service tests bench shapes vocab
# The real harvesters (udata, CKAN) in their own venvs, for tests/interop.
bash scripts/interop-setup.sh
# Debian's Chromium for the browser tests.
bash scripts/browser-setup.sh
# A JavaScript SPARQL client (npm) for tests/sparql/test_js_client.py.
bash scripts/npm-setup.sh
# The territories registry's source package in the cache: tests/territories count against it.
.venv/bin/python scripts/build-territories.py --check
.venv/bin/python -m pytest -q "$@"
