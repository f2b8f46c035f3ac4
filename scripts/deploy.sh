#!/usr/bin/env bash
# Installs or upgrades the chart: helm upgrade --install with a values file.
#   scripts/deploy.sh [VALUES_FILE] [extra helm args...]
#   scripts/deploy.sh helm/prediction-cluster/values-production.yaml --set image.tag=0.1.0
# Environment: RELEASE (default prediction), NAMESPACE (default prediction), HELM (default: helm on PATH, else .deps/tools/helm).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
chart="$root/helm/prediction-cluster"
values="${1:-$chart/values.yaml}"
shift || true
release="${RELEASE:-prediction}"
namespace="${NAMESPACE:-prediction}"
helm="${HELM:-$(command -v helm || echo "$root/.deps/tools/helm")}"

[[ -x "$helm" ]] || { echo "deploy: helm not found (install it, or run scripts/setup.sh --test for .deps/tools/helm)" >&2; exit 2; }
[[ -f "$values" ]] || { echo "deploy: no values file $values" >&2; exit 2; }

"$helm" lint --strict "$chart" -f "$values"
# --wait: the API is ready only when a silo answers; --timeout covers model loading and Redis volume binding.
"$helm" upgrade --install "$release" "$chart" --namespace "$namespace" --create-namespace \
  -f "$values" --wait --timeout 10m "$@"
