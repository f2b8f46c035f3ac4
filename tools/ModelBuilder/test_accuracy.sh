#!/usr/bin/env bash
# Accuracy of model directories on a labelled SST-2 TSV (default: SST-2 test), all in one command: each model's
# logits through ONNX Runtime with the service's tokenizer and truncation (MiniLmExport embed on the model's own
# graph, padded batches of 32), then labels = argmax against the TSV's labels. Issue 22 reads SST-2 test with it
# exactly once, for the chosen INT8 variant and the float model together.
#   tools/ModelBuilder/test_accuracy.sh [--data TSV] DIR [DIR ...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="$root/eval/data/sst2/test.tsv"
if [ "${1:-}" = "--data" ]; then data="$2"; shift 2; fi
tool="$root/tools/MiniLmExport"
dotnet build "$tool/MiniLmExport.csproj" -c Release --nologo --verbosity quiet -clp:ErrorsOnly >&2
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for dir in "$@"; do
  tokens=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["max_position_embeddings"])' "$dir/config.json")
  dotnet "$tool/bin/Release/net10.0/MiniLmExport.dll" embed --model "$dir/model.onnx" --vocab "$dir/vocab.txt" \
    --data "$data" --out "$out/logits.f32" --max-tokens "$tokens" >&2
  /usr/bin/python3 - "$out/logits.f32" "$data" "$dir" <<'PY'
import sys
import numpy as np
logits_path, data, model = sys.argv[1:]
rows = [l.rstrip("\n").split("\t") for l in open(data, encoding="utf-8").read().splitlines()[1:] if l]
y = np.array([int(r[1]) for r in rows])
logits = np.fromfile(logits_path, dtype="<f4").reshape(len(rows), 2)
correct = int(np.sum(logits.argmax(axis=1) == y))
print(f"{model}: {correct}/{len(y)} = {correct / len(y) * 100:.2f} % on {data}")
PY
done
