#!/usr/bin/env bash
# The service against its own engine, model by model (issue 22), in one run on this machine: for each model, rounds
# of (the engine, then the service) side by side, because the machine's speed drifts by minutes, and the median round.
#   engine: raw ONNX Runtime on the SST-2 dev sentences in the service's layout (one single-thread session per core,
#           both busy, batches of 16): length-sorted over the whole corpus, in arrival order, and windowed (32 texts at
#           a time, sorted, a batch per worker: what sorting can reach with 32 texts in flight);
#   service: the embedded service on the same model, LoadRunner --vus 32 --cache-rate 0 (every text new);
#   beside HTTP: the windowed engine again while bare Kestrel (LoadRunner serve-bare) answers an open loop at the rate
#           the service just reached: what the engine keeps of the two cores once one HTTP exchange per text (and the
#           load runner) take theirs, the physical bound for one text per request;
#   cached:  the embedded service (default model) at 1,500 cached req/s: its CPU per request (utime + stime).
#   scripts/bench-models.sh                         default model and the DistilBERT-shaped one, 3 rounds each
#   BENCH_MODELS="default" BENCH_ROUNDS=1 ...       fewer; BENCH_SECONDS (service window, 20), BENCH_SMOKE=1
# scripts/bench.sh runs it as its last phase. Raw SUMMARY lines go to artifacts/bench/models-*.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
smoke="${BENCH_SMOKE:-0}"
models="${BENCH_MODELS:-default distilbert-bench}"
rounds="${BENCH_ROUNDS:-3}"
seconds="${BENCH_SECONDS:-20}"
warmup=5s
sst2_args=(--repeats 2)
if ((smoke)); then rounds=1 seconds=1 warmup=1s sst2_args=(--limit 64 --repeats 1 --warmup 1); fi
vus=32
workers=$(nproc)
batch=$((vus / workers))
out="$root/artifacts/bench"
mkdir -p "$out"
service=http://127.0.0.1:18700

"$root/scripts/setup.sh"
"$root/scripts/build-bench-models.sh"
echo "[bench-models] building" >&2
for project in Api/Api.csproj tools/Benchmarks/Benchmarks.csproj loadtest/LoadRunner/LoadRunner.csproj; do
  dotnet build "$project" -c Release --nologo --verbosity quiet -clp:ErrorsOnly >&2
done
bin=net10.0
bench() { dotnet "tools/Benchmarks/bin/Release/$bin/Benchmarks.dll" "$@"; }
runner="loadtest/LoadRunner/bin/Release/$bin/LoadRunner.dll"
load() { dotnet "$runner" "$@"; }
summary() { tee "$out/$1.log" >&2; sed -n 's/^SUMMARY //p' "$out/$1.log" | tail -1 > "$out/$1.json"; }
pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true; }
trap cleanup EXIT
start_service() { # MODEL_DIR
  (cd Api/bin/Release/$bin && exec dotnet Api.dll --urls "$service" --Model:Path="$1" --Logging:LogLevel:Default=Warning) > "$out/models-service.log" 2>&1 &
  pid=$!
  for _ in $(seq 120); do curl -sf "$service/health/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "[bench-models] the service never became ready" >&2; return 1
}
stop_service() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; }
bare=http://127.0.0.1:18710
# Bare Kestrel as our hosts run (no thread-pool spinning), for the engine-beside-HTTP figure.
# (dotnet itself, not the load function: a function in the background is a subshell, and killing it would leave dotnet.)
DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 dotnet "$runner" serve-bare --urls "$bare" > "$out/models-bare.log" 2>&1 &
bare_pid=$!
trap 'cleanup; kill "$bare_pid" 2>/dev/null || true' EXIT

