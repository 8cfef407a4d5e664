#!/usr/bin/env bash
# Build (or verify: idempotent) the venvs of the real harvesters the interop tests run:
# data.gouv.fr's udata ($UDATA_VENV, default /tmp/udata-venv) and CKAN's ckanext-dcat
# ($CKAN_VENV, default /tmp/ckan-venv). ~1 min each the first time, needs PyPI.
# Usage: scripts/interop-setup.sh   (then: python -m pytest tests/interop -m interop)
set -euo pipefail
cd "$(dirname "$0")/.."
INTEROP="${SOCLE_INTEROP_DIR:-../shared/interop}"
if [ ! -d "$INTEROP" ]; then
  echo "interop-setup: $INTEROP not found (set SOCLE_INTEROP_DIR)" >&2
  exit 2
fi
bash "$INTEROP/setup_udata.sh"
bash "$INTEROP/setup_ckan.sh"
