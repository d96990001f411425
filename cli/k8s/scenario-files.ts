// What of a scenario goes into the ConfigMap, and what cannot run from generator pods at all.
// The ConfigMap carries the scenario file and every feeder file (`data:`), keyed by valid
// ConfigMap keys and mounted back at their paths relative to the files' common folder, so the
// scenario's relative `file:` references resolve in the pod exactly as they do here.
import { readFileSync } from 'node:fs';
import { dirname, extname, relative, sep } from 'node:path';
import type { Scenario } from '../../scenarios/model.js';
import { CliExit, EXIT } from '../exit-codes.js';
import type { ConfigFile } from './manifests.js';

/** A ConfigMap (keys and values) is limited to 1 MiB by the API server. */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;

export interface ScenarioFiles {
  files: ConfigFile[];
  /** The scenario's own path under the mount. */
  scenarioPath: string;
  /** Things that will run, but maybe not as meant: printed on stderr. */
  warnings: string[];
}

/** Refuses (exit 2) what generator pods cannot carry out; otherwise reads the files for the ConfigMap. */
export function scenarioFiles(scenario: Scenario): ScenarioFiles {
  refuseUnrunnable(scenario);
  const source = readFileSync(scenario.file);
  refuseModuleImports(scenario.file, source.toString('utf8'));
  const paths = [...new Set([scenario.file, ...Object.values(scenario.data).map((feeder) => feeder.file)])];
  const root = commonFolder(paths.map((p) => dirname(p)));
  const used = new Set<string>();
  const files = paths.map((absolute, i) => {
    const path = relative(root, absolute).split(sep).join('/');
    return { key: uniqueKey(configMapKey(path), used), path, content: i === 0 ? source : readFileSync(absolute) };
  });
  const bytes = files.reduce((total, f) => total + Buffer.byteLength(f.key) + encodedLength(f.content), 0);
  if (bytes > CONFIGMAP_LIMIT_BYTES) {
    const largest = [...files].sort((a, b) => b.content.length - a.content.length).slice(0, 3);
    throw new CliExit(
      EXIT.badInput,
      `loadtest k8s: the scenario and its data files take ${bytes} bytes, over a ConfigMap's 1 MiB limit ` +
        `(largest: ${largest.map((f) => `${f.path} ${f.content.length} B`).join(', ')}); ` +
        'build them into an image FROM the loadtest image instead, or trim the feeders',
    );
  }
  return { files, scenarioPath: files[0]!.path, warnings: warnings(scenario, source.toString('utf8')) };
}

function refuseUnrunnable(scenario: Scenario): void {
  const launched = Object.keys(scenario.environment.targets);
  if (launched.length > 0 || scenario.targetRef !== undefined) {
    throw new CliExit(
      EXIT.badInput,
      `loadtest k8s: ${scenario.file}: the scenario launches its own targets (targets: ${launched.join(', ')}); ` +
        'a generator pod cannot start the services under test (nor inject faults into them). ' +
        'Deploy them to the cluster and point the scenario (or --target) at their Service URL',
    );
  }
  const local = scenario.environment.collect.sources.filter((s) => s.source === 'cgroup' || s.source === 'process' || s.source === 'docker');
  if (local.length > 0) {
    throw new CliExit(
      EXIT.badInput,
      `loadtest k8s: ${scenario.file}: collect: sources ${local.map((s) => `${s.source} (${s.target})`).join(', ')} sample the local machine, ` +
        'which in a generator pod is the pod itself; use a kubernetes or prometheus source',
    );
  }
}

/** A module scenario may import files the ConfigMap would not carry: refused rather than failing in the pod. */
function refuseModuleImports(file: string, text: string): void {
  if (!['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'].includes(extname(file).toLowerCase())) return;
  const relativeImport = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]\.{1,2}\//.exec(text);
  if (relativeImport !== null) {
    throw new CliExit(EXIT.badInput, `loadtest k8s: ${file} imports other local files, which the ConfigMap would not carry; write the scenario as one module or as YAML`);
  }
}

function warnings(scenario: Scenario, text: string): string[] {
  const out: string[] = [];
  if (/^https?:\/\/(localhost|127\.|\[::1\])/i.test(scenario.target)) {
    out.push(`the target ${scenario.target} is loopback: from a pod it is the pod itself; give --target <Service URL>`);
  }
  if (text.includes('${env.')) out.push('the scenario reads ${env.X} variables: the pods have none of this machine\'s environment (values were checked here only)');
  const remote = scenario.environment.collect.sources;
  if (remote.length > 0) out.push(`every worker samples the collect: sources (${remote.map((s) => s.source).join(', ')}); a kubernetes source needs a ServiceAccount allowed to read pods and metrics, which is not generated`);
  return out;
}

function commonFolder(folders: string[]): string {
  let common = folders[0]!;
  for (const folder of folders.slice(1)) {
    while (common !== folder && !folder.startsWith(common.endsWith(sep) ? common : common + sep)) common = dirname(common);
  }
  return common;
}

/** ConfigMap keys are [-._a-zA-Z0-9]+, at most 253 characters; '/' becomes '.', anything else '_'. */
export function configMapKey(path: string): string {
  const key = path.replace(/\//g, '.').replace(/[^-._a-zA-Z0-9]/g, '_').slice(-253);
  return key === '.' || key === '..' || key === '' ? 'file' : key;
}

function uniqueKey(key: string, used: Set<string>): string {
  let candidate = key;
  for (let n = 2; used.has(candidate); n++) candidate = `${n}-${key}`.slice(0, 253);
  used.add(candidate);
  return candidate;
}

function encodedLength(content: Buffer): number {
  const text = content.toString('utf8');
  return Buffer.from(text, 'utf8').equals(content) ? content.length : Math.ceil(content.length / 3) * 4;
}
