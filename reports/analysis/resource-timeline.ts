import type { ResourceRecord } from '../../scenarios/results/results-format.js';
import type { ReplicaResourceSeries, Series, TargetResourceSeries } from './analysis-types.js';
import { bucketIndex } from './timeline.js';

// Each replica's CPU, throttling and working set on the latency timeline's buckets, so a p99 spike
// and the throttling under it sit at the same x. Samples falling in one bucket are averaged,
// weighted by the time each covers; throttling is throttled periods over periods in the bucket.

interface Sums {
  cpuWeighted: number;
  cpuSeconds: number;
  periods: number;
  throttled: number;
  memoryWeighted: number;
  memorySeconds: number;
}

export function resourceTimeline(records: readonly ResourceRecord[], bucketS: number, bucketCount: number): TargetResourceSeries[] {
  const targets = new Map<string, { source: string; limits: TargetResourceSeries['limits']; replicas: Map<string, Sums[]> }>();
  for (const record of records) {
    let target = targets.get(record.target);
    if (target === undefined) targets.set(record.target, (target = { source: record.source, limits: { cpuCores: null, memoryBytes: null }, replicas: new Map() }));
    // The limit in force most recently: a squeeze fault changes it during the run.
    if (record.limits.cpuCores !== null) target.limits.cpuCores = record.limits.cpuCores;
    if (record.limits.memoryBytes !== null) target.limits.memoryBytes = record.limits.memoryBytes;
    let buckets = target.replicas.get(record.replica);
    if (buckets === undefined) target.replicas.set(record.replica, (buckets = []));
    const index = bucketIndex(record.t, bucketS, bucketCount);
    const sums = (buckets[index] ??= { cpuWeighted: 0, cpuSeconds: 0, periods: 0, throttled: 0, memoryWeighted: 0, memorySeconds: 0 });
    const weight = record.dur > 0 ? record.dur : 1;
    if (record.cpuCores !== null) {
      sums.cpuWeighted += record.cpuCores * weight;
      sums.cpuSeconds += weight;
    }
    if (record.cpuPeriods !== null && record.cpuThrottledPeriods !== null) {
      sums.periods += record.cpuPeriods;
      sums.throttled += record.cpuThrottledPeriods;
    }
    if (record.workingSetBytes !== null) {
      sums.memoryWeighted += record.workingSetBytes * weight;
      sums.memorySeconds += weight;
    }
  }
  return [...targets]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, target]) => ({
      target: name,
      source: target.source,
      limits: target.limits,
      replicas: [...target.replicas].sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true })).map(([replica, buckets]) => replicaSeries(replica, buckets, bucketCount)),
    }));
}

function replicaSeries(replica: string, buckets: Array<Sums | undefined>, count: number): ReplicaResourceSeries {
  const cpuCores: Series = new Array<number | null>(count).fill(null);
  const throttledPct: Series = new Array<number | null>(count).fill(null);
  const workingSetBytes: Series = new Array<number | null>(count).fill(null);
  buckets.forEach((sums, i) => {
    if (sums === undefined) return;
    if (sums.cpuSeconds > 0) cpuCores[i] = Math.round((sums.cpuWeighted / sums.cpuSeconds) * 10_000) / 10_000;
    if (sums.periods > 0) throttledPct[i] = Math.round((sums.throttled / sums.periods) * 1000) / 10;
    if (sums.memorySeconds > 0) workingSetBytes[i] = Math.round(sums.memoryWeighted / sums.memorySeconds);
  });
  return { replica, cpuCores, throttledPct, workingSetBytes };
}

/** A target as a whole, per bucket: CPU and memory summed over replicas, throttling averaged. */
export function targetTotals(target: TargetResourceSeries, count: number): { cpuCores: Series; throttledPct: Series; workingSetBytes: Series } {
  const sum = (pick: (r: ReplicaResourceSeries) => Series, mean: boolean): Series =>
    Array.from({ length: count }, (_, i) => {
      const values = target.replicas.map((r) => pick(r)[i]).filter((v): v is number => v !== null && v !== undefined);
      if (values.length === 0) return null;
      const total = values.reduce((a, b) => a + b, 0);
      return mean ? total / values.length : total;
    });
  return { cpuCores: sum((r) => r.cpuCores, false), throttledPct: sum((r) => r.throttledPct, true), workingSetBytes: sum((r) => r.workingSetBytes, false) };
}
