import { parseThreshold } from '../scenarios/language/threshold-expression.js';
import type { ThresholdExpression } from '../scenarios/language/threshold-expression.js';
import type { LatencySummary, RunSummary, TrafficSummary } from './summary-types.js';

export interface ThresholdVerdict {
  expression: string;
  passed: boolean;
  /** The measured value in the expression's unit (ms, ratio, per second, count). */
  actual: number | null;
  actualText: string;
}

/**
 * Checks threshold expressions against a run summary. An expression whose scope names a step or
 * phase that never ran fails: a gate must not pass because the thing it guards was not measured.
 */
export function evaluateThresholds(summary: RunSummary, expressions: readonly string[]): ThresholdVerdict[] {
  return expressions.map((text) => evaluate(summary, parseThreshold(text)));
}

function evaluate(summary: RunSummary, threshold: ThresholdExpression): ThresholdVerdict {
  const scoped = scopeOf(summary, threshold);
  if (scoped === undefined) {
    return { expression: threshold.text, passed: false, actual: null, actualText: `no ${threshold.scope?.kind} named "${threshold.scope?.name}" in this run` };
  }
  const actual = measure(scoped, threshold, summary);
  if (actual === null) return { expression: threshold.text, passed: false, actual, actualText: 'no data' };
  return { expression: threshold.text, passed: compare(actual, threshold.op, threshold.value), actual, actualText: format(actual, threshold.unit) };
}

type Scoped = TrafficSummary & { dropped?: number; iterations?: { started: number; dropped: number } };

function scopeOf(summary: RunSummary, threshold: ThresholdExpression): Scoped | undefined {
  if (threshold.scope === undefined) return summary.overall;
  if (threshold.scope.kind === 'step') return summary.steps[threshold.scope.name];
  return summary.phases.find((p) => p.name === threshold.scope!.name);
}

function measure(scoped: Scoped, threshold: ThresholdExpression, summary: RunSummary): number | null {
  switch (threshold.metric) {
    case 'errors':
      return scoped.requests === 0 ? null : threshold.unit === 'count' ? scoped.errors : scoped.errorRate;
    case 'rps':
      return scoped.rps;
    case 'dropped': {
      const iterations = scoped.iterations ?? summary.overall.iterations;
      if (threshold.unit === 'count') return iterations.dropped;
      const due = iterations.started + iterations.dropped;
      return due === 0 ? null : iterations.dropped / due;
    }
    default:
      return scoped.requests === 0 ? null : scoped.latency[threshold.metric as keyof LatencySummary];
  }
}

function compare(actual: number, op: ThresholdExpression['op'], limit: number): boolean {
  switch (op) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return actual === limit;
  }
}

function format(value: number, unit: ThresholdExpression['unit']): string {
  switch (unit) {
    case 'ms':
      return `${value.toFixed(2)} ms`;
    case 'ratio':
      return `${(value * 100).toFixed(3)}%`;
    case 'per_second':
      return `${value.toFixed(1)}/s`;
    case 'count':
      return String(value);
  }
}
