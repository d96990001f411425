// Normalises `collect:`, the resource sources sampled beside the load. The schema has dispatched each
// source on `source` and checked its keys; this checks what goes together (one of path, pid or
// replicas), names the replicas, makes paths absolute and keeps sources apart from the targets the
// scenario starts, which are collected without being listed.

import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { DEFAULT_DOCKER_SOCKET, DEFAULT_PROMETHEUS_CPU_QUERY, DEFAULT_PROMETHEUS_MEMORY_QUERY } from '../../collectors/source-defaults.js';
import type { CollectSpec, SourceSpec } from '../environment-model.js';
import { SOURCE_KINDS, type SourceKind } from './environment-schema.js';
import type { IssueCollector } from './issue-collector.js';
import { asRecord, durationAt, isRecord, textMapAt, type RawObject } from './normalize-fields.js';
import { targetNameProblem } from './normalize-targets.js';
import { formatPath, type ValuePath } from './value-path.js';

export const DEFAULT_COLLECT_INTERVAL_MS = 1000;
export const MIN_COLLECT_INTERVAL_MS = 100;

export interface CollectContext {
  /** Directory relative paths (kubeconfig, socket) resolve against. */
  baseDir: string;
  /** Names under `targets:`: collected automatically, so no source may claim them. */
  launched: readonly string[];
}

export function normalizeCollect(raw: unknown, context: CollectContext, issues: IssueCollector): CollectSpec {
  const collect = asRecord(raw);
  let intervalMs = durationAt(issues, ['collect', 'interval'], collect.interval, false) ?? DEFAULT_COLLECT_INTERVAL_MS;
  if (intervalMs < MIN_COLLECT_INTERVAL_MS) {
    // Below this, cgroup and /proc counters move too little between readings to give a rate.
    issues.addUnlessReported(['collect', 'interval'], `must be at least 100ms, got ${JSON.stringify(collect.interval)}`);
    intervalMs = DEFAULT_COLLECT_INTERVAL_MS;
  }
  const sources: SourceSpec[] = [];
  const firstUse = new Map<string, ValuePath>();
  (Array.isArray(collect.sources) ? collect.sources : []).forEach((item, index) => {
    const path: ValuePath = ['collect', 'sources', index];
    if (!isRecord(item) || typeof item.target !== 'string') return; // reported by the schema
    if (!checkSourceTarget(item.target, path, context, firstUse, issues)) return;
    const spec = normalizeSource(item, item.target, path, context.baseDir, issues);
    if (spec) sources.push(spec);
  });
  return { intervalMs, sources };
}

/** Whether the source's target name is usable; reports why not. */
function checkSourceTarget(
  target: string,
  path: ValuePath,
  context: CollectContext,
  firstUse: Map<string, ValuePath>,
  issues: IssueCollector,
): boolean {
  const at = [...path, 'target'];
  const problem = targetNameProblem(target);
  if (problem) issues.addUnlessReported(at, problem);
  if (context.launched.includes(target)) {
    issues.addUnlessReported(at, `${target} is started by this scenario and collected automatically; remove this source`);
    return false;
  }
  const first = firstUse.get(target);
  if (first) {
    issues.addUnlessReported(at, `target ${JSON.stringify(target)} already has a source (at ${formatPath(first)}); one source per target`);
    return false;
  }
  firstUse.set(target, path);
  return problem === undefined;
}

