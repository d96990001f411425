// Normalises `targets:`, the services the run starts itself. The schema has checked each key's type;
// this decides the kind (fixture or command), rejects keys of the other kind with a word on what that
// kind uses instead, parses Kubernetes quantities and fills defaults.

import { resolve } from 'node:path';
import { targetUrlReferences } from '../../fixtures/launcher/replica-templates.js';
import type { CommandTargetSpec, RaftTargetSpec, ResourceSpec, TargetSpec } from '../environment-model.js';
import { formatDuration } from './duration.js';
import type { IssueCollector } from './issue-collector.js';
import { didYouMean } from './nearest-key.js';
import { asRecord, checkTemplateAt, durationAt, integerOr, isRecord, parseAt, textMapAt, type RawObject } from './normalize-fields.js';
import { parseCpu, parseMemory } from './quantity.js';
import { isRole } from './replica-selector.js';
import type { ValuePath } from './value-path.js';

export const DEFAULT_RAFT = { nodes: 3, heartbeatMs: 100, electionMs: 1000 } as const;
export const DEFAULT_COMMAND = { replicas: 1, readyTimeoutMs: 30_000, url: 'http://{{host}}:{{port}}' } as const;

const MAX_TARGET_NAME = 20;
const TARGET_NAME = /^[a-z][a-z0-9-]*$/;

/** Keys only one kind of target has, and what to say when the other kind uses them. */
const COMMAND_ONLY: Record<string, string> = {
  command: 'a raft target runs the bundled cluster',
  env: '',
  cwd: '',
  replicas: 'a raft target has "nodes"',
  ready: '',
  readyTimeout: '',
  url: '',
};
const RAFT_ONLY: Record<string, string> = {
  nodes: 'a command target has "replicas"',
  heartbeat: '',
  election: '',
};

/**
 * Why `name` cannot name a target, or undefined. Target names end up in file names, cgroup names and
 * metric labels, so they are kept to what all three accept unquoted.
 */
export function targetNameProblem(name: string): string | undefined {
  if (!TARGET_NAME.test(name)) {
    return `target name ${JSON.stringify(name)} must start with a lowercase letter and hold only a-z, 0-9 and - (it is used in file names, cgroup names and metric labels)`;
  }
  if (name.length > MAX_TARGET_NAME) return `target name ${JSON.stringify(name)} is ${name.length} characters long; at most ${MAX_TARGET_NAME}`;
  if (isRole(name)) return `"${name}" is a replica role (leader, follower); choose another target name`;
  return undefined;
}

export function normalizeTargets(raw: unknown, baseDir: string, issues: IssueCollector): Record<string, TargetSpec> {
  const targets: Record<string, TargetSpec> = {};
  const declared = Object.keys(asRecord(raw));
  for (const [index, [name, value]] of Object.entries(asRecord(raw)).entries()) {
    const path: ValuePath = ['targets', name];
    const problem = targetNameProblem(name);
    if (problem) issues.addUnlessReported(path, problem, 'key');
    if (!isRecord(value)) continue; // reported by the schema
    const spec = normalizeTarget(name, value, path, baseDir, issues);
    if (spec) targets[name] = spec;
    if (spec?.kind === 'command') checkUrlReferences(spec, value, path, declared.slice(0, index), declared, issues);
  }
  return targets;
}

/**
 * `{{urls.<target>}}` must name a target declared above this one: targets launch in declaration
 * order, and a reference to one that is not up yet would otherwise surface only as a failed launch.
 */
