// Independent reference for the default model: the NuGet package's own MiniLM graph run by onnxruntime-node (one
// text at a time, no padding), then masked mean pooling, L2 normalisation and the head (head.json) in plain JS,
// with the lexicon model's score from its own graph when the head uses it. No part of the served graph is used.
// usage: NODE_PATH=<repo>/.deps/reference/node_modules node minilm-reference.js ORT_NODE_INDEX_JS REQUEST_JSON
// REQUEST_JSON: {"package_model": path, "lexicon_model": path, "head": path, "ids": [[101, ..., 102], ...]}
// prints JSON: [[P(NEGATIVE), P(POSITIVE)], ...] one pair per id list.
'use strict';
const fs = require('fs');

function int64(values) {
  return BigInt64Array.from(values.map(BigInt));
}

async function main() {
  const ort = require(process.argv[2]);
  const request = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
  const head = JSON.parse(fs.readFileSync(request.head, 'utf8'));
  const useLexicon = head.features === 'embedding+lexicon';
  const options = { executionMode: 'sequential' };
  const encoder = await ort.InferenceSession.create(request.package_model, options);
  const lexicon = useLexicon ? await ort.InferenceSession.create(request.lexicon_model, options) : null;
  const results = [];
  for (const ids of request.ids) {
    const n = ids.length;
    const inputIds = new ort.Tensor('int64', int64(ids), [1, n]);
    const mask = new ort.Tensor('int64', int64(ids.map(() => 1)), [1, n]);
    const types = new ort.Tensor('int64', int64(ids.map(() => 0)), [1, n]);
    const out = await encoder.run({ input_ids: inputIds, attention_mask: mask, token_type_ids: types });
    const hidden = out.last_hidden_state;
    const dim = hidden.dims[2];
    // Mean over the n tokens (all real: no padding here), then divide by the Euclidean norm.
    const features = new Float64Array(dim);
    for (let t = 0; t < n; t++) {
      for (let d = 0; d < dim; d++) features[d] += hidden.data[t * dim + d];
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      features[d] /= n;
      norm += features[d] * features[d];
    }
    norm = Math.max(Math.sqrt(norm), 1e-12);
    let z = head.bias;
    for (let d = 0; d < dim; d++) z += head.weight[d] * (features[d] / norm);
    if (useLexicon) {
      const lex = await lexicon.run({ input_ids: inputIds, attention_mask: mask });
      z += head.weight[dim] * lex.logits.data[1];
    }
    const positive = 1 / (1 + Math.exp(-z));
    results.push([1 - positive, positive]);
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
