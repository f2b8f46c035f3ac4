// Runs a built model with ONNX Runtime (onnxruntime-node, the reference runtime in
// .deps/reference) on token-id cases written by `build_model.py verify`, and compares the logits
// with the numpy forward pass.
//   node tools/ModelBuilder/check_model.js MODEL.onnx CASES.json
// CASES.json: {tolerance, batches: [{ids, mask, expected}], unpadded_check_batches: [i...]}
// Checks: (1) max |logits - expected| <= tolerance and identical argmax on every row;
// (2) for the listed batches, every row run alone without padding gives the batched row's logits.
'use strict';
const fs = require('fs');
const path = require('path');

const repo = path.resolve(__dirname, '..', '..');
const ortPath = process.env.ORT_NODE || path.join(repo, '.deps', 'reference', 'onnxruntime-node', 'dist', 'index.js');
const ort = require(ortPath);

function tensor(rows) {
  const B = rows.length, S = B ? rows[0].length : 0;
  const data = new BigInt64Array(B * S);
  rows.forEach((r, i) => r.forEach((v, j) => { data[i * S + j] = BigInt(v); }));
  return new ort.Tensor('int64', data, [B, S]);
}

async function run(session, ids, mask) {
  const out = await session.run({ input_ids: tensor(ids), attention_mask: tensor(mask) });
  const l = out.logits;
  if (l.dims.length !== 2 || l.dims[0] !== ids.length || l.dims[1] !== 2) throw new Error(`bad logits dims ${l.dims}`);
  const rows = [];
  for (let i = 0; i < l.dims[0]; i++) rows.push([l.data[2 * i], l.data[2 * i + 1]]);
  return rows;
}

const argmax = (r) => (r[1] > r[0] ? 1 : 0);

async function main() {
  const [modelPath, casesPath] = process.argv.slice(2);
  if (!modelPath || !casesPath) { console.error('usage: check_model.js MODEL.onnx CASES.json'); process.exit(2); }
  const cases = JSON.parse(fs.readFileSync(casesPath, 'utf8'));
  const tol = cases.tolerance ?? 1e-4;
  const session = await ort.InferenceSession.create(modelPath);
  console.log(`onnxruntime-node ${require(path.join(path.dirname(ortPath), '..', 'package.json')).version}; inputs ${session.inputNames}; outputs ${session.outputNames}`);
  let rows = 0, maxDiff = 0, argmaxMismatch = 0, padRows = 0, padDiff = 0;
  const batchLogits = [];
  for (const b of cases.batches) {
    const got = await run(session, b.ids, b.mask);
    batchLogits.push(got);
    got.forEach((g, i) => {
      const e = b.expected[i];
      maxDiff = Math.max(maxDiff, Math.abs(g[0] - e[0]), Math.abs(g[1] - e[1]));
      if (argmax(g) !== argmax(e)) argmaxMismatch++;
      rows++;
    });
  }
  for (const bi of cases.unpadded_check_batches || []) {
    const b = cases.batches[bi];
    for (let i = 0; i < b.ids.length; i++) {
      const len = b.mask[i].reduce((s, v) => s + v, 0);
      if (len === 0) continue;
      const [g] = await run(session, [b.ids[i].slice(0, len)], [b.mask[i].slice(0, len)]);
      const e = batchLogits[bi][i];
      padDiff = Math.max(padDiff, Math.abs(g[0] - e[0]), Math.abs(g[1] - e[1]));
      padRows++;
    }
  }
  console.log(`rows ${rows}: max |ORT - numpy| = ${maxDiff.toExponential(3)}, argmax mismatches ${argmaxMismatch}`);
  console.log(`padding: ${padRows} rows run unpadded vs in padded batches: max diff ${padDiff.toExponential(3)}`);
  const ok = maxDiff <= tol && argmaxMismatch === 0 && padDiff <= tol;
  console.log(ok ? `OK (tolerance ${tol})` : `FAILED (tolerance ${tol})`);
  process.exit(ok ? 0 : 1);
}

main().catch((e) => { console.error(e); process.exit(1); });
