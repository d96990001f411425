// Threshold expressions: "p99<250ms", "errors<0.1%", "rps>=900", "step:checkout.p95<400ms",
// "phase:peak.p99<300ms", "flow:buy.errors<1%", "target:kv.cpu.p95<0.8", "p99[30s]<300ms".
// Grammar: [scope.]metric[window] op value, where scope is step:, phase:, flow: or target:<name> and
// window is a duration in brackets (the gate must hold over every window of that length, not only
// over the whole run). Values are normalised to one unit per metric family so gates compare numbers.
// A malformed expression is rejected with the column where it goes wrong.

import { DURATION_HINT, parseDuration } from './duration.js';
import { didYouMean } from './nearest-key.js';
import { CPU_HINT, MEMORY_HINT, parseCpu, parseMemory } from './quantity.js';
import { parseRate, RATE_HINT } from './rate.js';

export const LATENCY_METRICS = ['p50', 'p75', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean'] as const;
export const TRAFFIC_METRICS = [...LATENCY_METRICS, 'errors', 'rps', 'dropped'] as const;
export const TARGET_METRICS = ['cpu.avg', 'cpu.p95', 'cpu.max', 'throttled', 'memory.p95', 'memory.max', 'oomKills'] as const;
export const THRESHOLD_OPERATORS = ['<', '<=', '>', '>=', '=='] as const;
export const SCOPE_KINDS = ['step', 'phase', 'flow', 'target'] as const;

export type TrafficMetric = (typeof TRAFFIC_METRICS)[number];
export type TargetMetric = (typeof TARGET_METRICS)[number];
export type ThresholdMetric = TrafficMetric | TargetMetric;
export type ThresholdOperator = (typeof THRESHOLD_OPERATORS)[number];
export type ThresholdUnit = 'ms' | 'ratio' | 'per_second' | 'count' | 'cores' | 'bytes';
export type ScopeKind = (typeof SCOPE_KINDS)[number];

export interface ThresholdScope {
  kind: ScopeKind;
  name: string;
}

export interface ThresholdExpression {
  /** Absent: the whole run. */
  scope?: ThresholdScope;
  metric: ThresholdMetric;
  /** Sliding window length in seconds: the gate must hold over every window, not only the whole run. */
  windowS?: number;
  op: ThresholdOperator;
  value: number;
  unit: ThresholdUnit;
  /** The expression as written. */
  text: string;
}

export const THRESHOLD_GRAMMAR = '[step:|phase:|flow:|target:<name>.]<metric>[[<window>]] <op> <value>, e.g. "p99<250ms", "p99[30s]<300ms" or "step:login.errors<1%"';

/** A malformed expression: `column` (1-based, within the expression) is where it goes wrong. */
export class ThresholdSyntaxError extends Error {
  constructor(readonly expression: string, readonly column: number, readonly reason: string) {
    super(`threshold ${JSON.stringify(expression)}, column ${column}: ${reason}`);
    this.name = 'ThresholdSyntaxError';
  }

  /** The expression with a caret under the column, for a terminal. */
  pointer(): string {
    return `  ${this.expression}\n  ${' '.repeat(Math.max(0, this.column - 1))}^`;
  }
}

const OPERATORS = /<=|>=|==|<|>|=/g;

/** Parses one threshold; throws a ThresholdSyntaxError naming the column and what was expected. */
export function parseThreshold(text: string): ThresholdExpression {
  const fail = (column: number, reason: string): never => {
    throw new ThresholdSyntaxError(text, column, reason);
  };
  const start = text.length - text.trimStart().length;
  const body = text.trim();
  if (body === '') fail(1, `empty; expected ${THRESHOLD_GRAMMAR}`);

  // The last comparison splits the expression: values never contain one, names (of steps) may.
  const opMatch = [...body.matchAll(OPERATORS)].pop();
  if (!opMatch) fail(start + body.length + 1, `no comparison; expected ${THRESHOLD_GRAMMAR}`);
  const opColumn = start + opMatch!.index! + 1;
  const op = opMatch![0] as ThresholdOperator;
  if ((op as string) === '=') fail(opColumn, 'use == for equality (or <, <=, >, >=)');
  const left = body.slice(0, opMatch!.index);
  const right = body.slice(opMatch!.index! + op.length);
  const valueText = right.trim();
  const valueColumn = opColumn + op.length + (right.length - right.trimStart().length);
  if (valueText === '') fail(valueColumn, `expected a value after "${op}"`);
  if (/[<>=]\s*$/.test(left)) fail(start + left.trimEnd().length, `two comparisons in a row; expected a metric, then one of ${THRESHOLD_OPERATORS.join(' ')}, then a value`);

  const { scope, metric, windowText, windowColumn } = parseReference(left.trimEnd(), start + 1, fail);
  const expression: ThresholdExpression = { metric, op, ...parseValue(metric, valueText, valueColumn, fail), text };
  if (scope !== undefined) expression.scope = scope;
  if (windowText !== undefined) expression.windowS = parseWindow(windowText, windowColumn, scope, fail);
  // Keep the field order stable for deep equality: scope, metric, windowS, op, value, unit, text.
  return reorder(expression);
}

export interface MetricReference {
  scope?: ThresholdScope;
  metric: ThresholdMetric;
}

/**
 * Parses "[scope.]metric" alone, as regression limits write it ("step:checkout.p95:+10%"); `column`
 * is where `text` starts in the caller's expression, for errors. Windows are not allowed here.
 */
export function parseMetricReference(text: string, column: number, fail: (column: number, reason: string) => never): MetricReference {
  const { scope, metric, windowText, windowColumn } = parseReference(text, column, fail);
  if (windowText !== undefined) fail(windowColumn - 1, 'a window has no meaning here');
  return scope === undefined ? { metric } : { scope, metric };
}

function parseReference(text: string, column: number, fail: (column: number, reason: string) => never): Omit<LeftParts, 'metricText' | 'metricColumn'> & { metric: ThresholdMetric } {
  const parts = splitLeft(text, column, fail);
  const metric = resolveMetric(parts.scope, parts.metricText, parts.metricColumn, fail);
  if (metric === 'dropped' && (parts.scope?.kind === 'step' || parts.scope?.kind === 'flow')) {
    fail(parts.metricColumn, 'dropped iterations are counted per run and per phase, not per step or flow');
  }
  const { metricText: _text, metricColumn: _column, ...rest } = parts;
  return { ...rest, metric };
}

interface LeftParts {
  scope?: ThresholdScope;
  metricText: string;
  metricColumn: number;
  windowText?: string;
  windowColumn: number;
}

function splitLeft(left: string, column: number, fail: (column: number, reason: string) => never): LeftParts {
  let rest = left;
  let windowText: string | undefined;
  let windowColumn = 0;
  const windowMatch = /\[([^\]]*)\]$/.exec(rest);
  if (windowMatch) {
    windowText = windowMatch[1]!;
    windowColumn = column + windowMatch.index + 1;
    rest = rest.slice(0, windowMatch.index);
  } else if (rest.includes('[') || rest.endsWith(']')) {
    const at = rest.includes('[') ? rest.lastIndexOf('[') : rest.length - 1;
    fail(column + at, 'a window is written in brackets right after the metric, e.g. p99[30s]');
  }

  const scopeMatch = /^([A-Za-z]+):/.exec(rest);
  if (!scopeMatch) {
    if (rest === '') fail(column, `expected a metric before the comparison; ${THRESHOLD_GRAMMAR}`);
    return { metricText: rest, metricColumn: column, windowText, windowColumn };
  }
  const kind = scopeMatch[1]!;
  if (!(SCOPE_KINDS as readonly string[]).includes(kind)) {
    fail(column, `unknown scope "${kind}:"${didYouMean(kind, SCOPE_KINDS)}; use step:, phase:, flow: or target:<name>.`);
  }
  const scoped = rest.slice(scopeMatch[0].length);
  const metrics: readonly string[] = kind === 'target' ? TARGET_METRICS : TRAFFIC_METRICS;
  // The name may contain dots: take the longest known metric that ends the text after a dot.
  for (const metric of [...metrics].sort((a, b) => b.length - a.length)) {
    if (scoped.endsWith(`.${metric}`) && scoped.length > metric.length + 1) {
      const name = scoped.slice(0, scoped.length - metric.length - 1);
      return { scope: { kind: kind as ScopeKind, name }, metricText: metric, metricColumn: column + rest.length - metric.length, windowText, windowColumn };
    }
  }
  const dot = scoped.lastIndexOf('.');
  if (dot <= 0) fail(column + scopeMatch[0].length + Math.max(dot, 0), `expected ${kind}:<name>.<metric>, e.g. ${kind === 'target' ? 'target:kv.cpu.p95<0.8' : `${kind}:login.p95<300ms`}`);
  return {
    scope: { kind: kind as ScopeKind, name: scoped.slice(0, dot) },
    metricText: scoped.slice(dot + 1),
    metricColumn: column + scopeMatch[0].length + dot + 1,
    windowText,
    windowColumn,
  };
}

