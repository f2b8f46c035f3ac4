#!/usr/bin/env bash
# Sets up everything the tests need (redis-server, reference tokenizer and ONNX Runtime for
# differential tests, the default and the DistilBERT-shaped benchmark models, float and INT8) and runs every test.
# Ends with a line "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
scripts/setup.sh --test

scripts/build-bench-models.sh

echo "[test] building" >&2
dotnet build Cluster.sln -c Release --nologo --verbosity quiet -clp:ErrorsOnly

mkdir -p artifacts
log=artifacts/test-output.txt
set +e
dotnet test Tests/Tests.csproj -c Release --no-build --nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# dotnet test's closing block (grep -a: a test's output may hold raw bytes, e.g. Redis keys in a storage error, and
# grep would then call the log binary and find nothing): "Total tests: 175", "     Passed: 175", "     Failed: 2", "    Skipped: 1".
count() { grep -aE "^ +$1: +[0-9]+ *$" "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0; }
if ! grep -aqE '^Total tests: +[0-9]+' "$log"; then
  echo "0 passed, 1 failed"
  echo "[test] no test summary found (build or test host failure): see $log" >&2
  exit 1
fi
passed=$(count Passed)
failed=$(count Failed)
skipped=$(count Skipped)
if [[ $failed -ne 0 ]]; then
  # Repeat the failures, with the first lines of their messages and stacks, next to the summary: CI shows only
  # the tail of a long log.
  echo "[test] failed:" >&2
  awk '/^ +Failed [A-Za-z_.]+/ { n = seen[$0]++ ? 0 : 25; if (n) print; next }
       n > 0 && /^ +(Passed|Failed|Skipped) / { n = 0 }
       n > 0 { print; n-- }' "$log" >&2 || true
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [[ $status -ne 0 || $failed -ne 0 || $passed -eq 0 ]]; then
  exit 1
fi
