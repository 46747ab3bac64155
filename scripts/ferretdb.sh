#!/usr/bin/env bash
# A real MongoDB wire-protocol server for the tests and for developers: FerretDB v1 on the
# machine's PostgreSQL. Built once with Go from the Go module proxy (tools/ferretdb), cached.
#
#   scripts/ferretdb.sh build          build (or find) the cached binary
#   scripts/ferretdb.sh start          fresh PostgreSQL database, FerretDB on a free loopback port;
#                                      prints MONGODB_URI=... and writes it to .ferretdb/uri
#   scripts/ferretdb.sh stop           stop it (the database is dropped)
#   scripts/ferretdb.sh run CMD...     start, run CMD with MONGODB_URI set, stop; CMD's exit code
#   scripts/ferretdb.sh pause          stop the server but keep its database (an outage, for tests)
#   scripts/ferretdb.sh resume         start it again on the same port and database
#
# Environment: FERRETDB_PG_URL (default postgres://postgres@127.0.0.1:5432), FERRETDB_DB
# (default pk_ferretdb_<port>), FERRETDB_CACHE (default ~/.cache/projektkontoret), FERRETDB_STATE
# (where the pid, URI and log go; default .ferretdb/), FERRETDB_PORT (default: a free one).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION="v1.24.2"
CACHE="${FERRETDB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/projektkontoret}"
BIN="$CACHE/ferretdb-$VERSION-$(sha1sum "$ROOT/tools/ferretdb/main.go" "$ROOT/tools/ferretdb/go.sum" | sha1sum | cut -c1-8)"
STATE="${FERRETDB_STATE:-$ROOT/.ferretdb}"
PG_URL="${FERRETDB_PG_URL:-postgres://postgres@127.0.0.1:5432}"

build() {
  if [ -x "$BIN" ]; then return 0; fi
  command -v go >/dev/null || { echo "ferretdb: Go is not installed (it builds FerretDB from the Go module proxy)" >&2; exit 1; }
  mkdir -p "$CACHE"
  echo "ferretdb: building FerretDB $VERSION with $(go version | cut -d' ' -f3) (once, about 2 minutes)" >&2
  (cd "$ROOT/tools/ferretdb" && go build -trimpath -o "$BIN.tmp" .)
  mv "$BIN.tmp" "$BIN"
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

wait_ready() {
  local uri="$1"
  for _ in $(seq 1 100); do
    if node -e "
      const net=require('net');const [h,p]=process.argv[1].replace('mongodb://','').replace(/\/.*/,'').split(':');
      const s=net.connect(+p,h,()=>{s.end();process.exit(0)});s.on('error',()=>process.exit(1));" "$uri" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "ferretdb: did not answer on $uri within 10 s; its log:" >&2
  cat "$STATE/ferretdb.log" >&2 || true
  return 1
}

start() {
  build
  if [ -f "$STATE/pid" ] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then
    echo "MONGODB_URI=$(cat "$STATE/uri")"
    return 0
  fi
  mkdir -p "$STATE"
  local port db
  port="${FERRETDB_PORT:-$(free_port)}"
  db="${FERRETDB_DB:-pk_ferretdb_$port}"
  PGOPTIONS="-c client_min_messages=warning" psql "$PG_URL/postgres" -v ON_ERROR_STOP=1 -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null \
    || { echo "ferretdb: cannot create database $db at $PG_URL (is PostgreSQL running? see docs/ferretdb.md)" >&2; exit 1; }
  nohup "$BIN" -listen-addr "127.0.0.1:$port" -postgresql-url "$PG_URL/$db" >"$STATE/ferretdb.log" 2>&1 &
  echo $! >"$STATE/pid"
  echo "$db" >"$STATE/db"
  echo "mongodb://127.0.0.1:$port/" >"$STATE/uri"
  wait_ready "mongodb://127.0.0.1:$port/"
  echo "MONGODB_URI=mongodb://127.0.0.1:$port/"
}

kill_server() {
  if [ -f "$STATE/pid" ]; then
    kill "$(cat "$STATE/pid")" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$(cat "$STATE/pid")" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$(cat "$STATE/pid")" 2>/dev/null || true
    rm -f "$STATE/pid"
  fi
}

stop() {
  kill_server
  if [ -f "$STATE/db" ]; then psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $(cat "$STATE/db")" >/dev/null 2>&1 || true; fi
  rm -f "$STATE/uri" "$STATE/db"
}

pause() {
  [ -f "$STATE/pid" ] || { echo "ferretdb: not running (state in $STATE)" >&2; exit 1; }
  kill_server
}

resume() {
  build
  [ -f "$STATE/uri" ] && [ -f "$STATE/db" ] || { echo "ferretdb: nothing to resume (state in $STATE)" >&2; exit 1; }
  if [ -f "$STATE/pid" ] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then return 0; fi
  local uri port
  uri="$(cat "$STATE/uri")"
  port="${uri##*:}"; port="${port%%/*}"
  nohup "$BIN" -listen-addr "127.0.0.1:$port" -postgresql-url "$PG_URL/$(cat "$STATE/db")" >>"$STATE/ferretdb.log" 2>&1 &
  echo $! >"$STATE/pid"
  wait_ready "$uri"
}

case "${1:-}" in
  build) build; echo "$BIN" ;;
  start) start ;;
  stop) stop ;;
  pause) pause ;;
  resume) resume ;;
  run)
    shift
    start >/dev/null
    MONGODB_URI="$(cat "$STATE/uri")"
    export MONGODB_URI
    set +e
    "$@"
    rc=$?
    set -e
    stop
    exit $rc
    ;;
  *) sed -n '2,15p' "$0"; exit 2 ;;
esac
