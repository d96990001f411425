// Turns a raw scenario value (already env-interpolated and schema-checked) into the normalised Scenario:
// defaults filled, durations in ms, sizes in bytes, paths absolute, feeder rows loaded, references to
// launched targets resolved (targets:, collect:, faults: and a `target:` naming one). It also runs the
// checks a JSON schema cannot express. It never stops at the first problem: every issue goes to the
// collector and a best-effort Scenario is returned; the caller throws if anything was reported.

import { resolve } from 'node:path';
import type { EnvironmentSpec } from '../environment-model.js';
import type { AbortRule, FeederOrder, FeederSpec, FlowSpec, HttpOptions, PhaseSpec, RequestDefaults, Scenario } from '../model.js';
import { loadFeederRows } from './feeders.js';
import type { IssueCollector } from './issue-collector.js';
import { didYouMean } from './nearest-key.js';
import { asRecord, durationAt, integerOr, isRecord, parseAt, stringOr, textMapAt } from './normalize-fields.js';
import { normalizeCapacityPlan } from './normalize-capacity-plan.js';
import { normalizeCollect } from './normalize-collect.js';
import { normalizeFaults } from './normalize-faults.js';
import { normalizePhases } from './normalize-phases.js';
import { FlowStepContext, normalizeSteps } from './normalize-steps.js';
import { normalizeTargets } from './normalize-targets.js';
import { parseSize } from './size.js';
import { parseDuration } from './duration.js';
import { parseThreshold } from './threshold-expression.js';
import type { ThresholdScope } from './threshold-expression.js';
import { formatPath, type ValuePath } from './value-path.js';

export const DEFAULT_HTTP: HttpOptions = { connections: 64, pipelining: 1, maxBodyBytes: 1024 * 1024 };
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_GRACEFUL_STOP_MS = 5_000;

export interface NormalizeOptions {
  /** Absolute path of the scenario file ('' when built in code). */
  file: string;
  /** Directory feeder file paths are relative to. */
  baseDir: string;
  /** `--target`, which replaces the file's target. */
  targetOverride?: string;
}

export function normalizeScenario(raw: unknown, options: NormalizeOptions, issues: IssueCollector): Scenario {
  const root = asRecord(raw);
  const flowSteps: string[] = [];
  const flows = normalizeFlows(root.flows, issues, flowSteps);
  const phases = normalizePhases(root.phases, issues);
  const environment = normalizeEnvironment(root, options.baseDir, phases, issues);
  const { target, targetRef } = normalizeTarget(root.target, options.targetOverride, Object.keys(asRecord(root.targets)), issues);
  const scenario: Scenario = {
    name: stringOr(root.name, ''),
    file: options.file,
    target,
    http: normalizeHttp(asRecord(root.http), issues),
    defaults: normalizeDefaults(asRecord(root.defaults), issues),
    data: normalizeFeeders(root.data, options.baseDir, issues),
    flows,
    phases,
    ...normalizeThresholds(
      root.thresholds,
      { steps: flowSteps, phases: phases.map((p) => p.name), flows: flows.map((f) => f.name), targets: sampledTargets(root) },
      issues,
    ),
    gracefulStopMs: durationAt(issues, ['gracefulStop'], root.gracefulStop, false) ?? DEFAULT_GRACEFUL_STOP_MS,
    environment,
  };
  if (targetRef !== undefined) scenario.targetRef = targetRef;
  const capacity = normalizeCapacityPlan(root.capacity, { rawPhases: root.phases, phases, targets: environment.targets, targetRef }, issues);
  if (capacity !== undefined) scenario.capacity = capacity;
  return scenario;
}

/** targets:, collect: and faults:, in that order: each checks its names against the ones before. */
function normalizeEnvironment(root: Record<string, unknown>, baseDir: string, phases: PhaseSpec[], issues: IssueCollector): EnvironmentSpec {
  const targets = normalizeTargets(root.targets, baseDir, issues);
  const declared = Object.keys(asRecord(root.targets));
  const collect = normalizeCollect(root.collect, { baseDir, launched: declared }, issues);
  const collected = collectedTargets(root);
  // With a phase dropped or without a duration (already reported), the end of the load is unknown.
  const complete = phases.length === asArray(root.phases).length && phases.every((phase) => phase.durationMs > 0);
  const loadEndMs = complete ? phases.reduce((sum, phase) => sum + phase.durationMs, 0) : 0;
  const faults = normalizeFaults(root.faults, { targets, declared, collected, loadEndMs }, issues);
  return { targets, collect, faults };
}

/** Why `text` cannot be a target, or undefined if it can. */
export function targetProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `expected an absolute http:// or https:// URL, got ${JSON.stringify(text)}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `expected an http:// or https:// URL, got ${JSON.stringify(text)} (${url.protocol.slice(0, -1)})`;
  }
  return undefined;
}

/** `target:` is a URL, or the name of a launched target whose replicas the run fills in as `target`. */
function normalizeTarget(
  raw: unknown,
  override: string | undefined,
  launched: string[],
  issues: IssueCollector,
): { target: string; targetRef?: string } {
  if (override !== undefined) {
    const problem = targetProblem(override);
    if (problem) issues.addUnpositioned('--target', problem);
    return { target: override };
  }
  if (raw === undefined) {
    issues.addUnlessReported([], 'missing "target": set it in the scenario or pass --target');
    return { target: '' };
  }
  if (typeof raw !== 'string') return { target: '' };
  const problem = targetProblem(raw);
  if (!problem) return { target: raw };
  if (launched.includes(raw)) return { target: '', targetRef: raw };
  issues.addUnlessReported(['target'], launched.length > 0 && !URL.canParse(raw) ? targetNameHint(raw, launched) : problem);
  return { target: raw };
}

