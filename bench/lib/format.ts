// Plain-text tables and the few statistics the benches print. Pure functions.

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
export const fmtRatio = (n: number): string => `${n >= 0.995 ? n.toFixed(2) : n.toPrecision(2)}×`;
export const fmtPercent = (fraction: number, digits = 1): string => `${(fraction * 100).toFixed(digits)}%`;
export const fmtSignedPercent = (fraction: number): string => `${fraction >= 0 ? '+' : ''}${(fraction * 100).toFixed(1)}%`;
export const fmtMs = (ms: number): string => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : fmtInt(ms));
export const fmtMiB = (bytes: number): string => (bytes / 1048576).toFixed(1);

/** Columns padded to their widest cell: the first left-aligned, the rest right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ')).join('\n');
}

/** The last three lines of a tool's output on one line: enough to say why it failed. */
export function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ').slice(0, 300);
}
