// Differential reference: runs a model with onnxruntime-node and prints the requested output.
// usage: NODE_PATH=<repo>/.deps/reference/node_modules node run_reference.js ORT_NODE_INDEX_JS REQUEST_JSON
// REQUEST_JSON: {"model": path, "output": name,
//                "cases": [{"rows": r, "columns": c, "inputs": {name: [int64 values...]}}]}
// prints JSON: [{"dims": [...], "data": [...]}] one entry per case.
'use strict';
const fs = require('fs');

async function main() {
  const ort = require(process.argv[2]);
  const request = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
  const session = await ort.InferenceSession.create(request.model, { executionMode: 'sequential' });
  const results = [];
  for (const c of request.cases) {
    const feeds = {};
    for (const [name, values] of Object.entries(c.inputs)) {
      feeds[name] = new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [c.rows, c.columns]);
    }
    const out = await session.run(feeds, [request.output]);
    const tensor = out[request.output];
    results.push({ dims: tensor.dims, data: Array.from(tensor.data) });
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