function resolveMetric(scope: ThresholdScope | undefined, text: string, column: number, fail: (column: number, reason: string) => never): ThresholdMetric {
  const known: readonly string[] = scope?.kind === 'target' ? TARGET_METRICS : TRAFFIC_METRICS;
  const metric = known.find((name) => name === text);
  if (metric !== undefined) return metric as ThresholdMetric;
  const other: readonly string[] = scope?.kind === 'target' ? TRAFFIC_METRICS : TARGET_METRICS;
  if (other.includes(text)) {
    fail(column, scope?.kind === 'target' ? `"${text}" is a request metric; target: takes ${TARGET_METRICS.join(', ')}` : `"${text}" is a resource metric: write target:<name>.${text}`);
  }
  return fail(column, `unknown metric "${text}"${didYouMean(text, known)} (expected one of ${known.join(', ')})`);
}

function parseWindow(text: string, column: number, scope: ThresholdScope | undefined, fail: (column: number, reason: string) => never): number {
  if (scope?.kind === 'target') fail(column - 1, 'windows apply to request metrics; a target metric is judged over the whole run');
  let ms: number;
  try {
    ms = parseDuration(text.trim());
  } catch {
    return fail(column, `the window needs ${DURATION_HINT}, got "${text}"`);
  }
  if (ms < 1000 || ms % 1000 !== 0) fail(column, `the window must be a whole number of seconds, at least 1s; got "${text}"`);
  return ms / 1000;
}

