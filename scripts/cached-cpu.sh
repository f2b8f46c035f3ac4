#!/usr/bin/env bash
# The CPU a running service spends on cached requests: an open loop of cached requests (LoadRunner, built in
# Release) at RATE req/s for SECONDS after WARMUP seconds, and the service's CPU time (utime + stime in /proc) over
# the middle half of the measured window. Writes OUT.log (the load runner's report), OUT-run.json (its SUMMARY) and
# OUT.json ({rate, cores, cpu_us_per_request}). Used by scripts/bench.sh and scripts/bench-models.sh.
#   scripts/cached-cpu.sh URL PID RATE SECONDS WARMUP OUT [LOADRUNNER ARGS]   (e.g. --http2 for an h2c endpoint)
set -euo pipefail
url=$1 pid=$2 rate=$3 seconds=$4 warmup=$5 out=$6
shift 6
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$pid/stat"; }
dotnet "$root/loadtest/LoadRunner/bin/Release/net10.0/LoadRunner.dll" --url "$url" --rate "$rate" --cache-rate 1 \
  --duration "${seconds}s" --warmup "${warmup}s" "$@" > "$out.log" 2>&1 &
load_pid=$!
sleep "$(python3 -c "print($warmup + 0.5 + $seconds / 4)")"
cpu0=$(cpu_seconds); wall0=$(date +%s.%N)
sleep "$(python3 -c "print($seconds / 2)")"
cpu1=$(cpu_seconds); wall1=$(date +%s.%N)
wait "$load_pid" || true
cat "$out.log" >&2
sed -n 's/^SUMMARY //p' "$out.log" | tail -1 > "$out-run.json"
python3 -c "import json; c = ($cpu1 - $cpu0) / ($wall1 - $wall0); print(json.dumps({'rate': $rate, 'cores': round(c, 3), 'cpu_us_per_request': round(c / $rate * 1e6, 1)}))" > "$out.json"
