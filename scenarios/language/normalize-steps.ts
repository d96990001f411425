// Normalises the steps of one flow: request steps (with their captures and checks), loops and bare pauses.
// Step names become metric names, so they are checked for uniqueness across the whole flow, loops included.

import type { RequestSpec, RequestStep, StepSpec, ThinkSpec } from '../model.js';
import type { IssueCollector } from './issue-collector.js';
import {
  asRecord,
  checkTemplateAt,
  checkTemplatesIn,
  durationAt,
  integerOr,
  isRecord,
  stringOr,
  textMapAt,
  type RawObject,
} from './normalize-fields.js';
import { normalizeCaptures } from './normalize-captures.js';
import { normalizeCheck } from './normalize-checks.js';
import { formatPath, type ValuePath } from './value-path.js';

/** Per-flow state: names seen so far (for duplicates) and a counter for default loop names. */
export class FlowStepContext {
  private readonly names = new Map<string, ValuePath>();
  private loops = 0;

  constructor(
    readonly flowName: string,
    readonly issues: IssueCollector,
  ) {}

  claimName(name: string, stepPath: ValuePath, explicit: boolean): void {
    const first = this.names.get(name);
    if (first === undefined) {
      this.names.set(name, stepPath);
      return;
    }
    const where = explicit ? [...stepPath, 'name'] : stepPath;
    this.issues.addUnlessReported(
      where,
      `duplicate step name ${JSON.stringify(name)} in flow ${JSON.stringify(this.flowName)} (also at ${formatPath(first)}); step names must be unique within a flow`,
    );
  }

  nextLoopName(): string {
    return `loop-${++this.loops}`;
  }

  get stepNames(): string[] {
    return [...this.names.keys()];
  }
}

const REQUEST_ONLY_KEYS = ['request', 'capture', 'check'] as const;

export function normalizeSteps(raw: unknown, path: ValuePath, context: FlowStepContext): StepSpec[] {
  if (!Array.isArray(raw)) return [];
  const steps: StepSpec[] = [];
  raw.forEach((item, index) => {
    const step = normalizeStep(item, [...path, index], context);
    if (step) steps.push(step);
  });
  return steps;
}

function normalizeStep(raw: unknown, path: ValuePath, context: FlowStepContext): StepSpec | undefined {
  if (!isRecord(raw)) return undefined;
  const { issues } = context;
  const isLoop = 'loop' in raw || 'steps' in raw;
  if (isLoop) {
    for (const key of [...REQUEST_ONLY_KEYS, 'think'] as const) {
      if (key in raw) issues.addUnlessReported([...path, key], `"${key}" does not apply to a loop step; put it on a step inside "steps"`, 'key');
    }
    if (!('loop' in raw)) issues.addUnlessReported(path, 'a loop step needs "loop" (how many times to repeat "steps")');
    if (!('steps' in raw)) issues.addUnlessReported(path, 'a loop step needs "steps" (the steps to repeat)');
    const explicit = typeof raw.name === 'string';
    const name = explicit ? (raw.name as string) : context.nextLoopName();
    context.claimName(name, path, explicit);
    return { kind: 'loop', name, count: integerOr(raw.loop, 1), steps: normalizeSteps(raw.steps, [...path, 'steps'], context) };
  }
  if ('request' in raw) return normalizeRequestStep(raw, path, context);
  if ('think' in raw) {
    for (const key of REQUEST_ONLY_KEYS) {
      if (key in raw) issues.addUnlessReported([...path, key], `"${key}" needs a "request" in the same step`, 'key');
    }
    const think = thinkAt(issues, [...path, 'think'], raw.think);
    return think ? { kind: 'think', think } : undefined;
  }
  issues.addUnlessReported(path, 'a step needs "request", "loop" with "steps", or "think"');
  return undefined;
}

function normalizeRequestStep(raw: RawObject, path: ValuePath, context: FlowStepContext): RequestStep | undefined {
  const { issues } = context;
  const request = normalizeRequest(asRecord(raw.request), [...path, 'request'], issues);
  const explicit = typeof raw.name === 'string';
  const name = explicit ? (raw.name as string) : `${request.method} ${request.url}`;
  context.claimName(name, path, explicit);
  const step: RequestStep = {
    kind: 'request',
    name,
    request,
    capture: normalizeCaptures(raw.capture, [...path, 'capture'], issues),
    check: normalizeCheck(asRecord(raw.check), [...path, 'check'], issues),
  };
  const think = thinkAt(issues, [...path, 'think'], raw.think);
  if (think) step.think = think;
  return step;
}

function normalizeRequest(raw: RawObject, path: ValuePath, issues: IssueCollector): RequestSpec {
  const url = stringOr(raw.url, '');
  checkTemplateAt(issues, [...path, 'url'], url);
  const request: RequestSpec = {
    method: stringOr(raw.method, 'GET').toUpperCase(),
    url,
    headers: textMapAt(issues, [...path, 'headers'], raw.headers),
    query: textMapAt(issues, [...path, 'query'], raw.query),
  };
  if ('json' in raw && 'body' in raw) {
    issues.addUnlessReported([...path, 'body'], 'use either "json" or "body", not both', 'key');
  }
  if ('json' in raw) {
    request.json = raw.json;
    checkTemplatesIn(issues, [...path, 'json'], raw.json);
  }
  if (typeof raw.body === 'string') {
    request.body = raw.body;
    checkTemplateAt(issues, [...path, 'body'], raw.body);
  }
  const timeoutMs = durationAt(issues, [...path, 'timeout'], raw.timeout, true);
  if (timeoutMs !== undefined) request.timeoutMs = timeoutMs;
  return request;
}

export function thinkAt(issues: IssueCollector, path: ValuePath, raw: unknown): ThinkSpec | undefined {
  if (isRecord(raw)) {
    const minMs = durationAt(issues, [...path, 'min'], raw.min, false);
    const maxMs = durationAt(issues, [...path, 'max'], raw.max, false);
    if (minMs === undefined || maxMs === undefined) return undefined;
    if (minMs > maxMs) issues.addUnlessReported(path, `min (${String(raw.min)}) is longer than max (${String(raw.max)})`);
    return { minMs, maxMs };
  }
  const ms = durationAt(issues, path, raw, false);
  return ms === undefined ? undefined : { minMs: ms, maxMs: ms };
}