function targetNameHint(raw: string, launched: string[]): string {
  return `expected an absolute http:// or https:// URL or the name of a target under targets: (known: ${launched.join(', ')}), got ${JSON.stringify(raw)}${didYouMean(raw, launched)}`;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function normalizeHttp(raw: Record<string, unknown>, issues: IssueCollector): HttpOptions {
  return {
    connections: integerOr(raw.connections, DEFAULT_HTTP.connections),
    pipelining: integerOr(raw.pipelining, DEFAULT_HTTP.pipelining),
    maxBodyBytes: parseAt(issues, ['http', 'maxBodySize'], raw.maxBodySize, parseSize) ?? DEFAULT_HTTP.maxBodyBytes,
  };
}

function normalizeDefaults(raw: Record<string, unknown>, issues: IssueCollector): RequestDefaults {
  return {
    headers: textMapAt(issues, ['defaults', 'headers'], raw.headers),
    timeoutMs: durationAt(issues, ['defaults', 'timeout'], raw.timeout, true) ?? DEFAULT_TIMEOUT_MS,
  };
}

function normalizeFeeders(raw: unknown, baseDir: string, issues: IssueCollector): Record<string, FeederSpec> {
  const feeders: Record<string, FeederSpec> = {};
  for (const [name, value] of Object.entries(asRecord(raw))) {
    if (!isRecord(value) || typeof value.file !== 'string') continue;
    const file = resolve(baseDir, value.file);
    const order = (typeof value.order === 'string' ? value.order : 'sequential') as FeederOrder;
    let rows: FeederSpec['rows'] = [];
    try {
      rows = loadFeederRows(file);
    } catch (error) {
      issues.addUnlessReported(['data', name, 'file'], (error as Error).message);
    }
    feeders[name] = { name, file, order, rows };
  }
  return feeders;
}

function normalizeFlows(raw: unknown, issues: IssueCollector, allStepNames: string[]): FlowSpec[] {
  if (!Array.isArray(raw)) return [];
  const firstUse = new Map<string, ValuePath>();
  return raw.map((item, index): FlowSpec => {
    const path: ValuePath = ['flows', index];
    const flow = asRecord(item);
    const explicit = typeof flow.name === 'string';
    const name = explicit ? (flow.name as string) : `flow-${index + 1}`;
    const first = firstUse.get(name);
    if (first) issues.addUnlessReported(explicit ? [...path, 'name'] : path, `duplicate flow name ${JSON.stringify(name)} (also at ${formatPath(first)})`);
    else firstUse.set(name, path);
    const context = new FlowStepContext(name, issues);
    const steps = normalizeSteps(flow.steps, [...path, 'steps'], context);
    allStepNames.push(...context.stepNames);
    return { name, weight: typeof flow.weight === 'number' && flow.weight > 0 ? flow.weight : 1, steps };
  });
}

/**
 * Thresholds stay strings in the model; here they are parsed once so a typo fails at load time, with
 * the column inside the expression. An object entry adds abortOnFail.
 */
function normalizeThresholds(raw: unknown, context: ThresholdContext, issues: IssueCollector): { thresholds: string[]; abortOnFail: AbortRule[] } {
  const thresholds: string[] = [];
  const abortOnFail: AbortRule[] = [];
  if (!Array.isArray(raw)) return { thresholds, abortOnFail };
  raw.forEach((entry, index) => {
    const path = ['thresholds', index];
    const object = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : undefined;
    const text = typeof entry === 'string' ? entry : object?.threshold;
    if (typeof text !== 'string') return;
    const textPath = object ? [...path, 'threshold'] : path;
    thresholds.push(text);
    try {
      const expression = parseThreshold(text);
      const missing = missingScope(expression.scope, context);
      if (missing !== undefined) issues.addUnlessReported(textPath, `threshold ${JSON.stringify(text)}: ${missing}`);
      if (object?.abortOnFail === true) {
        if (expression.scope?.kind === 'target') issues.addUnlessReported([...path, 'abortOnFail'], 'abortOnFail watches request metrics during the run; a target metric is judged when the run ends');
        abortOnFail.push({ expression: text, delayS: object.delayAbortEval === undefined ? 0 : parseDuration(object.delayAbortEval as string | number) / 1000 });
      }
    } catch (error) {
      issues.addUnlessReported(textPath, (error as Error).message);
    }
  });
  return { thresholds, abortOnFail };
}

/** Targets whose resources a run samples: the ones it launches and the ones collect: names. */
function sampledTargets(root: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(asRecord(root.targets)), ...collectedTargets(root)])];
}

function collectedTargets(root: Record<string, unknown>): string[] {
  const sources: unknown[] = asArray(asRecord(root.collect).sources);
  return sources.flatMap((source) => (isRecord(source) && typeof source.target === 'string' ? [source.target] : []));
}

interface ThresholdContext {
  steps: string[];
  phases: string[];
  flows: string[];
  targets: string[];
}

function missingScope(scope: ThresholdScope | undefined, context: ThresholdContext): string | undefined {
  if (scope === undefined) return undefined;
  const known = { step: context.steps, phase: context.phases, flow: context.flows, target: context.targets }[scope.kind];
  if (scope.kind === 'target' && !known.includes(scope.name)) {
    return `no target named ${JSON.stringify(scope.name)} is launched (targets:) or sampled (collect:)${didYouMean(scope.name, known)}`;
  }
  return known.includes(scope.name) ? undefined : `no ${scope.kind} named ${JSON.stringify(scope.name)}${didYouMean(scope.name, known)}`;
}
