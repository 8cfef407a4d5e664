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
# The import structure (no circles, no import of a higher layer: docs/architecture.md) and
# mypy (strict on store/rdf/validation/catalog; the rest within scripts/mypy-allowlist.txt).
.venv/bin/python scripts/check_imports.py
.venv/bin/python scripts/typecheck.py
# The real harvesters (udata, CKAN) in their own venvs, for tests/interop.
bash scripts/interop-setup.sh
# Debian's Chromium for the browser tests.
bash scripts/browser-setup.sh
# A JavaScript SPARQL client (npm) for tests/sparql/test_js_client.py.
bash scripts/npm-setup.sh
# axe-core (npm) for the accessibility checks of tests/web/test_accessibility.py.
bash scripts/axe-setup.sh
# The territories registry's source package in the cache: tests/territories count against it.
.venv/bin/python scripts/build-territories.py --check
# The EU vocabulary tables of vocab/ are exactly what their sources build.
.venv/bin/python scripts/build-vocab.py --check
.venv/bin/python scripts/build-mqa-formats.py --check  # MQA format flags (docs/quality.md)

# On an external store only the tests that open a store and exercise what differs between
# stores run again (tests/backends.py sends every store they open to the server): records
# (write/read/replace/delete, round trips), feed (pages, indexes following writes), SPARQL
# endpoint (forwarding, limits, protocol), CLI (import, export/restore, kill -9 mid-import),
# bad input (failed writes change nothing), demo data. Not again: tests/web (pages and browser:
# rendering over the same store calls as tests/records), tests/interop (real harvesters'
# venvs), tests/bench (smoke), tests/territories (registry), tests/validation (SHACL engines,
# no store), tests/ingest (fetching and parsing harvest sources; their writes take the bulk
# path that tests/cli imports run); inside the chosen directories, tests marked embedded_only.
# The two external stores run side by side, and beside the embedded run (each its own
# server and port; the remote runs mostly wait on HTTP): one after the other, the three took
# over 30 minutes of CI. Each remote run goes into its own log, printed when all are done.
REMOTE_TESTS=(tests/records tests/feed tests/sparql tests/cli tests/badinput tests/demo
  # `socle rebase` is one SPARQL Update: each store runs it its own way.
  tests/ops/test_identity.py::test_rebase_moves_every_iri_in_one_go)
BACKENDS=${SOCLE_TEST_BACKENDS:-embedded oxigraph-server virtuoso}
declare -A SCRIPT=([oxigraph-server]=scripts/store-oxigraph.sh [virtuoso]=scripts/store-virtuoso.sh)
LOGS=test-artifacts/backends
mkdir -p "$LOGS"
stop_servers() {
  for b in $BACKENDS; do
    if [ -n "${SCRIPT[$b]:-}" ]; then bash "${SCRIPT[$b]}" stop >/dev/null 2>&1 || true; fi
  done
}
trap stop_servers EXIT

# One run: start its server, run pytest, stop the server; "$b: passed|FAILED in Ns" in
# $LOGS/$b.result.
run_backend() {
  local b=$1; shift
  local start ok=1 args
  start=$(date +%s)
  if [ "$b" = embedded ] || [ $# -gt 0 ]; then args=("$@"); else args=("${REMOTE_TESTS[@]}"); fi
  echo "== tests on $b: ${args[*]:-(all)}"
  if [ -n "${SCRIPT[$b]:-}" ] && ! bash "${SCRIPT[$b]}" start; then
    echo "== $b: the store server did not start" >&2; ok=0
  fi
  if [ $ok = 1 ] && ! SOCLE_TEST_STORE=$b .venv/bin/python -m pytest -q -p no:cacheprovider --durations=15 \
      "${args[@]}"; then ok=0; fi
  if [ -n "${SCRIPT[$b]:-}" ]; then bash "${SCRIPT[$b]}" stop >/dev/null 2>&1 || true; fi
  local word=passed; [ $ok = 1 ] || word=FAILED
  echo "$b: $word in $(( $(date +%s) - start )) s" >"$LOGS/$b.result"
}

rm -f "$LOGS"/*.result "$LOGS"/*.log
pids=()
for b in $BACKENDS; do
  if [ "$b" != embedded ]; then
    run_backend "$b" "$@" >"$LOGS/$b.log" 2>&1 &
    pids+=($!)
  fi
done
for b in $BACKENDS; do
  if [ "$b" = embedded ]; then run_backend embedded "$@"; fi
done
for pid in "${pids[@]}"; do wait "$pid" || true; done
for b in $BACKENDS; do
  if [ "$b" != embedded ]; then echo "== log of the $b run"; cat "$LOGS/$b.log"; fi
done
failed=0
for b in $BACKENDS; do
  result=$(cat "$LOGS/$b.result" 2>/dev/null || echo "$b: FAILED (no result)")
  echo "== $result"
  case "$result" in *FAILED*) failed=1 ;; esac
done
exit $failed
