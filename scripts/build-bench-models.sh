#!/usr/bin/env bash
# Builds the DistilBERT-shaped benchmark models (random weights, the real architecture) from the vocabulary
# that scripts/setup.sh installed: models/distilbert-bench (float) and models/distilbert-bench-int8 (its
# dynamic INT8 quantization). Rebuilt only when missing or when the model builder's sources changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
builder=tools/ModelBuilder
stamp=$(cat "$builder/build_model.py" "$builder/distilbert_model.py" "$builder/quantize.py" | sha256sum | cut -c1-16)

build() { # DIR [--int8]
  local dir="$1"
  shift
  if [[ -s "$dir/model.onnx" && "$(cat "$dir/.builder" 2>/dev/null)" == "$stamp" ]]; then
    return 0
  fi
  echo "[models] building $dir" >&2
  /usr/bin/python3 "$builder/build_model.py" distilbert --vocab-json .deps/data/bert-vocab.json --out "$dir" "$@" >&2
  echo "$stamp" > "$dir/.builder"
}

build models/distilbert-bench
build models/distilbert-bench-int8 --int8
