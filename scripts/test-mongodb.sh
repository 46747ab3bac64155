#!/usr/bin/env bash
# npm run test:mongodb [-- jest arguments]: the unit and integration tests on the MongoDB engine,
# against a private FerretDB (scripts/ferretdb.sh) on a free port with its own PostgreSQL database,
# stopped and dropped afterwards. Without arguments: jest test/unit test/integration.
#
# Test files that fail are run once more, on a fresh FerretDB, and the run fails only if they
# fail again; both results are printed, so a first failure stays in the log. (Whole files that
# hung in CI were FerretDB v1 deadlocking its own PostgreSQL pool; the store now caps its
# connections on FerretDB: docs/ferretdb.md, "Its PostgreSQL pool".)
set -euo pipefail
cd "$(dirname "$0")/.."
state="$(mktemp -d)"
# `run` stops the server itself; this covers an interrupted run (stop is idempotent).
trap 'FERRETDB_STATE="$state" scripts/ferretdb.sh stop; rm -rf "$state"' EXIT
npm run build --silent
[ $# -gt 0 ] || set -- test/unit test/integration
set +e
FERRETDB_STATE="$state" TEST_STORE=mongodb scripts/ferretdb.sh run npx jest --json --outputFile="$state/first.json" "$@"
rc=$?
set -e
if [ $rc -ne 0 ] && [ -s "$state/first.json" ]; then
  mapfile -t failed < <(node -e '
    const r = require(process.argv[1]);
    for (const t of r.testResults) if (t.status !== "passed") console.log(t.name);
  ' "$state/first.json")
  if [ ${#failed[@]} -gt 0 ]; then
    echo "--- FerretDB: ${#failed[@]} test file(s) failed; running them once more on a fresh FerretDB:"
    printf '    %s\n' "${failed[@]}"
    set +e
    FERRETDB_STATE="$state" TEST_STORE=mongodb scripts/ferretdb.sh run npx jest "${failed[@]}"
    rc=$?
    set -e
    echo "--- FerretDB: the second run of the failed files exited with $rc"
  fi
fi
exit $rc
