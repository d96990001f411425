import type { TargetResourceSummary } from './resource-summary.js';

// One target's per-replica figures as text, in the order every table shows them: CPU avg, p95, max
// and limit (cores), throttled share, working set p95, max and limit (MiB). The terminal and the
// Markdown summary print the same columns.

export const RESOURCE_COLUMNS = ['cpu avg', 'p95', 'max', 'limit', 'throttled', 'mem p95', 'max', 'limit'];

export function resourceCells(target: TargetResourceSummary): string[] {
  return [
    cores(target.cpu.avg),
    cores(target.cpu.p95),
    cores(target.cpu.max),
    cores(target.limits.cpuCores),
    target.throttledPct === null ? '–' : `${target.throttledPct.toFixed(1)}%`,
    mebibytes(target.memory.p95),
    mebibytes(target.memory.max),
    mebibytes(target.limits.memoryBytes),
  ];
}

function cores(value: number | null): string {
  return value === null ? '–' : value.toFixed(value >= 10 ? 1 : 3);
}

function mebibytes(value: number | null): string {
  return value === null ? '–' : (value / 1048576).toFixed(1);
}
