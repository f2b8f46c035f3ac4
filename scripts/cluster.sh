#!/usr/bin/env bash
# Cluster mode on one machine: Redis, Orleans silos (each its own OS process) and the API as an Orleans client,
# all in the foreground, each process's log lines prefixed by its name.
#   scripts/cluster.sh cluster [API args...]   Redis + silo-1 + silo-2 + the API on 127.0.0.1:8000 until Ctrl+C
#   scripts/cluster.sh silo ID [silo args...]  one more silo (ID like silo-3) joining the running cluster
# Ports: Redis 6380 (CLUSTER_REDIS_PORT); silo-N: silo-to-silo 11110+N, gateway 30000+N, health and metrics on
# http://127.0.0.1:(8100+N), each plus CLUSTER_PORT_OFFSET (default 0; a second cluster on the same machine). Redis is durable (AOF in .deps/cluster/redis, or CLUSTER_STATE_DIR/redis): Orleans'
# Redis member table does not come back when Redis loses its data.
# Ctrl+C or SIGTERM stops the API, then the silos (gracefully: they leave the cluster), then Redis: a silo whose
# Redis is gone hangs in shutdown.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:?usage: cluster.sh cluster|silo ...}"
shift

"$root/scripts/setup.sh" --cluster
echo "[cluster] building" >&2
dotnet build "$root/Api/Api.csproj" -c Release --nologo --verbosity quiet -clp:ErrorsOnly >&2
dotnet build "$root/Silo/Silo.csproj" -c Release --nologo --verbosity quiet -clp:ErrorsOnly >&2

state="${CLUSTER_STATE_DIR:-$root/.deps/cluster}"
redis_port="${CLUSTER_REDIS_PORT:-6380}"
export Redis__Endpoint="${Redis__Endpoint:-127.0.0.1:$redis_port}"
export Model__Path="${Model__Path:-$root/models/default}"
offset="${CLUSTER_PORT_OFFSET:-0}"
# How long a process may take to stop gracefully before it is killed.
stop_seconds="${CLUSTER_STOP_SECONDS:-30}"

log() { printf '[cluster] %s\n' "$*" >&2; }

api_pid=""
silo_pids=()
redis_pid=""

# spawn NAME DIR COMMAND...: a process in the background, in its own session so that the terminal's Ctrl+C reaches
# only this script (which stops everything in order), its output prefixed with its name. The prefixing sed ignores
# the signals too, so the last log lines of a stopping process still get through.
spawn() {
  local name="$1" dir="$2"
  shift 2
  (cd "$dir" && exec setsid "$@") > >(trap '' INT TERM; exec sed -u "s/^/[$name] /") 2>&1 &
}

start_silo() {
  local id="$1"
  shift
  local n="${id##*-}"
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "silo name must end in a number (silo-3), got '$id'" >&2; exit 2; }
  Orleans__Name="$id" \
  Orleans__Endpoints__SiloPort=$((11110 + offset + n)) \
  Orleans__Endpoints__GatewayPort=$((30000 + offset + n)) \
  Orleans__Endpoints__AdvertisedIPAddress=127.0.0.1 \
  Kestrel__Endpoints__Http__Url="http://127.0.0.1:$((8100 + offset + n))" \
    spawn "$id" "$root/Silo/bin/Release/net10.0" dotnet Silo.dll "$@"
  silo_pids+=($!)
}

# stop PID...: SIGTERM, then waits up to $stop_seconds for all of them; SIGKILL for whichever is still there.
stop() {
  local pid deadline=$((SECONDS + stop_seconds))
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "process $pid did not stop in ${stop_seconds}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
}

stop_all() {
  trap - INT TERM EXIT
  log "stopping"
  [[ -n "$api_pid" ]] && stop "$api_pid"
  ((${#silo_pids[@]})) && stop "${silo_pids[@]}"
  if [[ -n "$redis_pid" ]]; then
    # SHUTDOWN flushes and fsyncs the append-only file.
    redis-cli -p "$redis_port" shutdown >/dev/null 2>&1 || true
    stop "$redis_pid"
  fi
  log "stopped"
}

redis_up() { redis-cli -p "$redis_port" ping >/dev/null 2>&1; }

case "$mode" in
  cluster)
    trap stop_all INT TERM EXIT
    if redis_up; then
      log "using the Redis already on port $redis_port"
    else
      mkdir -p "$state/redis"
      spawn redis "$state/redis" redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$state/redis" \
        --appendonly yes --appendfsync everysec --save '' --loglevel warning
      redis_pid=$!
      for _ in $(seq 50); do redis_up && break; sleep 0.1; done
      redis_up || { log "redis-server did not start on port $redis_port"; exit 1; }
    fi

    start_silo silo-1
    start_silo silo-2
    api_args=("$@")
    if [[ -z "${ASPNETCORE_URLS:-}" && " $* " != *" --urls"* ]]; then
      api_args+=(--urls http://127.0.0.1:8000)
    fi
    Cluster__Mode=Redis spawn api "$root/Api/bin/Release/net10.0" dotnet Api.dll "${api_args[@]}"
    api_pid=$!
    log "Redis on $Redis__Endpoint (data in $state/redis); silo-1, silo-2; API starting (Ctrl+C stops everything)"
    log "add a silo from another terminal: ./run.sh silo silo-3"
    # A silo dying is the cluster's business (its grains move); the API exiting ends the run.
    wait "$api_pid" || true
    ;;
  silo)
    id="${1:?usage: run.sh silo ID (e.g. silo-3)}"
    shift
    redis_up || { log "no Redis on port $redis_port: start the cluster first (./run.sh cluster)"; exit 1; }
    trap stop_all INT TERM EXIT
    start_silo "$id" "$@"
    wait "${silo_pids[0]}" || true
    ;;
  *)
    echo "unknown mode '$mode' (cluster or silo)" >&2
    exit 2
    ;;
esac
