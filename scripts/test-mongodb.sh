#!/usr/bin/env bash
# npm run test:mongodb [-- jest arguments]: the unit and integration tests on the MongoDB engine,
# against a private FerretDB (scripts/ferretdb.sh) on a free port with its own PostgreSQL database,
# stopped and dropped afterwards. Without arguments: jest test/unit test/integration.
set -euo pipefail
cd "$(dirname "$0")/.."
state="$(mktemp -d)"
# `run` stops the server itself; this covers an interrupted run (stop is idempotent).
trap 'FERRETDB_STATE="$state" scripts/ferretdb.sh stop; rm -rf "$state"' EXIT
npm run build --silent
[ $# -gt 0 ] || set -- test/unit test/integration
FERRETDB_STATE="$state" TEST_STORE=mongodb scripts/ferretdb.sh run npx jest "$@"
