#!/usr/bin/env bash
# Partial failures, measured: a cluster of real processes (Redis for the member table, Redis for the predictions, two
# silos, the API) under an open loop of new texts; one silo paused (SIGSTOP) and resumed, then the predictions' Redis,
# then the member table's Redis. Prints the table (failed requests, p50, p99, max for each fault) and keeps it in
# artifacts/chaos.md (every request and each process's output in artifacts/chaos/). The same test runs in CI with 4 s
# pauses and looser tails; here the defaults are the issue's: 6 s pauses, p99 under 3 s (silo) and 500 ms (Redis).
#   scripts/chaos.sh                          6 s pauses, 20 new texts a second
#   CHAOS_PAUSE_SECONDS=10 CHAOS_RATE=40 scripts/chaos.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup.sh --test
echo "[chaos] building" >&2
dotnet build Cluster.sln -c Release --nologo --verbosity quiet -clp:ErrorsOnly >&2
export CHAOS_PAUSE_SECONDS="${CHAOS_PAUSE_SECONDS:-6}" CHAOS_RATE="${CHAOS_RATE:-20}"
# Issue 20's targets: p99 under 3 s with a silo paused, under 500 ms with a Redis paused (CI allows 3.5 s for the silo).
export CHAOS_P99_SILO_MS="${CHAOS_P99_SILO_MS:-3000}" CHAOS_P99_REDIS_MS="${CHAOS_P99_REDIS_MS:-500}"
mkdir -p "$root/artifacts"
export CHAOS_REPORT="$root/artifacts/chaos.md"
rm -f "$CHAOS_REPORT"
set +e
dotnet test Tests/Tests.csproj -c Release --no-build --nologo --filter "FullyQualifiedName~Tests.Chaos" \
  --logger "console;verbosity=normal" > "$root/artifacts/chaos-test-output.txt" 2>&1
status=$?
set -e
if [[ -s "$CHAOS_REPORT" ]]; then
  cat "$CHAOS_REPORT"
else
  echo "[chaos] no table was written; see artifacts/chaos-test-output.txt" >&2
fi
grep -E "declared dead|Error Message|Assert" -A2 "$root/artifacts/chaos-test-output.txt" | grep -v "^--$" | head -20 || true
exit $status
