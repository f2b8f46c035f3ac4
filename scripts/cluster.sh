#!/usr/bin/env bash
# Cluster mode on one machine: Redis, Orleans silos (each its own OS process) and the API as an Orleans client,
# all in the foreground, each process's log lines prefixed by its name.
#   scripts/cluster.sh cluster [API args...]   Redis + silo-1 + silo-2 + the API on 127.0.0.1:8000 until Ctrl+C
#   scripts/cluster.sh silo ID [silo args...]  one more silo (ID like silo-3) joining the running cluster
# Ports: the member table's Redis 6380 (CLUSTER_REDIS_PORT), the predictions' Redis the next port, by default
# 6381 (CLUSTER_STORAGE_REDIS_PORT);
# silo-N: silo-to-silo 11110+N, gateway 30000+N, health and metrics on http://127.0.0.1:(8100+N), each plus
# CLUSTER_PORT_OFFSET (default 0; a second cluster on the same machine). The member table's Redis is durable (AOF in
# .deps/cluster/redis, or CLUSTER_STATE_DIR/redis): Orleans' Redis member table does not come back when Redis loses
# its data. The predictions' Redis is a cache: no persistence, bounded by maxmemory (CLUSTER_STORAGE_REDIS_MAXMEMORY,
# 256mb) with allkeys-lru, so predictions need no TTL (Storage__TimeToLive=0).
# Ctrl+C or SIGTERM stops the API, then the silos (gracefully: they leave the cluster), then both Redis: a silo whose
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
storage_redis_port="${CLUSTER_STORAGE_REDIS_PORT:-$((redis_port + 1))}"
storage_redis_maxmemory="${CLUSTER_STORAGE_REDIS_MAXMEMORY:-256mb}"
export Redis__Endpoint="${Redis__Endpoint:-127.0.0.1:$redis_port}"
export Model__Path="${Model__Path:-$root/models/default}"
offset="${CLUSTER_PORT_OFFSET:-0}"
# How long a process may take to stop gracefully before it is killed.
stop_seconds="${CLUSTER_STOP_SECONDS:-30}"

log() { printf '[cluster] %s\n' "$*" >&2; }

api_pid=""
silo_pids=()
redis_pid=""
storage_redis_pid=""

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
  Storage__Redis__Endpoint="${Storage__Redis__Endpoint:-127.0.0.1:$storage_redis_port}" \
  Storage__TimeToLive="${Storage__TimeToLive:-0}" \
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
  if [[ -n "$storage_redis_pid" ]]; then
    # nosave: a cache with nothing to keep.
    redis-cli -p "$storage_redis_port" shutdown nosave >/dev/null 2>&1 || true
    stop "$storage_redis_pid"
  fi
  if [[ -n "$redis_pid" ]]; then
    # SHUTDOWN flushes and fsyncs the append-only file.
    redis-cli -p "$redis_port" shutdown >/dev/null 2>&1 || true
    stop "$redis_pid"
  fi
  log "stopped"
}

redis_up() { redis-cli -p "${1:-$redis_port}" ping >/dev/null 2>&1; }

# start_redis NAME PORT DIR [redis-server args...]: a redis-server on PORT (data in DIR) unless one answers there
# already; sets started_pid to its pid, or to "" when an existing one is used (then it is not stopped on exit).
start_redis() {
  local name=$1 port=$2 dir=$3
  shift 3
  started_pid=""
  if redis_up "$port"; then
    log "using the Redis already on port $port ($name)"
    return
  fi
  mkdir -p "$dir"
  spawn "$name" "$dir" redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --loglevel warning "$@"
  started_pid=$!
  for _ in $(seq 50); do redis_up "$port" && break; sleep 0.1; done
  redis_up "$port" || { log "redis-server did not start on port $port ($name)"; exit 1; }
}

case "$mode" in
  cluster)
    trap stop_all INT TERM EXIT
    # The member table's Redis: durable, its append-only file fsynced every second.
    start_redis redis "$redis_port" "$state/redis" --appendonly yes --appendfsync everysec --save ''
    redis_pid=$started_pid
    # The predictions': no AOF, no snapshots (predictions are recomputed if lost); allkeys-lru keeps the most used
    # under maxmemory.
    start_redis storage-redis "$storage_redis_port" "$state" --appendonly no --save '' \
      --maxmemory "$storage_redis_maxmemory" --maxmemory-policy allkeys-lru
    storage_redis_pid=$started_pid

    start_silo silo-1
    start_silo silo-2
    api_args=("$@")
    if [[ -z "${ASPNETCORE_URLS:-}" && " $* " != *" --urls"* ]]; then
      api_args+=(--urls http://127.0.0.1:8000)
    fi
    Cluster__Mode=Redis spawn api "$root/Api/bin/Release/net10.0" dotnet Api.dll "${api_args[@]}"
    api_pid=$!
    log "Redis on $Redis__Endpoint (member table, data in $state/redis), predictions' Redis on port $storage_redis_port ($storage_redis_maxmemory, allkeys-lru); silo-1, silo-2; API starting (Ctrl+C stops everything)"
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