type ParsedValue = Pick<ThresholdExpression, 'value' | 'unit'>;

export const ERROR_RATIO_HINT = 'a percentage such as 1% or 0.1%, or a fraction from 0 to 1';

/** A share written as a percentage ("0.1%") or a fraction ("0.001"), as a ratio 0…1; null when it is neither. */
export function parseRatio(text: string): number | null {
  const percent = PERCENT.exec(text.trim());
  const ratio = percent ? Number(percent[1]) / 100 : NUMBER.test(text.trim()) ? Number(text.trim()) : NaN;
  return ratio >= 0 && ratio <= 1 ? ratio : null;
}

const PERCENT = /^(\d+(?:\.\d+)?)\s*%$/;
const NUMBER = /^\d+(?:\.\d+)?$/;

function parseValue(metric: ThresholdMetric, text: string, column: number, fail: (column: number, reason: string) => never): ParsedValue {
  const bad = (hint: string): never => fail(column, `${metric} needs ${hint}, got "${text}"`);
  if ((LATENCY_METRICS as readonly string[]).includes(metric)) {
    try {
      return { value: parseDuration(text), unit: 'ms' };
    } catch {
      return bad(DURATION_HINT);
    }
  }
  const percent = PERCENT.exec(text);
  switch (metric) {
    case 'errors':
      return { value: parseRatio(text) ?? bad(ERROR_RATIO_HINT), unit: 'ratio' };
    case 'throttled':
      return { value: parseRatio(text) ?? bad('a percentage of CFS periods such as 5%, or a fraction from 0 to 1'), unit: 'ratio' };
    case 'dropped': {
      if (percent) {
        const ratio = Number(percent[1]) / 100;
        if (ratio > 1) fail(column, `dropped percentage must be at most 100%, got "${text}"`);
        return { value: ratio, unit: 'ratio' };
      }
      if (!/^\d+$/.test(text)) bad('a count such as 0 or 10, or a percentage such as 1%');
      return { value: Number(text), unit: 'count' };
    }
    case 'oomKills':
      if (!/^\d+$/.test(text)) bad('a count such as 0');
      return { value: Number(text), unit: 'count' };
    case 'cpu.avg':
    case 'cpu.p95':
    case 'cpu.max':
      try {
        return { value: parseCpu(text), unit: 'cores' };
      } catch {
        return bad(CPU_HINT);
      }
    case 'memory.p95':
    case 'memory.max':
      try {
        return { value: parseMemory(text), unit: 'bytes' };
      } catch {
        return bad(MEMORY_HINT);
      }
    default:
      try {
        return { value: parseRate(text), unit: 'per_second' };
      } catch {
        return bad(RATE_HINT);
      }
  }
}

function reorder(e: ThresholdExpression): ThresholdExpression {
  const out: ThresholdExpression = {} as ThresholdExpression;
  if (e.scope !== undefined) out.scope = e.scope;
  out.metric = e.metric;
  if (e.windowS !== undefined) out.windowS = e.windowS;
  out.op = e.op;
  out.value = e.value;
  out.unit = e.unit;
  out.text = e.text;
  return out;
}