function checkUrlReferences(spec: CommandTargetSpec, raw: RawObject, path: ValuePath, before: string[], declared: string[], issues: IssueCollector): void {
  const places: Array<[ValuePath, string]> = [
    ...spec.command.map((part, index): [ValuePath, string] => [[...path, 'command', index], part]),
    ...Object.entries(spec.env).map(([key, value]): [ValuePath, string] => [[...path, 'env', key], value]),
  ];
  if (spec.ready !== undefined) places.push([[...path, 'ready'], spec.ready]);
  for (const [at, text] of places) {
    for (const name of targetUrlReferences(text)) {
      if (before.includes(name)) continue;
      let message: string;
      if (name === spec.name) message = `{{urls.${name}}} names this target itself; a target can be told only where the targets declared above it listen`;
      else if (declared.includes(name)) {
        message = `{{urls.${name}}} names a target declared after "${spec.name}"; targets start in declaration order, so move "${name}" above "${spec.name}"`;
      } else {
        const known = before.length > 0 ? `targets declared above it: ${before.join(', ')}` : 'no target is declared above it';
        message = `{{urls.${name}}} names no target under targets: (${known})${didYouMean(name, before)}`;
      }
      issues.addUnlessReported(at, message);
    }
  }
  if (typeof raw.url === 'string' && targetUrlReferences(raw.url).length > 0) {
    issues.addUnlessReported([...path, 'url'], '{{urls.<target>}} is filled in command, env and ready; url is where this target itself is reached');
  }
}

function normalizeTarget(name: string, raw: RawObject, path: ValuePath, baseDir: string, issues: IssueCollector): TargetSpec | undefined {
  const isRaft = raw.fixture !== undefined;
  const isCommand = raw.command !== undefined;
  if (isRaft && isCommand) {
    issues.addUnlessReported([...path, 'command'], 'use either "fixture" or "command", not both', 'key');
    return undefined;
  }
  if (!isRaft && !isCommand) {
    issues.addUnlessReported(path, 'a target needs "fixture: raft" (the bundled Raft KV cluster) or "command" (a program to start, e.g. [node, server.js])');
    return undefined;
  }
  const foreign = isRaft ? COMMAND_ONLY : RAFT_ONLY;
  for (const key of Object.keys(raw)) {
    const hint = foreign[key];
    if (hint === undefined) continue;
    const message = `"${key}" is for ${isRaft ? 'command' : 'raft'} targets`;
    issues.addUnlessReported([...path, key], hint === '' ? message : `${message}; ${hint}`, 'key');
  }
  const base = {
    name,
    resources: normalizeResources(raw.resources, [...path, 'resources'], issues),
    network: raw.network === 'netns' ? ('netns' as const) : ('loopback' as const),
  };
  return isRaft ? raftTarget(base, raw, path, issues) : commandTarget(base, raw, path, baseDir, issues);
}

type TargetBase = Pick<RaftTargetSpec, 'name' | 'resources' | 'network'>;

function raftTarget(base: TargetBase, raw: RawObject, path: ValuePath, issues: IssueCollector): RaftTargetSpec {
  // An unknown fixture is reported by the schema (with the known ones); the target is still kept, so
  // faults and `target:` naming it are not reported as naming nothing.
  const heartbeatMs = durationAt(issues, [...path, 'heartbeat'], raw.heartbeat, true) ?? DEFAULT_RAFT.heartbeatMs;
  const electionMs = durationAt(issues, [...path, 'election'], raw.election, true) ?? DEFAULT_RAFT.electionMs;
  // Followers must hear from the leader a few times per election timeout, or elections never settle.
  if (electionMs <= 2 * heartbeatMs) {
    const explicit = raw.election !== undefined;
    issues.addUnlessReported(
      [...path, explicit ? 'election' : 'heartbeat'],
      `election (${formatDuration(electionMs)}${explicit ? '' : ' by default'}) must be longer than 2 × heartbeat (${formatDuration(heartbeatMs)})`,
    );
  }
  return { ...base, kind: 'raft', nodes: integerOr(raw.nodes, DEFAULT_RAFT.nodes), heartbeatMs, electionMs };
}

