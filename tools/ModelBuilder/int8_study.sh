#!/usr/bin/env bash
# Dev-only study of INT8 variants of the default model's encoder (issue 22). Needs build_minilm.sh's WORK directory
# (features/model.onnx, dev-features.f32). For each variant: the features graph quantized with some linear layers
# kept float, its SST-2 dev features through ONNX Runtime, and minilm-int8-eval's figures (the float head out of
# fold, and a head retrained by the same CV). SST-2 test is never read.
#   tools/ModelBuilder/int8_study.sh [WORK] [VARIANT=SPEC[:METHOD] ...]
# SPEC: build_model.py quantize --keep-float; METHOD (static activation scales): minmax or batch-mean, from the
# float graph's ranges over SST-2 dev (calibration-graph + MiniLmExport ranges, once); none = run-time scales.
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
export_tool=(dotnet "$tool/bin/Release/net10.0/MiniLmExport.dll")
mkdir -p "$out"
ranges="$out/dev-ranges.json"
for v in "${variants[@]}"; do
  case "$v" in *:*) ;; *) continue ;; esac
  if [ ! -s "$ranges" ]; then
    echo "== calibration ranges of the float graph over SST-2 dev"
    /usr/bin/python3 "$builder" calibration-graph --model-dir "$work/features" --out "$out/calibration"
    "${export_tool[@]}" ranges --model "$out/calibration/model.onnx" --vocab "$work/features/vocab.txt" \
      --data "$dev" --out "$ranges" --max-tokens 256
    rm -rf "$out/calibration"
  fi
  break
done
for v in "${variants[@]}"; do
  name="${v%%=*}" spec="${v#*=}" static=()
  case "$spec" in *:*) static=(--ranges "$ranges" --range-method "${spec##*:}"); spec="${spec%:*}" ;; esac
  dir="$out/$name"
  echo "== $name (--keep-float '$spec'${static[*]:+ ${static[*]}})"
  /usr/bin/python3 "$builder" quantize --model-dir "$work/features" --out "$dir" --keep-float "$spec" "${static[@]}"
  "${export_tool[@]}" embed --model "$dir/model.onnx" --vocab "$work/features/vocab.txt" \
    --data "$dev" --out "$dir/dev-features.f32" --max-tokens 256
  /usr/bin/python3 "$builder" minilm-int8-eval --reference "$work/dev-features.f32" --features "$dir/dev-features.f32" \
    --dev "$dev" | tee "$dir/eval.txt"
done
