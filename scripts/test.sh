#!/usr/bin/env bash
# Install everything the test suite needs, then run it (lint + every test) on the embedded
# store, then again on the two external stores (issue 5: Oxigraph server, Virtuoso).
# Usage: scripts/test.sh [pytest args]    (the args go to every run)
#   SOCLE_TEST_BACKENDS="embedded oxigraph-server virtuoso" (default) picks the runs.
# Every run goes to the end; the script fails at the end if any run failed.
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

# On an external store only the tests that open a store run again (tests/backends.py sends
# every store they open to the server): records, feed, SPARQL endpoint, CLI, bad input,
# validation reports, demo data, territories, harvest/ingest. Not again: the browser and web
# page tests (tests/web: rendering, same store calls as tests/records), the real harvesters'
# venvs (tests/interop), the benchmark smoke tests (tests/bench); and inside those
# directories the tests marked embedded_only (RocksDB files, worker processes).
REMOTE_TESTS=(tests/records tests/feed tests/sparql tests/cli tests/badinput tests/validation
              tests/demo tests/territories tests/ingest)
BACKENDS=${SOCLE_TEST_BACKENDS:-embedded oxigraph-server virtuoso}
declare -A SCRIPT=([oxigraph-server]=scripts/store-oxigraph.sh [virtuoso]=scripts/store-virtuoso.sh)
stop_servers() {
  for b in $BACKENDS; do
    if [ -n "${SCRIPT[$b]:-}" ]; then bash "${SCRIPT[$b]}" stop >/dev/null 2>&1 || true; fi
  done
}
trap stop_servers EXIT

failed=()
summary=()
for b in $BACKENDS; do
  start=$(date +%s)
  if [ "$b" = embedded ] || [ $# -gt 0 ]; then args=("$@"); else args=("${REMOTE_TESTS[@]}"); fi
  echo "== tests on $b: ${args[*]:-(all)}"
  ok=1
  if [ -n "${SCRIPT[$b]:-}" ] && ! bash "${SCRIPT[$b]}" start; then
    echo "== $b: the store server did not start" >&2; ok=0
  fi
  if [ $ok = 1 ] && ! SOCLE_TEST_STORE=$b .venv/bin/python -m pytest -q "${args[@]}"; then ok=0; fi
  if [ -n "${SCRIPT[$b]:-}" ]; then bash "${SCRIPT[$b]}" stop >/dev/null 2>&1 || true; fi
  elapsed=$(( $(date +%s) - start ))
  if [ $ok = 1 ]; then summary+=("$b: passed in ${elapsed}s"); else
    summary+=("$b: FAILED in ${elapsed}s"); failed+=("$b"); fi
done
printf '== %s\n' "${summary[@]}"
[ ${#failed[@]} -eq 0 ] || { echo "== failed on: ${failed[*]}" >&2; exit 1; }
