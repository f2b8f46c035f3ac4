// Validates Kubernetes manifests (multi-document YAML on stdin, as `helm template` prints them) against the
// Kubernetes API's schemas as npm's kubernetes-models carries them (and @kubernetes-models/* for the custom
// resources the chart renders), in two passes:
//   1. each object through its model's validator (the OpenAPI schema compiled): types, formats, required fields;
//   2. each object as a TypeScript literal of its model's interface, through tsc: a field the API does not know (a
//      misspelling) fails here, which the validators, open to unknown fields, let through.
// A kind with no schema here fails rather than passing unchecked. One line per object; exit code 1 on any failure.
//   helm template x helm/prediction-cluster | node helm/schema-check/validate.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));

// apiVersion -> the package path whose exports are that group-version's kinds.
const modules = {
  'v1': 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'policy/v1': 'kubernetes-models/policy/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1': 'kubernetes-models/rbac.authorization.k8s.io/v1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
  'cert-manager.io/v1': '@kubernetes-models/cert-manager/cert-manager.io/v1',
};

let failed = 0;
const known = [];
for (const document of parseAllDocuments(readFileSync(0, 'utf8'))) {
  if (document.errors.length > 0) {
    console.log(`FAIL (YAML) ${document.errors.map((e) => e.message).join('; ')}`);
    failed++;
    continue;
  }
  const object = document.toJS();
  if (object === null || object === undefined) {
    continue; // an empty document between separators
  }
  const name = `${object.apiVersion}/${object.kind} ${object.metadata?.name ?? '(no name)'}`;
  const path = modules[object.apiVersion];
  const Model = path === undefined ? undefined : (await import(path))[object.kind];
  if (Model === undefined) {
    console.log(`FAIL ${name}: no schema known for this apiVersion and kind`);
    failed++;
    continue;
  }
  try {
    new Model(object).validate();
    console.log(`ok   ${name}`);
  } catch (error) {
    const details = (error.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
    console.log(`FAIL ${name}: ${details.length > 0 ? details.join('; ') : error.message}`);
    failed++;
  }
  known.push({ object, name, module: `${path}/${object.kind}` });
}

if (known.length > 0) {
  // Next to node_modules, so that tsc resolves the packages; removed afterwards.
  const source = join(here, `.check-${process.pid}.ts`);
  const lines = known.map(({ object, module }, i) =>
    `import type { I${object.kind} as T${i} } from '${module}';\nexport const o${i}: T${i} = ${JSON.stringify(object, null, 1)};`);
  writeFileSync(source, lines.join('\n') + '\n');
  try {
    execFileSync(process.execPath, [join(here, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--skipLibCheck',
      '--module', 'esnext', '--moduleResolution', 'bundler', '--target', 'es2020', source], { encoding: 'utf8' });
  } catch (error) {
    // tsc names the line of the literal; map it back to the object it belongs to.
    const starts = [];
    let line = 1;
    for (const text of lines) {
      starts.push(line);
      line += text.split('\n').length;
    }
    for (const message of `${error.stdout ?? ''}`.split('\n').filter((m) => m.includes('error TS'))) {
      const at = Number(/\((\d+),\d+\)/.exec(message)?.[1] ?? 0);
      const index = starts.findLastIndex((start) => start <= at);
      console.log(`FAIL ${index >= 0 ? known[index].name : '(unknown)'}: ${message.replace(/^[^:]*: /, '')}`);
      failed++;
    }
    if (!`${error.stdout ?? ''}`.includes('error TS')) {
      console.log(`FAIL tsc: ${error.message}`);
      failed++;
    }
  } finally {
    rmSync(source, { force: true });
  }
}
console.log(`${known.length} object(s) checked, ${failed} failed`);
process.exit(failed > 0 || known.length === 0 ? 1 : 0);