function commandTarget(base: TargetBase, raw: RawObject, path: ValuePath, baseDir: string, issues: IssueCollector): CommandTargetSpec {
  const command = Array.isArray(raw.command) ? raw.command.filter((part): part is string => typeof part === 'string') : [];
  command.forEach((part, index) => checkTemplateAt(issues, [...path, 'command', index], part));
  const spec: CommandTargetSpec = {
    ...base,
    kind: 'command',
    command,
    env: textMapAt(issues, [...path, 'env'], raw.env),
    cwd: resolve(baseDir, typeof raw.cwd === 'string' ? raw.cwd : '.'),
    replicas: integerOr(raw.replicas, DEFAULT_COMMAND.replicas),
    readyTimeoutMs: durationAt(issues, [...path, 'readyTimeout'], raw.readyTimeout, true) ?? DEFAULT_COMMAND.readyTimeoutMs,
    url: urlTemplateAt(issues, [...path, 'url'], raw.url) ?? DEFAULT_COMMAND.url,
  };
  const ready = urlTemplateAt(issues, [...path, 'ready'], raw.ready);
  if (ready !== undefined) spec.ready = ready;
  return spec;
}

/** A URL template: only the scheme can be checked before {{port}} is known. */
function urlTemplateAt(issues: IssueCollector, path: ValuePath, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  checkTemplateAt(issues, path, value);
  if (!/^https?:\/\//.test(value)) {
    issues.addUnlessReported(path, `expected an http:// or https:// URL such as http://127.0.0.1:{{port}}/health, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Short form { cpu, memory } sets limits only; long form { requests, limits } sets either or both. */
export function normalizeResources(raw: unknown, path: ValuePath, issues: IssueCollector): ResourceSpec {
  const resources: ResourceSpec = { limits: {}, requests: {} };
  if (!isRecord(raw)) return resources;
  const short = ['cpu', 'memory'].filter((key) => raw[key] !== undefined);
  const long = ['requests', 'limits'].filter((key) => raw[key] !== undefined);
  if (short.length > 0 && long.length > 0) {
    issues.addUnlessReported(
      [...path, long[0]!],
      `use either the short form { cpu, memory } (limits) or { requests, limits }, not both: "${short[0]}" is already set`,
      'key',
    );
    return resources;
  }
  if (short.length > 0) {
    resources.limits = quantitiesAt(issues, path, raw);
    return resources;
  }
  resources.requests = quantitiesAt(issues, [...path, 'requests'], asRecord(raw.requests));
  resources.limits = quantitiesAt(issues, [...path, 'limits'], asRecord(raw.limits));
  const requests = asRecord(raw.requests);
  const limits = asRecord(raw.limits);
  for (const [resource, field] of [['cpu', 'cpuCores'], ['memory', 'memoryBytes']] as const) {
    const request = resources.requests[field];
    const limit = resources.limits[field];
    if (request !== undefined && limit !== undefined && request > limit) {
      issues.addUnlessReported(
        [...path, 'requests', resource],
        `${resource} request ${String(requests[resource])} is above its limit ${String(limits[resource])}`,
      );
    }
  }
  return resources;
}

function quantitiesAt(issues: IssueCollector, path: ValuePath, raw: RawObject): { cpuCores?: number; memoryBytes?: number } {
  const quantities: { cpuCores?: number; memoryBytes?: number } = {};
  const cpuCores = positiveAt(issues, [...path, 'cpu'], raw.cpu, parseCpu);
  const memoryBytes = positiveAt(issues, [...path, 'memory'], raw.memory, parseMemory);
  if (cpuCores !== undefined) quantities.cpuCores = cpuCores;
  if (memoryBytes !== undefined) quantities.memoryBytes = memoryBytes;
  return quantities;
}

/** A quantity that must be more than nothing: a zero limit or squeeze would stop the process dead. */
export function positiveAt(issues: IssueCollector, path: ValuePath, value: unknown, parse: (value: string | number) => number): number | undefined {
  const parsed = parseAt(issues, path, value, parse);
  if (parsed === undefined) return undefined;
  if (parsed <= 0) {
    issues.addUnlessReported(path, `must be greater than 0, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return parsed;
}
