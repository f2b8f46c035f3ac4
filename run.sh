#!/usr/bin/env bash
# Sets up what is missing and runs the prediction service in embedded mode (the API co-hosting one
# silo, in-memory grain storage) on http://127.0.0.1:8000. Arguments go to the service, e.g.
#   ./run.sh --urls http://0.0.0.0:9000      ./run.sh --Model:Path=/models/distilbert-sst2
# Cluster mode (Redis, two silo processes, the API on the same address), and one more silo:
#   ./run.sh cluster [API args...]           ./run.sh silo silo-3
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
case "${1:-}" in
  cluster | silo) exec "$root/scripts/cluster.sh" "$@" ;;
esac
"$root/scripts/setup.sh"

echo "[run] building" >&2
dotnet build "$root/Api/Api.csproj" -c Release --nologo --verbosity quiet -clp:ErrorsOnly >&2

args=("$@")
# Defaults that the usual ASP.NET Core overrides (ASPNETCORE_URLS, --urls, Model__Path, --Model:Path) replace.
if [[ -z "${ASPNETCORE_URLS:-}" && " $* " != *" --urls"* ]]; then
  args+=(--urls http://127.0.0.1:8000)
fi
if [[ -z "${Model__Path:-}" && " $* " != *"--Model:Path"* ]]; then
  args+=(--Model:Path="$root/models/default")
fi
cd "$root/Api/bin/Release/net10.0"
exec dotnet Api.dll "${args[@]}"
