#!/usr/bin/env bash
# Builds the default model's INT8 copy into OUT from build_minilm.sh's WORK directory (run that first): the features graph
# quantized (weights int8 per output column; activations uint8 per tensor; the linear layers of KEEP_FLOAT left
# float), its SST-2 dev features through ONNX Runtime, a head retrained on them by minilm-train's cross-validation
# (dev only), then the whole graph (encoder + pooling + head) quantized the same way. Deterministic; SST-2 test is
# never read. The variant was chosen on dev by tools/ModelBuilder/int8_study.sh (docs/performance.md, issue 22).
# With RANGE_METHOD (minmax or batch-mean) the activations get fixed scales from the float features graph's ranges over
# SST-2 dev (calibration-graph + MiniLmExport ranges), so a text's scores do not depend on its batch; without it they
# are quantized at run time.
#   tools/ModelBuilder/build_minilm_int8.sh OUT LEXICON_DIR [WORK] [KEEP_FLOAT] [RANGE_METHOD]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$1"
lexicon="$2"
work="${3:-$root/.deps/minilm}"
keep_float="${4-last}"
range_method="${5-}"
builder="$root/tools/ModelBuilder/build_model.py"
tool="$root/tools/MiniLmExport"
dev="$root/eval/data/sst2/dev.tsv"
int8="$work/int8"
log() { printf '[minilm-int8] %s\n' "$*" >&2; }

[ -s "$work/features/model.onnx" ] || { echo "$work/features/model.onnx is missing: run build_minilm.sh first" >&2; exit 1; }
dotnet build "$tool/MiniLmExport.csproj" -c Release --nologo --verbosity quiet -clp:ErrorsOnly >&2
export_tool=(dotnet "$tool/bin/Release/net10.0/MiniLmExport.dll")
rm -rf "$int8"
mkdir -p "$int8"
static=()
if [ -n "$range_method" ]; then
  # The whole graph's linear layers read the same tensors as the features graph's, so one set of ranges serves both.
  log "calibration ranges of the float features graph over SST-2 dev (static scales: ${range_method})"
  /usr/bin/python3 "$builder" calibration-graph --model-dir "$work/features" --out "$int8/calibration" >&2
  "${export_tool[@]}" ranges --model "$int8/calibration/model.onnx" --vocab "$work/features/vocab.txt" \
    --data "$dev" --out "$int8/dev-ranges.json" --max-tokens 256 >&2
  rm -rf "$int8/calibration" # a copy of the float graph (~95 MB), needed only for the ranges
  static=(--ranges "$int8/dev-ranges.json" --range-method "$range_method")
fi
log "quantizing the features graph (kept float: '${keep_float}')"
/usr/bin/python3 "$builder" quantize --model-dir "$work/features" --out "$int8/features" --keep-float "$keep_float" "${static[@]}" >&2
log "computing SST-2 dev features of the INT8 graph with ONNX Runtime"
"${export_tool[@]}" embed --model "$int8/features/model.onnx" --vocab "$int8/features/vocab.txt" \
  --data "$dev" --out "$int8/dev-features.f32" --max-tokens 256 >&2
log "training the head on the INT8 features (features and regularisation by cross-validation on dev)"
/usr/bin/python3 "$builder" minilm-train --features "$int8/dev-features.f32" --dev "$dev" --out "$int8/head.json" >&2
/usr/bin/python3 "$builder" minilm --source "$work/package" --lexicon-model "$lexicon" --head "$int8/head.json" \
  --out "$int8/float-graph" >&2
log "quantizing the whole graph (the head is a Gemm and stays float)"
/usr/bin/python3 "$builder" quantize --model-dir "$int8/float-graph" --out "$out" --keep-float "$keep_float" "${static[@]}" >&2
if [ -n "$range_method" ]; then
  cp "$int8/dev-ranges.json" "$out/dev-ranges.json" # the calibration config.json names
fi
