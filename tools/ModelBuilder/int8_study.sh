#!/usr/bin/env bash
# Dev-only study of INT8 variants of the default model's encoder (issue 22). Needs build_minilm.sh's WORK directory
# (features/model.onnx, dev-features.f32). For each variant: the features graph quantized with some linear layers
# kept float, its SST-2 dev features through ONNX Runtime, and minilm-int8-eval's figures (the float head out of
# fold, and a head retrained by the same CV). SST-2 test is never read.
#   tools/ModelBuilder/int8_study.sh [WORK] [VARIANT=SPEC ...]     (SPEC: build_model.py quantize --keep-float)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-$root/.deps/minilm}"
shift || true
builder="$root/tools/ModelBuilder/build_model.py"
tool="$root/tools/MiniLmExport"
dev="$root/eval/data/sst2/dev.tsv"
out="${INT8_STUDY_DIR:-$root/artifacts/int8-study}"
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=("all=" "first=first" "last=last" "first+last=first,last" "ffn_out=ffn_out")
dotnet build "$tool/MiniLmExport.csproj" -c Release --nologo --verbosity quiet -clp:ErrorsOnly >&2
mkdir -p "$out"
for v in "${variants[@]}"; do
  name="${v%%=*}" spec="${v#*=}"
  dir="$out/$name"
  echo "== $name (--keep-float '$spec')"
  /usr/bin/python3 "$builder" quantize --model-dir "$work/features" --out "$dir" --keep-float "$spec"
  dotnet "$tool/bin/Release/net10.0/MiniLmExport.dll" embed --model "$dir/model.onnx" --vocab "$work/features/vocab.txt" \
    --data "$dev" --out "$dir/dev-features.f32" --max-tokens 256
  /usr/bin/python3 "$builder" minilm-int8-eval --reference "$work/dev-features.f32" --features "$dir/dev-features.f32" \
    --dev "$dev" | tee "$dir/eval.txt"
done
