#!/usr/bin/env bash
# Builds the two images from docker/Dockerfile (targets silo and api) after scripts/setup.sh has put the
# ONNX Runtime library and the default model into the build context.
#   scripts/image-build.sh                  tags <repo>:<chart appVersion> and <repo>:<git sha>
#   REGISTRY=registry.example.com/team/ PUSH=1 scripts/image-build.sh    also pushes
# Environment: REGISTRY (prefix, with trailing /), VERSION (default: the chart's appVersion), DOCKER (default: docker).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
docker="${DOCKER:-docker}"

if ! command -v "$docker" >/dev/null 2>&1; then
  echo "image-build: '$docker' not found. Install Docker (or set DOCKER=podman) to build images." >&2
  exit 2
fi
if ! "$docker" info >/dev/null 2>&1; then
  echo "image-build: '$docker' cannot reach a container engine (is the daemon running?)." >&2
  exit 2
fi

"$root/scripts/setup.sh"

version="${VERSION:-$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$root/helm/prediction-cluster/Chart.yaml")}"
sha="$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
registry="${REGISTRY:-}"

for target in silo api; do
  repo="${registry}prediction-cluster-$target"
  echo "[image-build] $repo:$version ($repo:$sha)" >&2
  "$docker" build -f "$root/docker/Dockerfile" --target "$target" \
    --label "org.opencontainers.image.version=$version" --label "org.opencontainers.image.revision=$sha" \
    -t "$repo:$version" -t "$repo:$sha" "$root"
  if [[ "${PUSH:-0}" == 1 ]]; then
    "$docker" push "$repo:$version"
    "$docker" push "$repo:$sha"
  fi
done
