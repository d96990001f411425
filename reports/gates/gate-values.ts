import type { ThresholdOperator, ThresholdUnit } from '../../scenarios/language/threshold-expression.js';

// How gates compare and show numbers: one place, so the terminal, JSON, JUnit, Markdown and HTML
// say the same thing about the same gate.

export function compare(actual: number, op: ThresholdOperator, limit: number): boolean {
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

/** True when larger values are the bad direction for this comparison (the worst window is the largest). */
export function largerIsWorse(op: ThresholdOperator): boolean {
  return op === '<' || op === '<=' || op === '==';
}

export function formatValue(value: number, unit: ThresholdUnit): string {
  switch (unit) {
    case 'ms':
      // Below a millisecond, three significant digits: a limit of 0.001 ms must not read "0 ms".
      return `${value !== 0 && Math.abs(value) < 1 ? String(Number(value.toPrecision(3))) : trim(value, 2)} ms`;
    case 'ratio':
      return `${trim(value * 100, 3)}%`;
    case 'per_second':
      return `${trim(value, 1)}/s`;
    case 'count':
      return String(value);
    case 'cores':
      return `${trim(value, 3)} cores`;
    case 'bytes':
      return formatBytes(value);
  }
}

export function limitText(op: ThresholdOperator, value: number, unit: ThresholdUnit): string {
  const symbol = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '==': '=' }[op];
  return `${symbol} ${formatValue(value, unit)}`;
}

function formatBytes(bytes: number): string {
  const mib = bytes / 1024 ** 2;
  return mib >= 1024 ? `${trim(mib / 1024, 2)} GiB` : `${trim(mib, 1)} MiB`;
}

function trim(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}
