#!/usr/bin/env bash
# Oxigraph server for the test suite / benchmarks on 127.0.0.1 (docs/scaling.md).
# Usage: scripts/store-oxigraph.sh start|stop|url [PORT]   (default port 7879)
# Installs the server (PyPI package "oxigraph") into .venv if missing; its data lives in
# .stores/oxigraph-PORT (wiped at start: a test store). Prints the query URL on start.
set -euo pipefail
cd "$(dirname "$0")/.."
ACTION=${1:-start}
PORT=${2:-${OXIGRAPH_PORT:-7879}}
DIR=.stores/oxigraph-$PORT
URL=http://127.0.0.1:$PORT/query
case "$ACTION" in
  start)
    [ -x .venv/bin/oxigraph ] || .venv/bin/python -m pip install --quiet "oxigraph>=0.4,<0.6"
    "$0" stop "$PORT" >/dev/null 2>&1 || true
    rm -rf "$DIR" && mkdir -p "$DIR"
    nohup .venv/bin/oxigraph serve --location "$DIR/db" --bind "127.0.0.1:$PORT" \
      --union-default-graph --timeout-s "${OXIGRAPH_TIMEOUT:-15}" >"$DIR/server.log" 2>&1 &
    echo $! >"$DIR/pid"
    for _ in $(seq 1 100); do
      if curl -sf -o /dev/null "$URL?query=ASK%7B%7D"; then echo "$URL"; exit 0; fi
      sleep 0.1
    done
    echo "oxigraph server did not start; see $DIR/server.log" >&2; exit 1 ;;
  stop)
    if [ -f "$DIR/pid" ]; then
      pid=$(cat "$DIR/pid"); kill "$pid" 2>/dev/null || true
      # Wait for it to exit: a restart right after must find the port and the directory free.
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      rm -f "$DIR/pid"
    fi ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|url [PORT]" >&2; exit 2 ;;
esac
