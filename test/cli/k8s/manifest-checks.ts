import assert from 'node:assert/strict';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { parseAllDocuments } from 'yaml';

// Reading generated manifests back in tests: every document parses, and each object passes the
// Kubernetes API schema for its kind.

export type Obj = Record<string, any>;

export function parse(text: string): Obj[] {
  const docs = parseAllDocuments(text);
  for (const d of docs) assert.deepEqual(d.errors, []);
  return docs.map((d) => d.toJS() as Obj);
}

export function validate(o: Obj): void {
  if (o.kind === 'ConfigMap') new ConfigMap(o as ConstructorParameters<typeof ConfigMap>[0]).validate();
  else if (o.kind === 'PersistentVolumeClaim') new PersistentVolumeClaim(o as ConstructorParameters<typeof PersistentVolumeClaim>[0]).validate();
  else if (o.kind === 'Job') new Job(o as ConstructorParameters<typeof Job>[0]).validate();
  else assert.fail(`unexpected kind ${o.kind}`);
}
