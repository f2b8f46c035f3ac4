#!/usr/bin/env bash
# Builds the two images from docker/Dockerfile (targets silo and api) after scripts/setup.sh has put the default
# model into the build context, and prints their sizes and build times.
#   scripts/image-build.sh                  tags <repo>:<chart appVersion> and <repo>:<git sha>
#   REGISTRY=registry.example.com/team/ PUSH=1 scripts/image-build.sh    also pushes
# Environment: REGISTRY (prefix, with trailing /), VERSION (default: the chart's appVersion), DOCKER (default: docker
# if it reaches an engine, else podman), LOCAL_BASE (see below).
#
# With Microsoft's base images (the default): FROM mcr.microsoft.com/dotnet/{sdk,aspnet}, framework-dependent.
# LOCAL_BASE=1 (or no registry reachable, e.g. the project's build machine): installs podman, runc and debootstrap
# (apt-get, idempotent), builds once a Debian bookworm base image from the mirror apt already uses (debootstrap
# --variant=minbase, ca-certificates libssl3 tzdata, the "app" user uid 1654; `podman import`), and builds the
# images on it self-contained (the .NET runtime packs come from NuGet); the build stage's SDK is the machine's own
# (/usr/share/dotnet, mounted read-only), the machine's NuGet cache and CA certificates are mounted.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

sudo_() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }

# ---- engine ----
docker="${DOCKER:-}"
if [[ -z "$docker" ]]; then
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then docker=docker; else docker=podman; fi
fi
local_base="${LOCAL_BASE:-}"
[[ -z "$local_base" && "$docker" == podman ]] && local_base=1
if [[ "$docker" == podman ]]; then
  missing=()
  for p in podman runc debootstrap; do command -v "$p" >/dev/null 2>&1 || [[ -x /usr/sbin/$p ]] || missing+=("$p"); done
  if (( ${#missing[@]} )); then
    echo "[image-build] installing ${missing[*]}" >&2
    sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
  fi
  # crun refuses this machine's hybrid cgroups, and the default rlimits cannot be set here: runc and explicit limits.
  if ! grep -qs 'runtime *= *"runc"' /etc/containers/containers.conf; then
    sudo_ mkdir -p /etc/containers
    sudo_ tee -a /etc/containers/containers.conf >/dev/null <<'CONF'
# scripts/image-build.sh: runc (crun refuses hybrid cgroups here) and rlimits podman can set on this machine.
[containers]
default_ulimits = ["nofile=10000:10000", "nproc=4096:4096"]
[engine]
runtime = "runc"
CONF
  fi
fi
if ! "$docker" info >/dev/null 2>&1; then
  echo "image-build: '$docker' cannot reach a container engine (is the daemon running?)." >&2
  exit 2
fi

"$root/scripts/setup.sh"

version="${VERSION:-$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$root/helm/prediction-cluster/Chart.yaml")}"
sha="$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
registry="${REGISTRY:-}"
build_args=()
run_opts=()

# ---- the local base (once): Debian bookworm minbase from the apt mirror, no registry needed ----
if [[ "$local_base" == 1 ]]; then
  base="localhost/prediction-cluster-base:bookworm"
  if [[ "$docker" != podman ]]; then
    echo "image-build: LOCAL_BASE=1 needs podman (its build mounts the SDK, NuGet cache and CA certificates with -v)." >&2
    exit 2
  fi
  if ! "$docker" image inspect "$base" >/dev/null 2>&1; then
    t0=$SECONDS
    mirror="$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)"
    [[ -z "$mirror" ]] && mirror="$(awk '$1=="deb" && $3 ~ /^bookworm$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)"
    mirror="${mirror:-http://deb.debian.org/debian}"
    rootfs="$(mktemp -d /var/tmp/prediction-cluster-rootfs.XXXXXX)"
    echo "[image-build] base: debootstrap minbase bookworm from $mirror into $rootfs" >&2
    sudo_ debootstrap --variant=minbase --include=ca-certificates,libssl3,tzdata bookworm "$rootfs" "$mirror" >/var/tmp/prediction-cluster-debootstrap.log 2>&1 \
      || { tail -20 /var/tmp/prediction-cluster-debootstrap.log >&2; exit 1; }
    sudo_ chroot "$rootfs" sh -c 'groupadd -g 1654 app && useradd -u 1654 -g 1654 -M -d /app -s /usr/sbin/nologin app && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin'
    sudo_ tar -C "$rootfs" -c . | "$docker" import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin APP_UID=1654' - "$base" >/dev/null
    sudo_ rm -rf "$rootfs"
    echo "[image-build] base $base built in $((SECONDS - t0)) s" >&2
  fi
  build_args+=(--build-arg "SDK_IMAGE=$base" --build-arg "RUNTIME_IMAGE=$base" --build-arg SELF_CONTAINED=true
               --build-arg DOTNET=/usr/share/dotnet/dotnet --build-arg NUGET_AUDIT=false)
  # The machine's SDK, NuGet cache and CA certificates (NuGet over TLS); nothing of them lands in the image.
  nuget="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
  mkdir -p "$nuget"
  run_opts+=(-v /usr/share/dotnet:/usr/share/dotnet:ro -v "$nuget:/root/.nuget/packages" -v /etc/ssl/certs:/etc/ssl/certs:ro)
fi
[[ "$docker" == podman ]] && run_opts+=(--format docker --runtime runc --ulimit nofile=10000:10000 --ulimit nproc=4096:4096)

for target in silo api; do
  repo="${registry}prediction-cluster-$target"
  echo "[image-build] $repo:$version ($repo:$sha)" >&2
  t0=$SECONDS
  "$docker" build "${run_opts[@]}" "${build_args[@]}" -f "$root/docker/Dockerfile" --target "$target" \
    --label "org.opencontainers.image.version=$version" --label "org.opencontainers.image.revision=$sha" \
    -t "$repo:$version" -t "$repo:$sha" "$root"
  times+=("$repo:$version built in $((SECONDS - t0)) s")
  if [[ "${PUSH:-0}" == 1 ]]; then
    "$docker" push "$repo:$version"
    "$docker" push "$repo:$sha"
  fi
done
echo "[image-build] summary"
printf '  %s\n' "${times[@]}"
"$docker" images --format '  {{.Repository}}:{{.Tag}}  {{.Size}}' | grep -E "prediction-cluster-(silo|api|base):($version|bookworm) " || true
