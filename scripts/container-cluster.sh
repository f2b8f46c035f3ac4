#!/usr/bin/env bash
# The images as a cluster, run with podman on this machine (127.0.0.1 ports only), and checked:
#   1. Redis (the member table's and the predictions'), silo-1, silo-2 and the API, each silo and the API a container
#      of the images scripts/image-build.sh built (prediction-cluster-{silo,api}:<chart appVersion>);
#   2. tools/Client smoke against the API;
#   3. LoadRunner against the API while `podman kill` (SIGKILL) takes silo-2 down: no request may be lost;
#   4. a summary; exit code 0 only if every check passed. The containers are removed on exit, whatever happened.
#   scripts/container-cluster.sh              (after scripts/image-build.sh)
# Environment: VERSION (image tag, default: the chart's appVersion), CC_PORT_BASE (default 18000: API on +80, Redis on
# +379/+380, silo-N health on +100+N, silo port +110+N, gateway +120+N), CC_LOAD_SECONDS (default 40), CC_VUS (8).
#
# Redis is the host's redis-server (Debian's package, which ./test.sh installs), not a container: what is under test is
# the two images; Redis is the customer's (a managed service or its own chart), and no Redis image can be pulled here.
# Networking: --network host with every listener on 127.0.0.1. Silos advertise 127.0.0.1 to each other and to the
# API, as pods advertise their pod IP; a bridge network would need the container's own address advertised
# (Orleans__Endpoints__AdvertisedIPAddress), which is what the chart does with the pod IP.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
podman=(podman --runtime runc)
# No systemd here to time health checks: podman runs them on request (podman healthcheck run).
limits=(--ulimit nofile=10000:10000 --ulimit nproc=4096:4096 --health-interval=disable)
run_opts=(--network host "${limits[@]}")
version="${VERSION:-$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$root/helm/prediction-cluster/Chart.yaml")}"
base="${CC_PORT_BASE:-18000}"
api_port=$((base + 80)); redis_port=$((base + 379)); storage_port=$((base + 380))
load_seconds="${CC_LOAD_SECONDS:-40}"; vus="${CC_VUS:-8}"
prefix="cc-$$"
work="$(mktemp -d /var/tmp/container-cluster.XXXXXX)"
log() { printf '[container-cluster] %s\n' "$*" >&2; }
results=()
failed=0
check() { if [[ "$2" == PASS ]]; then results+=("PASS  $1"); else results+=("FAIL  $1"); failed=1; fi; }

cleanup() {
  "${podman[@]}" rm -f -i -t 5 "$prefix-api" "$prefix-silo-1" "$prefix-silo-2" "$prefix-api-alone" >/dev/null 2>&1 || true
  for pid in ${redis_pids:-}; do kill "$pid" 2>/dev/null || true; done
  log "containers removed; logs in $work"
}
trap cleanup EXIT

for image in silo api; do
  "${podman[@]}" image exists "prediction-cluster-$image:$version" || { log "no image prediction-cluster-$image:$version: run scripts/image-build.sh"; exit 2; }
done
command -v redis-server >/dev/null || { log "redis-server missing (apt-get install redis-server)"; exit 2; }
dotnet build "$root/loadtest/LoadRunner/LoadRunner.csproj" -c Release --nologo -v q -clp:ErrorsOnly >&2 || exit 2
dotnet build "$root/tools/Client/Client.csproj" -c Release --nologo -v q -clp:ErrorsOnly >&2 || exit 2

redis_pids=""
for port in "$redis_port" "$storage_port"; do
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "$work" > "$work/redis-$port.log" 2>&1 &
  redis_pids+=" $!"
done

start_silo() {
  local n="$1"
  "${podman[@]}" run -d --name "$prefix-silo-$n" "${run_opts[@]}" \
    -e Orleans__Name="silo-$n" -e Orleans__ClusterId="$prefix" -e Orleans__ServiceId="$prefix" \
    -e Orleans__Endpoints__SiloPort=$((base + 110 + n)) -e Orleans__Endpoints__GatewayPort=$((base + 120 + n)) \
    -e Orleans__Endpoints__AdvertisedIPAddress=127.0.0.1 \
    -e Kestrel__Endpoints__Http__Url="http://127.0.0.1:$((base + 100 + n))" \
    -e Redis__Endpoint="127.0.0.1:$redis_port" -e Storage__Redis__Endpoint="127.0.0.1:$storage_port" -e Storage__TimeToLive=0 \
    "prediction-cluster-silo:$version" >/dev/null
}
t0=$SECONDS
start_silo 1
start_silo 2
"${podman[@]}" run -d --name "$prefix-api" "${run_opts[@]}" \
  -e Cluster__Mode=Redis -e Orleans__ClusterId="$prefix" -e Orleans__ServiceId="$prefix" \
  -e Redis__Endpoint="127.0.0.1:$redis_port" -e ASPNETCORE_HTTP_PORTS= -e ASPNETCORE_URLS="http://127.0.0.1:$api_port" \
  "prediction-cluster-api:$version" >/dev/null

