// Per target, what its replicas used over the run: CPU in cores, how often the CFS quota held them
// back, memory working set — from the stream's resource records alone. Statistics are over
// (replica, interval) samples, i.e. per replica, because requests and limits are set per container;
// the target's total is given beside them for cost-per-request questions.
import type { ResourceRecord } from '../scenarios/results/results-format.js';
import { nearestRankPercentile } from './percentile.js';

export interface ResourceStats {
  avg: number | null;
  p95: number | null;
  max: number | null;
}

export interface ReplicaResourceSummary {
  cpu: ResourceStats;
  throttledPct: number | null;
  memory: { p95: number | null; max: number | null };
}

export interface TargetResourceSummary extends ReplicaResourceSummary {
  source: string;
  replicas: number;
  samples: number;
  /** Sum over replicas, per interval: what the whole target burned. */
  totalCpu: { avg: number | null; max: number | null };
  limits: { cpuCores: number | null; memoryBytes: number | null };
  oomKills: number;
  byReplica: Record<string, ReplicaResourceSummary>;
}

export function summariseResources(records: readonly ResourceRecord[]): Record<string, TargetResourceSummary> {
  const byTarget = new Map<string, ResourceRecord[]>();
  for (const record of records) {
    let list = byTarget.get(record.target);
    if (list === undefined) byTarget.set(record.target, (list = []));
    list.push(record);
  }
  const out: Record<string, TargetResourceSummary> = {};
  for (const [target, list] of [...byTarget].sort(([a], [b]) => a.localeCompare(b))) {
    const byReplica = new Map<string, ResourceRecord[]>();
    for (const record of list) {
      let replicaList = byReplica.get(record.replica);
      if (replicaList === undefined) byReplica.set(record.replica, (replicaList = []));
      replicaList.push(record);
    }
    const last = list[list.length - 1] as ResourceRecord;
    out[target] = {
      source: [...new Set(list.map((r) => r.source))].join(', '),
      replicas: byReplica.size,
      samples: list.length,
      ...replicaSummary(list),
      totalCpu: totalCpu(list),
      limits: { cpuCores: last.limits.cpuCores, memoryBytes: last.limits.memoryBytes },
      oomKills: list.reduce((sum, r) => sum + (r.oomKills ?? 0), 0),
      byReplica: Object.fromEntries([...byReplica].sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true })).map(([id, rs]) => [id, replicaSummary(rs)])),
    };
  }
  return out;
}

function replicaSummary(records: readonly ResourceRecord[]): ReplicaResourceSummary {
  const cpu = records.filter((r) => r.cpuCores !== null);
  const weight = cpu.reduce((sum, r) => sum + r.dur, 0);
  const memory = records.map((r) => r.workingSetBytes).filter((v): v is number => v !== null);
  return {
    cpu: {
      avg: weight > 0 ? round(cpu.reduce((sum, r) => sum + (r.cpuCores as number) * r.dur, 0) / weight, 4) : null,
      p95: percentile(cpu.map((r) => r.cpuCores as number), 95, 4),
      max: cpu.length > 0 ? round(Math.max(...cpu.map((r) => r.cpuCores as number)), 4) : null,
    },
    throttledPct: throttledPct(records),
    memory: { p95: percentile(memory, 95, 0), max: memory.length > 0 ? Math.max(...memory) : null },
  };
}

/** Share of CFS periods throttled over the records, percent; null when no record's source knows. */
export function throttledPct(records: readonly ResourceRecord[]): number | null {
  if (!records.some((r) => r.cpuPeriods !== null)) return null;
  const periods = records.reduce((sum, r) => sum + (r.cpuPeriods ?? 0), 0);
  const throttled = records.reduce((sum, r) => sum + (r.cpuThrottledPeriods ?? 0), 0);
  return periods > 0 ? round((100 * throttled) / periods, 2) : 0;
}

/** Intervals are aligned by their start second: replicas sampled on one tick land together. */
function totalCpu(records: readonly ResourceRecord[]): { avg: number | null; max: number | null } {
  const perTick = new Map<number, number>();
  for (const r of records) if (r.cpuCores !== null) perTick.set(Math.round(r.t), (perTick.get(Math.round(r.t)) ?? 0) + r.cpuCores);
  if (perTick.size === 0) return { avg: null, max: null };
  const values = [...perTick.values()];
  return { avg: round(values.reduce((a, b) => a + b, 0) / values.length, 4), max: round(Math.max(...values), 4) };
}

function percentile(values: number[], p: number, digits: number): number | null {
  const value = nearestRankPercentile(values, p);
  return value === null ? null : round(value, digits);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
