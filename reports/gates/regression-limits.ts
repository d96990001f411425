import { parseDuration } from '../../scenarios/language/duration.js';
import { parseCpu, parseMemory } from '../../scenarios/language/quantity.js';
import { parseRate } from '../../scenarios/language/rate.js';
import { LATENCY_METRICS, parseMetricReference, ThresholdSyntaxError } from '../../scenarios/language/threshold-expression.js';
import type { MetricReference, ThresholdUnit } from '../../scenarios/language/threshold-expression.js';

// Regression limits against a baseline summary: "p99:+10%,rps:-5%,errors:+0.5pp". A "+" limit says
// how far the metric may rise (latency, errors: higher is worse), a "-" limit how far it may fall
// (throughput). A "%" is relative to the baseline; any other unit is an absolute change in the
// metric's own terms: "p99:+20ms", "errors:+0.5pp" (percentage points), "rps:-50/s", "target:kv.cpu.p95:+100m".

export const DEFAULT_MAX_REGRESSION = 'p95:+10%,p99:+10%,errors:+0.5pp,rps:-5%';

export interface RegressionLimit {
  /** The limit as written, e.g. "p99:+10%". */
  text: string;
  reference: MetricReference;
  /** The metric's unit: what the baseline and current values are in. */
  unit: ThresholdUnit;
  /** 'up': the metric may rise by at most `amount`; 'down': fall by at most `amount`. */
  direction: 'up' | 'down';
  /** A fraction of the baseline when relative, else in `unit`. */
  amount: number;
  relative: boolean;
}

const ITEM_HINT = 'write <metric>:+<change> or <metric>:-<change>, e.g. "p99:+10%", "rps:-5%", "errors:+0.5pp", "p95:+20ms"';

/** Parses a comma-separated list of limits; errors name the column within the whole list. */
export function parseRegressionLimits(text: string): RegressionLimit[] {
  const fail = (column: number, reason: string): never => {
    throw new ThresholdSyntaxError(text, column, reason);
  };
  const limits: RegressionLimit[] = [];
  let offset = 0;
  for (const raw of text.split(',')) {
    const leading = raw.length - raw.trimStart().length;
    const item = raw.trim();
    const column = offset + leading + 1;
    offset += raw.length + 1;
    if (item === '') fail(column, `an empty limit; ${ITEM_HINT}`);
    const colon = item.lastIndexOf(':');
    const change = colon < 0 ? '' : item.slice(colon + 1).trim();
    if (colon < 0 || !/^[+-]/.test(change)) fail(colon < 0 ? column : column + colon + 1, `a limit needs a signed change after the last ":"; ${ITEM_HINT}`);
    const reference = parseMetricReference(item.slice(0, colon).trimEnd(), column, fail);
    // A summary keeps no per-flow figures, so neither side of the comparison could ever have one.
    if (reference.scope?.kind === 'flow') fail(column, 'a baseline summary keeps no flow figures to compare; limit the flow\'s steps instead (step:<name>.<metric>)');
    const unit = unitOf(reference);
    const { amount, relative } = parseChange(change.slice(1).trim(), unit, column + colon + 2, fail);
    limits.push({ text: item, reference, unit, direction: change.startsWith('+') ? 'up' : 'down', amount, relative });
  }
  return limits;
}

function unitOf(reference: MetricReference): ThresholdUnit {
  const metric = reference.metric;
  if ((LATENCY_METRICS as readonly string[]).includes(metric)) return 'ms';
  switch (metric) {
    case 'errors':
    case 'throttled':
      return 'ratio';
    case 'rps':
      return 'per_second';
    case 'cpu.avg':
    case 'cpu.p95':
    case 'cpu.max':
      return 'cores';
    case 'memory.p95':
    case 'memory.max':
      return 'bytes';
    default:
      return 'count';
  }
}

function parseChange(text: string, unit: ThresholdUnit, column: number, fail: (column: number, reason: string) => never): { amount: number; relative: boolean } {
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (percent) return { amount: Number(percent[1]) / 100, relative: true };
  try {
    switch (unit) {
      case 'ms':
        return { amount: parseDuration(text), relative: false };
      case 'ratio': {
        const points = /^(\d+(?:\.\d+)?)\s*pp$/.exec(text);
        if (!points) throw new Error();
        return { amount: Number(points[1]) / 100, relative: false };
      }
      case 'per_second':
        return { amount: parseRate(text), relative: false };
      case 'cores':
        return { amount: parseCpu(text), relative: false };
      case 'bytes':
        return { amount: parseMemory(text), relative: false };
      case 'count':
        if (!/^\d+$/.test(text)) throw new Error();
        return { amount: Number(text), relative: false };
    }
  } catch {
    // fall through to the message below
  }
  const absolute = { ms: 'a duration (20ms)', ratio: 'percentage points (0.5pp)', per_second: 'a rate (50/s)', cores: 'a CPU quantity (100m)', bytes: 'a memory quantity (64Mi)', count: 'a count (1)' }[unit];
  return fail(column, `expected a relative change such as 10% or ${absolute}, got "${text}"`);
}