ready() { [[ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" == 200 ]]; }
wait_ready() {
  local url="$1" deadline=$((SECONDS + 180))
  until ready "$url"; do ((SECONDS < deadline)) || return 1; sleep 1; done
}
if wait_ready "http://127.0.0.1:$((base + 101))/health/ready" && wait_ready "http://127.0.0.1:$((base + 102))/health/ready" \
   && wait_ready "http://127.0.0.1:$api_port/health/ready"; then
  check "cluster ready (2 silos + API) in $((SECONDS - t0)) s" PASS
else
  check "cluster ready within 180 s" FAIL
fi

# The image's own HEALTHCHECK (bash /dev/tcp to 127.0.0.1:8080 inside the container), as podman runs it: on the
# host network the containers listen on other ports, so this is the api image alone (embedded mode) on podman's
# bridge network, its 8080 published on 127.0.0.1.
"${podman[@]}" run -d --name "$prefix-api-alone" "${limits[@]}" -p "127.0.0.1:$((base + 90)):8080" \
  "prediction-cluster-api:$version" >/dev/null 2>"$work/api-alone.err"
if wait_ready "http://127.0.0.1:$((base + 90))/health/ready" && "${podman[@]}" healthcheck run "$prefix-api-alone" >/dev/null 2>&1; then
  check "api image alone (embedded, bridge network): ready, its HEALTHCHECK healthy" PASS
else
  check "api image alone (embedded, bridge network): ready, its HEALTHCHECK healthy" FAIL
fi
"${podman[@]}" rm -f -i -t 5 "$prefix-api-alone" >/dev/null 2>&1
user="$("${podman[@]}" exec "$prefix-silo-1" id -u 2>/dev/null)"
[[ "$user" == 1654 ]] && check "silo runs as uid 1654" PASS || check "silo runs as uid 1654 (got '$user')" FAIL

log "smoke"
if dotnet "$root/tools/Client/bin/Release/net10.0/Client.dll" smoke --url "http://127.0.0.1:$api_port" 2>&1 | tee "$work/smoke.txt" >&2; then
  check "tools/Client smoke" PASS
else
  check "tools/Client smoke" FAIL
fi

log "load for ${load_seconds} s ($vus virtual users, new texts), podman kill of silo-2 after $((load_seconds / 3)) s"
dotnet "$root/loadtest/LoadRunner/bin/Release/net10.0/LoadRunner.dll" run --url "http://127.0.0.1:$api_port" \
  --vus "$vus" --warmup 2s --duration "${load_seconds}s" --cache-rate 0 --timeout 30s > "$work/load.txt" 2>&1 &
load_pid=$!
sleep $((2 + load_seconds / 3))
kill_at=$SECONDS
"${podman[@]}" kill "$prefix-silo-2" >/dev/null && log "killed silo-2 (SIGKILL)"
wait "$load_pid"; load_rc=$?
cat "$work/load.txt" >&2
summary="$(sed -n 's/^SUMMARY //p' "$work/load.txt")"
errors_line="$(grep '^requests ' "$work/load.txt")"
sent="$(awk '/^requests /{print $2}' "$work/load.txt")"
completed="$(awk '/^requests /{print $4}' "$work/load.txt")"
if [[ $load_rc == 0 && -n "$sent" && "$sent" == "$completed" && "$(grep -c '^errors     none' "$work/load.txt")" == 1 ]]; then
  check "silo-2 killed under load: $completed of $sent requests answered 2xx, none lost" PASS
else
  check "silo-2 killed under load: ${errors_line:-no report} (LoadRunner exit $load_rc)" FAIL
fi
# After the kill the survivor serves alone: new texts still answered.
if curl -sf "http://127.0.0.1:$api_port/predict" -H 'Content-Type: application/json' -d "{\"text\":[\"after the kill $$\"]}" >/dev/null; then
  check "API answers after the kill (silo-1 alone)" PASS
else
  check "API answers after the kill" FAIL
fi

for c in silo-1 silo-2 api; do "${podman[@]}" logs "$prefix-$c" > "$work/$c.log" 2>&1; done
echo
echo "== container cluster: prediction-cluster-{silo,api}:$version, podman $(podman --version | awk '{print $3}') (runc), host network, 127.0.0.1"
printf '%s\n' "${results[@]}"
[[ $failed == 0 ]] && echo "RESULT: PASS" || echo "RESULT: FAIL (logs in $work)"
exit $failed
