#!/usr/bin/env bash
# Virtuoso (Debian package virtuoso-opensource) for the test suite / benchmarks, on 127.0.0.1
# with its own ini and database directory (.stores/virtuoso-PORT, wiped at start).
# Usage: scripts/store-virtuoso.sh start|stop|url [HTTP_PORT]   (default 8899; SQL port +1000)
# Updates go to /sparql-auth (digest, user dba / password dba: a throwaway test database).
# VIRTUOSO_MAX_ROWS sets ResultSetMaxRows (default 1000000; a test lowers it to see a cut).
set -euo pipefail
cd "$(dirname "$0")/.."
ACTION=${1:-start}
PORT=${2:-${VIRTUOSO_PORT:-8899}}
SQL_PORT=$((PORT + 1000))
DIR=$PWD/.stores/virtuoso-$PORT
URL=http://127.0.0.1:$PORT/sparql
install_virtuoso() {
  command -v virtuoso-t >/dev/null && return
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource
  else
    echo "virtuoso-t missing: apt-get install virtuoso-opensource (as root)" >&2; exit 1
  fi
}
case "$ACTION" in
  start)
    install_virtuoso
    "$0" stop "$PORT" >/dev/null 2>&1 || true
    rm -rf "$DIR" && mkdir -p "$DIR"
    VAD=/usr/share/virtuoso-opensource-7/vad
    cat >"$DIR/virtuoso.ini" <<INI
[Database]
DatabaseFile = $DIR/virtuoso.db
ErrorLogFile = $DIR/virtuoso.log
LockFile = $DIR/virtuoso.lck
TransactionFile = $DIR/virtuoso.trx
xa_persistent_file = $DIR/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = $DIR/virtuoso-temp.db
TransactionFile = $DIR/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:$SQL_PORT
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., $VAD
VADInstallDir = $VAD/
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
ThreadsPerQuery = 2
MaxQueryMem = 500M
[HTTPServer]
ServerPort = 127.0.0.1:$PORT
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 20
MaxClientConnections = 20
MaxKeepAlives = 20
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = ${VIRTUOSO_MAX_ROWS:-1000000}
MaxSortedTopRows = 100000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 60
DefaultGraph =
INI
    # exec: the pid recorded is virtuoso-t's own (stop must kill the server, not a shell).
    (cd "$DIR" && exec nohup virtuoso-t +foreground +configfile "$DIR/virtuoso.ini" \
      >"$DIR/server.out" 2>&1) &
    echo $! >"$DIR/pid"
    for _ in $(seq 1 300); do
      if curl -sf -o /dev/null "$URL?query=ASK%7B%7D"; then
        # Updates through the unauthenticated endpoint too (a test store on 127.0.0.1 only).
        isql-vt "127.0.0.1:$SQL_PORT" dba dba exec="GRANT SPARQL_UPDATE TO \"SPARQL\";" \
          >/dev/null || true
        # The sample graphs a fresh database holds would show in every query of the union
        # default graph; virtrdf# (Virtuoso's own) cannot go (docs/scaling.md).
        for g in http://www.w3.org/ns/ldp# http://www.w3.org/2002/07/owl# \
                 http://localuriqaserver/sparql; do
          isql-vt "127.0.0.1:$SQL_PORT" dba dba exec="SPARQL CLEAR GRAPH <$g>;" >/dev/null
        done
        echo "$URL"; exit 0
      fi
      sleep 0.2
    done
    echo "virtuoso did not start; see $DIR/virtuoso.log" >&2; exit 1 ;;
  stop)
    if [ -f "$DIR/pid" ]; then
      pid=$(cat "$DIR/pid"); kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true  # a test database: no need to wait for a checkpoint
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      rm -f "$DIR/pid"
    fi ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|url [PORT]" >&2; exit 2 ;;
esac
