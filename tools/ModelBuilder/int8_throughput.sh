#!/usr/bin/env bash
# Engine throughput of model directories in interleaved rounds, in one run (issue 22's INT8 study): each round runs
# `engine-sst2 --strategies bucketed --batch-size 16 --threads 1 --workers 1 --repeats 1` (SST-2 dev, the service's
# one-thread worker) on every model in turn; at the end, per model, the sentences/s of each round, the median, and
# the median of the per-round ratios to the first model (the baseline: the float model). On a shared machine the
# per-round ratio cancels what the neighbours take from both; `others %` is printed per cell.
#   tools/ModelBuilder/int8_throughput.sh ROUNDS NAME=DIR [NAME=DIR ...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds="$1"
shift
bench="$root/tools/Benchmarks/bin/Release/net10.0/Benchmarks.dll"
[ -f "$bench" ] || dotnet build "$root/tools/Benchmarks/Benchmarks.csproj" -c Release --nologo --verbosity quiet -clp:ErrorsOnly >&2
results="$(mktemp)"
trap 'rm -f "$results"' EXIT
for round in $(seq 1 "$rounds"); do
  for m in "$@"; do
    name="${m%%=*}" dir="${m#*=}"
    line=$(dotnet "$bench" engine-sst2 --model "$dir" --strategies bucketed --batch-size 16 --threads 1 --workers 1 \
      --repeats 1 --json | grep '^SUMMARY ' | cut -c9-)
    printf '%s\t%s\t%s\n' "$round" "$name" "$line" >> "$results"
    tail -1 "$results" | /usr/bin/python3 -c '
import json, sys
r, n, j = sys.stdin.read().rstrip("\n").split("\t", 2)
s = json.loads(j)["strategies"][0]
print("round %s %s: %.1f sentences/s, others %.0f %%" % (r, n, s["sentencesPerSecond"], s["othersCpuPercent"]), flush=True)'
  done
done
/usr/bin/python3 - "$results" "${@%%=*}" <<'PY'
import json, statistics, sys
path, names = sys.argv[1], sys.argv[2:]
rate, others = {}, {}
for line in open(path):
    r, n, j = line.rstrip("\n").split("\t", 2)
    s = json.loads(j)["strategies"][0]
    rate.setdefault(n, []).append(s["sentencesPerSecond"])
    others.setdefault(n, []).append(s["othersCpuPercent"])
base = names[0]
print(f"| model | sentences/s per round | median | others % (median) | ratio to {base} per round | median ratio |")
print("|---|---|---|---|---|---|")
for n in names:
    ratios = [a / b for a, b in zip(rate[n], rate[base])]
    print(f"| {n} | {' / '.join(f'{v:.1f}' for v in rate[n])} | **{statistics.median(rate[n]):.1f}** | "
          f"{statistics.median(others[n]):.0f} | {' / '.join(f'{v:.2f}' for v in ratios)} | **{statistics.median(ratios):.2f}×** |")
PY
