// Offline check of Kubernetes manifests, without a cluster.
//   node validate.mjs FILE.yaml...
// Two checks per object:
//  1. kubernetes-models' generated validator (the Kubernetes OpenAPI schema): types, required fields, formats.
//  2. The TypeScript compiler on the same object typed as the kind's interface: rejects unknown fields (a misspelt
//     "completion:" or "parallelsim:"), which the schema validator lets through.
// Prints one line per object and exits 1 when any object fails, 2 on unreadable input.
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";
import ts from "typescript";

const here = dirname(fileURLToPath(import.meta.url));

// The kinds bench cluster run renders (and a few more), mapped to their kubernetes-models module. A kind not listed is an error, not a pass.
const kinds = {
  "apps/v1 Deployment": "apps/v1/Deployment",
  "v1 Service": "v1/Service",
  "v1 Pod": "v1/Pod",
  "v1 PersistentVolumeClaim": "v1/PersistentVolumeClaim",
  "v1 Secret": "v1/Secret",
  "v1 ConfigMap": "v1/ConfigMap",
  "batch/v1 Job": "batch/v1/Job",
};

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs FILE.yaml...");
  process.exit(2);
}

let failures = 0;
const objects = [];
for (const file of files) {
  let docs;
  try {
    docs = yaml.loadAll(readFileSync(file, "utf8"));
  } catch (e) {
    console.error(`${file}: not readable YAML: ${e.message.split("\n")[0]}`);
    process.exit(2);
  }
  for (const [i, doc] of docs.entries()) {
    if (doc == null) continue;
    const name = `${file}#${i} ${doc.kind ?? "?"}/${doc.metadata?.name ?? "?"}`;
    const key = `${doc.apiVersion} ${doc.kind}`;
    const module = kinds[key];
    if (!module) {
      console.log(`FAIL ${name}: kind "${key}" is not one this check knows`);
      failures++;
      continue;
    }
    // kubernetes-models 5 is ES modules only: imported, not required.
    const exported = await import(`kubernetes-models/${module}`);
    const Kind = exported[doc.kind];
    try {
      new Kind(doc).validate();
    } catch (e) {
      console.log(`FAIL ${name}: schema: ${e.message.replace(/\s+/g, " ")}`);
      failures++;
      continue;
    }
    objects.push({ name, module, kind: doc.kind, doc });
  }
}

// Unknown fields: one TypeScript file with every object assigned to its kind's interface. An object literal
// with a property the interface does not declare is a compile error (excess property check), at any depth.
if (objects.length > 0) {
  const dir = mkdtempSync(join(tmpdir(), "k8s-validate-"));
  try {
    const lines = [];
    objects.forEach((o, i) => {
      lines.push(`import type { I${o.kind} as T${i} } from ${JSON.stringify(join(here, "node_modules/kubernetes-models", o.module))};`);
    });
    const starts = [];
    objects.forEach((o, i) => {
      starts.push(lines.length + 1);
      lines.push(`export const o${i}: T${i} = ${JSON.stringify(o.doc, null, 1).replace(/\n/g, " ")};`);
    });
    const source = join(dir, "objects.ts");
    writeFileSync(source, lines.join("\n") + "\n");
    const program = ts.createProgram([source], { noEmit: true, strict: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022 });
    const wrong = new Set();
    for (const d of ts.getPreEmitDiagnostics(program)) {
      const text = ts.flattenDiagnosticMessageText(d.messageText, " ");
      if (!d.file || d.file.fileName !== source.replace(/\\/g, "/")) {
        console.log(`FAIL type check: ${text}`);
        failures++;
        continue;
      }
      const line = d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1;
      const index = starts.indexOf(line);
      const name = index >= 0 ? objects[index].name : `objects.ts line ${line}`;
      console.log(`FAIL ${name}: field: ${text}`);
      wrong.add(index);
      failures++;
    }
    objects.forEach((o, i) => {
      if (!wrong.has(i)) console.log(`ok   ${o.name}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(failures === 0 ? `${objects.length} objects valid` : `${failures} problem(s)`);
process.exit(failures === 0 ? 0 : 1);
