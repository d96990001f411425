// Threshold expressions: "p99<250ms", "errors<1%", "step:login.p95<=300ms", "phase:peak.rps>=190".
// Grammar: [scope.]metric op value, where scope is step:<name> or phase:<name>. Values are normalised
// to one unit per metric family (ms, ratio, per second, count) so gates compare numbers only.

import { DURATION_HINT, parseDuration } from './duration.js';
import { didYouMean } from './nearest-key.js';
import { parseRate, RATE_HINT } from './rate.js';

export const LATENCY_METRICS = ['p50', 'p75', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean'] as const;
export const THRESHOLD_METRICS = [...LATENCY_METRICS, 'errors', 'rps', 'dropped'] as const;
export const THRESHOLD_OPERATORS = ['<', '<=', '>', '>=', '=='] as const;

export type ThresholdMetric = (typeof THRESHOLD_METRICS)[number];
export type ThresholdOperator = (typeof THRESHOLD_OPERATORS)[number];
export type ThresholdUnit = 'ms' | 'ratio' | 'per_second' | 'count';

export interface ThresholdScope {
  kind: 'step' | 'phase';
  name: string;
}

export interface ThresholdExpression {
  /** Absent: the whole run. */
  scope?: ThresholdScope;
  metric: ThresholdMetric;
  op: ThresholdOperator;
  value: number;
  unit: ThresholdUnit;
  /** The expression as written. */
  text: string;
}

const GRAMMAR = '[step:<name>.|phase:<name>.]<metric> <op> <value>, e.g. "p99<250ms" or "step:login.errors<1%"';

// The scope name is greedy and may contain dots; the metric after the last matching dot is taken, with
// backtracking so that "step:a.b.p99.9<1s" reads as step "a.b", metric "p99.9".
const EXPRESSION = /^(?:(step|phase):(.+)\.)?(p\d+(?:\.\d+)?|[a-z]+)\s*(<=|>=|==|<|>)\s*(\S.*)$/;
const PERCENT = /^(\d+(?:\.\d+)?)\s*%$/;
const NUMBER = /^\d+(?:\.\d+)?$/;

/** Parses one threshold; throws an Error whose message names the expression and what was expected. */
export function parseThreshold(text: string): ThresholdExpression {
  const fail = (reason: string): never => {
    throw new Error(`threshold ${JSON.stringify(text)}: ${reason}`);
  };
  const trimmed = text.trim();
  const match = EXPRESSION.exec(trimmed);
  if (!match) {
    const scopeKind = /^([A-Za-z]+):/.exec(trimmed)?.[1];
    if (scopeKind && scopeKind !== 'step' && scopeKind !== 'phase') {
      fail(`unknown scope "${scopeKind}:"${didYouMean(scopeKind, ['step', 'phase'])}; use step:<name>. or phase:<name>.`);
    }
    fail(`expected ${GRAMMAR}`);
  }
  const [, kind, name, metricText, op, valueText] = match as unknown as [string, string | undefined, string | undefined, string, ThresholdOperator, string];
  const metric = THRESHOLD_METRICS.find((known) => known === metricText);
  if (!metric) fail(`unknown metric "${metricText}"${didYouMean(metricText, THRESHOLD_METRICS)} (expected one of ${THRESHOLD_METRICS.join(', ')})`);
  const { value, unit } = parseValue(metric!, valueText.trim(), fail);
  const expression: ThresholdExpression = { metric: metric!, op, value, unit, text };
  if (kind && name) expression.scope = { kind: kind as ThresholdScope['kind'], name };
  return expression;
}

function parseValue(metric: ThresholdMetric, text: string, fail: (reason: string) => never): { value: number; unit: ThresholdUnit } {
  if ((LATENCY_METRICS as readonly string[]).includes(metric)) {
    try {
      return { value: parseDuration(text), unit: 'ms' };
    } catch {
      return fail(`${metric} needs ${DURATION_HINT}, got "${text}"`);
    }
  }
  const percent = PERCENT.exec(text);
  switch (metric) {
    case 'errors': {
      const ratio = percent ? Number(percent[1]) / 100 : NUMBER.test(text) ? Number(text) : NaN;
      if (!(ratio >= 0 && ratio <= 1)) fail(`errors needs a percentage such as 1% or 0.1%, or a fraction from 0 to 1, got "${text}"`);
      return { value: ratio, unit: 'ratio' };
    }
    case 'dropped': {
      if (percent) {
        const ratio = Number(percent[1]) / 100;
        if (ratio > 1) fail(`dropped percentage must be at most 100%, got "${text}"`);
        return { value: ratio, unit: 'ratio' };
      }
      if (!/^\d+$/.test(text)) fail(`dropped needs a count such as 0 or 10, or a percentage such as 1%, got "${text}"`);
      return { value: Number(text), unit: 'count' };
    }
    default:
      try {
        return { value: parseRate(text), unit: 'per_second' };
      } catch {
        return fail(`rps needs ${RATE_HINT}, got "${text}"`);
      }
  }
}