function normalizeSource(raw: RawObject, target: string, path: ValuePath, baseDir: string, issues: IssueCollector): SourceSpec | undefined {
  const kind = SOURCE_KINDS.find((known) => known === raw.source);
  if (!kind) return undefined; // reported by the schema, with a suggestion
  switch (kind) {
    case 'cgroup': {
      const key = exactlyOne(raw, ['path', 'pid', 'replicas'], kind, path, issues);
      if (key === 'path') return { source: kind, target, replicas: [{ replica: target, path: cgroupPathAt(issues, [...path, 'path'], raw.path) }] };
      if (key === 'pid') return { source: kind, target, replicas: [{ replica: target, pid: pidOf(raw.pid) }] };
      if (key === 'replicas') {
        const replicas = Object.entries(asRecord(raw.replicas)).map(([replica, value]) => ({
          replica,
          path: cgroupPathAt(issues, [...path, 'replicas', replica], value),
        }));
        return { source: kind, target, replicas };
      }
      return undefined;
    }
    case 'process': {
      const key = exactlyOne(raw, ['pid', 'pids'], kind, path, issues);
      const children = raw.children !== false;
      if (key === 'pid') return { source: kind, target, replicas: [{ replica: target, pid: pidOf(raw.pid) }], children };
      if (key === 'pids') {
        const replicas = Object.entries(asRecord(raw.pids)).map(([replica, value]) => ({ replica, pid: pidOf(value) }));
        return { source: kind, target, replicas, children };
      }
      return undefined;
    }
    case 'docker': {
      const names = stringsOf(raw.names);
      const labels = stringsOf(raw.labels);
      if (raw.names === undefined && raw.labels === undefined) {
        issues.addUnlessReported(path, 'a docker source needs "names" (container names) or "labels" (such as [app=api]), or both');
      }
      const socket = typeof raw.socket === 'string' ? localPath(raw.socket, baseDir) : DEFAULT_DOCKER_SOCKET;
      return { source: kind, target, socket, names, labels };
    }
    case 'kubernetes': {
      const spec: Extract<SourceSpec, { source: 'kubernetes' }> = { source: kind, target, namespace: String(raw.namespace ?? ''), selector: String(raw.selector ?? '') };
      if (typeof raw.kubeconfig === 'string') spec.kubeconfig = localPath(raw.kubeconfig, baseDir);
      if (typeof raw.context === 'string') spec.context = raw.context;
      return spec;
    }
    case 'prometheus': {
      const url = typeof raw.url === 'string' ? raw.url : '';
      const problem = httpUrlProblem(url);
      if (problem) issues.addUnlessReported([...path, 'url'], problem);
      return {
        source: kind,
        target,
        url,
        cpuQuery: typeof raw.cpuQuery === 'string' ? raw.cpuQuery : DEFAULT_PROMETHEUS_CPU_QUERY,
        memoryQuery: typeof raw.memoryQuery === 'string' ? raw.memoryQuery : DEFAULT_PROMETHEUS_MEMORY_QUERY,
        headers: textMapAt(issues, [...path, 'headers'], raw.headers),
      };
    }
  }
}

/** The one key of `keys` the source has; reports none or several. */
function exactlyOne(raw: RawObject, keys: string[], kind: SourceKind, path: ValuePath, issues: IssueCollector): string | undefined {
  const present = keys.filter((key) => raw[key] !== undefined);
  const listed = keys.map((key) => JSON.stringify(key)).join(', ').replace(/, (?=[^,]*$)/, ' or ');
  if (present.length === 0) issues.addUnlessReported(path, `a ${kind} source needs one of ${listed}`);
  if (present.length > 1) {
    issues.addUnlessReported([...path, present[1]!], `use one of ${listed}, not both "${present[0]}" and "${present[1]}"`, 'key');
  }
  return present.length === 1 ? present[0] : undefined;
}

/** cgroup paths are read under the cgroup root, so they are written from it: /system.slice/x.service. */
function cgroupPathAt(issues: IssueCollector, path: ValuePath, value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  if (typeof value === 'string' && !text.startsWith('/')) {
    issues.addUnlessReported(path, `a cgroup path starts with / (from the cgroup root), e.g. /system.slice/nginx.service; got ${JSON.stringify(text)}`);
  }
  return text;
}

/** The schema has checked the form: a whole number, or digits in a string (after ${env.X}). */
function pidOf(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** `~` is the home directory; anything else relative is relative to the scenario file. */
function localPath(text: string, baseDir: string): string {
  if (text === '~' || text.startsWith('~/')) return resolve(homedir(), text.slice(2));
  return resolve(baseDir, text);
}

function httpUrlProblem(text: string): string | undefined {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
  } catch {
    // falls through to the message
  }
  return `expected an http:// or https:// URL such as http://prometheus:9090, got ${JSON.stringify(text)}`;
}
