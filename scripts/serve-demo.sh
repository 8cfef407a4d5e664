#!/usr/bin/env bash
# Install Socle and serve the demo catalogue on the embedded store: http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh ""
exec .venv/bin/socle serve --demo --data "${SOCLE_DATA:-./socle-data}" "$@"
