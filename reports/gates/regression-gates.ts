import type { RunSummary } from '../summary-types.js';
import type { GateVerdict } from './gate-types.js';
import { formatValue } from './gate-values.js';
import type { RegressionLimit } from './regression-limits.js';
import { summaryMetric } from './summary-metric.js';

// Baseline comparison: each limit is a gate on how far this run's figure moved from the same figure
// of an earlier run's summary. A figure missing on either side fails the gate: a regression check
// that silently skips a renamed step would let the regression through.

export function evaluateRegressionGates(current: RunSummary, baseline: RunSummary, limits: readonly RegressionLimit[]): GateVerdict[] {
  return limits.map((limit) => evaluate(current, baseline, limit));
}

function evaluate(current: RunSummary, baseline: RunSummary, limit: RegressionLimit): GateVerdict {
  const now = summaryMetric(current, limit.reference, limit.unit);
  const before = summaryMetric(baseline, limit.reference, limit.unit);
  const sign = limit.direction === 'up' ? '+' : '−';
  // An absolute error-rate allowance is in percentage points: "+0.5%" would read as relative.
  const allowance = limit.relative ? `${trim(limit.amount * 100)}%` : limit.unit === 'ratio' ? `${trim(limit.amount * 100)}pp` : formatValue(limit.amount, limit.unit);
  const base = { kind: 'regression' as const, expression: limit.text };
  if (typeof before !== 'number') {
    // summaryMetric says what is missing ("no step named …"): say where it is missing.
    const reason = before === null ? 'the baseline has no data for it' : `${before} in the baseline`;
    return { ...base, passed: false, actual: typeof now === 'number' ? now : null, actualText: typeof now === 'number' ? formatValue(now, limit.unit) : 'no data', limitText: `${sign}${allowance} of the baseline`, reason };
  }
  const bound = limit.direction === 'up' ? before + (limit.relative ? before * limit.amount : limit.amount) : before - (limit.relative ? before * limit.amount : limit.amount);
  const limitText = `${limit.direction === 'up' ? '≤' : '≥'} ${formatValue(bound, limit.unit)} (${sign}${allowance} of ${formatValue(before, limit.unit)})`;
  const baselineInfo = (value: number | null) => ({ value: before, valueText: formatValue(before, limit.unit), changeText: value === null ? 'n/a' : changeText(value, before, limit) });
  if (typeof now !== 'number') {
    const reason = now === null ? 'no data in this run' : `${now} in this run`;
    return { ...base, passed: false, actual: null, actualText: 'no data', limitText, reason, baseline: baselineInfo(null) };
  }
  const passed = limit.direction === 'up' ? now <= bound + 1e-12 : now >= bound - 1e-12;
  return { ...base, passed, actual: now, actualText: formatValue(now, limit.unit), limitText, baseline: baselineInfo(now) };
}

function changeText(now: number, before: number, limit: RegressionLimit): string {
  if (limit.relative) {
    if (before === 0) return now === 0 ? '±0%' : 'from 0';
    const change = ((now - before) / before) * 100;
    return `${change >= 0 ? '+' : '−'}${trim(Math.abs(change))}%`;
  }
  const delta = now - before;
  if (limit.unit === 'ratio') return `${delta >= 0 ? '+' : '−'}${trim(Math.abs(delta) * 100)}pp`;
  return `${delta >= 0 ? '+' : '−'}${formatValue(Math.abs(delta), limit.unit)}`;
}

function trim(value: number): string {
  return String(Number(value.toFixed(2)));
}