for model in $models; do
  start_service "$root/models/$model"
  for round in $(seq "$rounds"); do
    echo "[bench-models] $model, round $round of $rounds: the engine (arrival, sorted, windowed by $vus), then the service ($vus clients, uncached)" >&2
    bench engine-sst2 --model "models/$model" "${sst2_args[@]}" --strategies arrival,bucketed,windowed --batch-size "$batch" \
      --workers "$workers" --threads 1 --json 2>&1 | summary "models-engine-$model-$round"
    load --url "$service" --vus "$vus" --cache-rate 0 --duration "${seconds}s" --warmup "$warmup" 2>&1 | summary "models-service-$model-$round"
    rps=$(python3 -c "import json; print(max(1, round(json.load(open('$out/models-service-$model-$round.json'))['rps'])))")
    echo "[bench-models] $model, round $round: the windowed engine beside bare HTTP at $rps req/s" >&2
    dotnet "$runner" --url "$bare" --rate "$rps" --cache-rate 0 --duration 600s --warmup 0s > "$out/models-bare-load.log" 2>&1 &
    bare_load=$!
    sleep 2
    bench engine-sst2 --model "models/$model" "${sst2_args[@]}" --strategies windowed --batch-size "$batch" \
      --workers "$workers" --threads 1 --json 2>&1 | summary "models-engine-http-$model-$round"
    kill "$bare_load" 2>/dev/null || true; wait "$bare_load" 2>/dev/null || true
  done
  if [[ "$model" == default ]]; then
    rate=1500
    echo "[bench-models] $model: cached requests at $rate req/s, the service's CPU" >&2
    "$root/scripts/cached-cpu.sh" "$service" "$pid" "$rate" "$seconds" 10 "$out/models-cached"
  fi
  stop_service
done

python3 - "$out" "$rounds" $models <<'PY'
import json, os, sys
out, rounds, models = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
read = lambda name: json.load(open(os.path.join(out, name + ".json")))
print(f'\n{"model":18} {"engine sorted":>13} {"windowed":>9} {"beside HTTP":>11} {"arrival":>8} {"service":>8} {"/sorted":>8} {"/windowed":>9} {"/beside HTTP":>12} {"/arrival":>8} {"p99 ms":>7}  rounds (service/sorted)')
for model in models:
    runs = [(read(f"models-engine-{model}-{r}"), read(f"models-service-{model}-{r}"), read(f"models-engine-http-{model}-{r}")) for r in range(1, rounds + 1)]
    rate = lambda run: run[1]["rps"] * run[1]["texts_per_request"]
    ratio = lambda run, strategy: rate(run) / run[0]["sentencesPerSecond"][strategy]
    beside = lambda run: rate(run) / run[2]["sentencesPerSecond"]["windowed"]
    engine, service, http = run = sorted(runs, key=lambda run: ratio(run, "bucketed"))[len(runs) // 2]
    s = engine["sentencesPerSecond"]
    per_round = ", ".join(f"{ratio(r, 'bucketed'):.2f}" for r in runs)
    print(f'{model:18} {s["bucketed"]:13.1f} {s["windowed"]:9.1f} {http["sentencesPerSecond"]["windowed"]:11.1f} {s["arrival"]:8.1f} {rate(run):8.1f} '
          f'{ratio(run, "bucketed"):8.2f} {ratio(run, "windowed"):9.2f} {beside(run):12.2f} {ratio(run, "arrival"):8.2f} '
          f'{service["p99_ms"]:7.0f}  {per_round}')
if os.path.exists(os.path.join(out, "models-cached.json")):
    cached, run = read("models-cached"), read("models-cached-run")
    print(f'\ncached requests at {cached["rate"]:,} req/s (default model): {cached["cores"]:.3f} cores, {cached["cpu_us_per_request"]:,.1f} us of CPU '
          f'per request (target <= 50); p50 {run["p50_ms"]} ms, p99 {run["p99_ms"]} ms, errors {run["errors"]}')
print(f'\nload average at the end: {open("/proc/loadavg").read().split()[:3]}')
PY
