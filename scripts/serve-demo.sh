#!/usr/bin/env bash
# Install Socle and serve the demo catalogue on the embedded store: http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/socle serve --demo --data "${SOCLE_DATA:-./socle-data}" "$@"
