#!/usr/bin/env sh
# Dependency check for CI: fails on high/critical advisories (npm audit) when the registry's
# advisory endpoint answers; otherwise says loudly that it did not, and runs offline checks
# (installed tree, lockfile, denylist of known-bad versions). See .ci/dependency-check.mjs.
#   DEPENDENCY_CHECK_REQUIRE_AUDIT=true  fail when npm audit cannot run
set -eu
exec node "$(dirname "$0")/dependency-check.mjs" "$@"
