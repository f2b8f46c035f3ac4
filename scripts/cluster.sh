#!/usr/bin/env bash
# Cluster mode on one machine: Redis, silos (each its own OS process) and the API, in the foreground.
#   scripts/cluster.sh cluster [API args...]   Redis + silo-1 + silo-2 + the API on 127.0.0.1:8000 until Ctrl+C
#   scripts/cluster.sh silo ID [silo args...]  one more silo (ID like silo-3) joining the running cluster
# Ports: Redis 6380 (CLUSTER_REDIS_PORT), silo-N health on 8100+N and internal HTTP/2 on 11110+N.
# The cluster key is generated once into .deps/cluster/key (or taken from Cluster__Key).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:?usage: cluster.sh cluster|silo ...}"
shift

"$root/scripts/setup.sh" --cluster
echo "[cluster] building" >&2
dotnet build "$root/Api/Api.csproj" -c Release --nologo --verbosity quiet -clp:ErrorsOnly >&2
dotnet build "$root/Silo/Silo.csproj" -c Release --nologo --verbosity quiet -clp:ErrorsOnly >&2

state="$root/.deps/cluster"
mkdir -p "$state"
if [[ -z "${Cluster__Key:-}" ]]; then
  [[ -s "$state/key" ]] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$state/key"
  Cluster__Key="$(cat "$state/key")"
fi
redis_port="${CLUSTER_REDIS_PORT:-6380}"
export Cluster__Key
export Redis__Endpoint="${Redis__Endpoint:-127.0.0.1:$redis_port}"
export Membership__Provider=Redis
export Model__Path="${Model__Path:-$root/models/default}"

pids=()
started_redis=0

# run NAME DIR DLL ARGS...: a .NET process in the background, its output prefixed with its name.
run() {
  local name="$1" dir="$2" dll="$3"
  shift 3
  (cd "$dir" && exec dotnet "$dll" "$@") > >(sed -u "s/^/[$name] /") 2>&1 &
  pids+=($!)
}

start_silo() {
  local id="$1"
  shift
  local n="${id##*-}"
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "silo id must end in a number (silo-3), got '$id'" >&2; exit 2; }
  run "$id" "$root/Silo/bin/Release/net10.0" Silo.dll \
    --Silo:Id="$id" \
    --Kestrel:Endpoints:Http:Url="http://127.0.0.1:$((8100 + n))" \
    --Kestrel:Endpoints:Internal:Url="http://127.0.0.1:$((11110 + n))" \
    "$@"
}

stop_all() {
  trap - INT TERM EXIT
  echo "[cluster] stopping" >&2
  # Graceful: the API and silos get SIGTERM (silos leave the table, drain, stop); Redis last.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if ((started_redis)); then redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true; fi
}

case "$mode" in
  cluster)
    if redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
      echo "[cluster] using the Redis already on port $redis_port" >&2
    else
      redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --loglevel warning \
        > >(sed -u "s/^/[redis] /") 2>&1 &
      started_redis=1
      for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    fi
    trap stop_all INT TERM EXIT

    start_silo silo-1
    start_silo silo-2
    api_args=("$@")
    if [[ -z "${ASPNETCORE_URLS:-}" && " $* " != *" --urls"* ]]; then
      api_args+=(--urls http://127.0.0.1:8000)
    fi
    run api "$root/Api/bin/Release/net10.0" Api.dll "${api_args[@]}"
    api_pid=$!
    echo "[cluster] Redis on $Redis__Endpoint; silo-1, silo-2; API starting (Ctrl+C stops everything)" >&2
    echo "[cluster] add a silo from another terminal: ./run.sh silo silo-3" >&2
    # A silo dying is the cluster's business (its keys move); the API exiting ends the run.
    wait "$api_pid" || true
    ;;
  silo)
    id="${1:?usage: run.sh silo ID (e.g. silo-3)}"
    shift
    trap stop_all INT TERM EXIT
    start_silo "$id" "$@"
    wait "${pids[0]}" || true
    ;;
  *)
    echo "unknown mode '$mode' (cluster or silo)" >&2
    exit 2
    ;;
esac
