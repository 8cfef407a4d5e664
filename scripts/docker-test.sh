#!/usr/bin/env bash
# Build the image and check it end to end, without Docker Hub: the base is a Debian bookworm
# made here with debootstrap (Debian's mirror, reached like apt-get) and `docker import`ed;
# the Dockerfile takes it as its BASE build argument (python:3.11-slim for users).
# Checks: `docker run IMAGE --demo` serves the demo (health ready, records, a page); `docker
# exec` admin commands while it serves; `docker stop` (SIGTERM to PID 1) ends it promptly
# with exit 0 and the data written before is there after a restart.
#
# Usage (as root): bash scripts/docker-test.sh
#   Uses a running daemon if `docker info` answers, else starts its own dockerd (vfs storage
#   driver, no iptables, no bridge: builds and containers use the host's network) under
#   $WORK and stops it at the end. Installs docker.io and debootstrap from Debian if missing.
#   WORK=/tmp/socle-docker (kept between runs: the base is built once).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/socle-docker}
BASE_TAG=socle-base:bookworm
IMAGE=socle:test
NAME=socle-test
PORT=${SOCLE_DOCKER_PORT:-18431}
mkdir -p "$WORK"
started_daemon=""

log() { echo "== docker-test: $*"; }
fail() { echo "== docker-test FAILED: $*" >&2; exit 1; }

if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io debootstrap
fi

if ! docker info >/dev/null 2>&1; then
  export DOCKER_HOST=unix://$WORK/docker.sock
  if ! docker info >/dev/null 2>&1; then
    log "starting dockerd (vfs, no iptables) under $WORK"
    dockerd --storage-driver=vfs --iptables=false --ip6tables=false --bridge=none \
      --data-root="$WORK/root" --exec-root="$WORK/exec" --pidfile="$WORK/dockerd.pid" \
      -H "$DOCKER_HOST" >"$WORK/dockerd.log" 2>&1 &
    started_daemon=$!
    for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    docker info >/dev/null 2>&1 || { tail -20 "$WORK/dockerd.log"; fail "dockerd did not start"; }
  fi
fi

cleanup() {
  docker rm -f "$NAME" >/dev/null 2>&1 || true
  docker volume rm -f socle-test-data >/dev/null 2>&1 || true
  if [ -n "$started_daemon" ]; then kill "$started_daemon" 2>/dev/null || true; wait "$started_daemon" 2>/dev/null || true; fi
}
trap cleanup EXIT

if ! docker image inspect "$BASE_TAG" >/dev/null 2>&1; then
  if [ ! -x "$WORK/rootfs/usr/bin/python3" ]; then
    log "debootstrap bookworm (python3, python3-venv)"
    rm -rf "$WORK/rootfs"
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
      bookworm "$WORK/rootfs" http://deb.debian.org/debian
  fi
  # The base trusts what this machine trusts (a TLS-inspecting proxy's CA, if any: pip in the
  # build stage reaches PyPI through it) and pip is told to use that bundle.
  cp /etc/ssl/certs/ca-certificates.crt "$WORK/rootfs/etc/ssl/certs/ca-certificates.crt"
  log "docker import $BASE_TAG"
  tar -C "$WORK/rootfs" -c . | docker import \
    --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' - "$BASE_TAG"
fi

log "docker build --build-arg BASE=$BASE_TAG"
docker build --network host --build-arg BASE="$BASE_TAG" -t "$IMAGE" .

# --network host: the daemon runs without a bridge (no iptables here).
docker rm -f "$NAME" >/dev/null 2>&1 || true
docker volume create socle-test-data >/dev/null
run() {
  docker run -d --name "$NAME" --network host -v socle-test-data:/data \
    -e SOCLE_BASE_URL="http://127.0.0.1:$PORT" -e SOCLE_PORT="$PORT" "$IMAGE" --demo >/dev/null
}
ready() {
  for _ in $(seq 120); do
    curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  docker logs "$NAME" | tail -20; return 1
}
log "docker run $IMAGE --demo"
run
ready || fail "not ready"
[ "$(docker inspect -f '{{.Config.User}}' "$NAME")" = socle ] || fail "not running as socle"
[ "$(docker exec "$NAME" cat /proc/1/comm)" != sh ] || fail "PID 1 is the shell, not socle"
records=$(curl -fsS "http://127.0.0.1:$PORT/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')
[ "$records" -gt 0 ] || fail "no demo records"
log "demo served: $records records"

health=""
for _ in $(seq 90); do  # the first health check runs one interval (30 s) after the start
  health=$(docker inspect -f '{{.State.Health.Status}}' "$NAME")
  [ "$health" = healthy ] && break
  sleep 1
done
[ "$health" = healthy ] || fail "health check: $health"
log "health check: $health"

log "docker exec admin commands while serving"
docker exec "$NAME" socle publisher add docker-test --name "Commune de Docker" \
  || fail "publisher add through docker exec"
docker exec "$NAME" socle publisher list | grep -q docker-test || fail "publisher list"
token=$(docker exec "$NAME" socle token create --publisher docker-test | tail -1)
[ -n "$token" ] || fail "token create"
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $token" \
  -H 'Content-Type: text/turtle' --data-binary @- "http://127.0.0.1:$PORT/datasets" <<'TTL'
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
[] a dcat:Dataset ; dct:identifier "docker-written" ; dct:title "Écrit dans le conteneur"@fr ;
   dct:description "Jeu écrit avec un jeton créé par docker exec."@fr .
TTL
)
[ "$status" = 201 ] || fail "write with the token made by docker exec: HTTP $status"
curl -fsS "http://127.0.0.1:$PORT/publishers/docker-test" >/dev/null || fail "publisher page"

log "docker stop (SIGTERM to PID 1)"
start=$(date +%s.%N)
docker stop -t 10 "$NAME" >/dev/null
took=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
code=$(docker inspect -f '{{.State.ExitCode}}' "$NAME")
log "stopped in ${took}s, exit code $code"
[ "$code" = 0 ] || fail "exit code $code after docker stop"
python3 -c "import sys; sys.exit(0 if $took < 5 else 1)" || fail "docker stop took ${took}s"

log "restart on the same volume: the publisher added while serving is kept"
docker rm "$NAME" >/dev/null
run
ready || fail "not ready after restart"
curl -fsS "http://127.0.0.1:$PORT/publishers/docker-test" >/dev/null || fail "publisher lost"
curl -fsS "http://127.0.0.1:$PORT/datasets/docker-written.ttl" >/dev/null || fail "record lost"
docker stop -t 10 "$NAME" >/dev/null
log "passed"
