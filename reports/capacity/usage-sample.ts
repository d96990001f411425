import type { ResourceRecord } from '../../scenarios/results/results-format.js';

// What a recommender reads per target: per-replica usage samples, the shape of the results
// stream's resource records (reports/resource-summary.ts) cut down to what sizing needs.

export interface UsageSample {
  /** Which replica (pod) the sample came from: memory peaks are per replica. */
  replica: string;
  /** CPU used over the sample interval, in cores; null when the source could not say. */
  cpuCores: number | null;
  /** Memory working set (usage minus inactive file cache, as the kubelet counts it), bytes. */
  workingSetBytes: number | null;
}

/** The records as samples: replica, CPU and working set. */
export function usageSamples(records: readonly ResourceRecord[]): UsageSample[] {
  return records.map((r) => ({ replica: r.replica, cpuCores: r.cpuCores, workingSetBytes: r.workingSetBytes }));
}

/** How far a sample's edges may stray from a window's (interval timers fire late). */
const SAMPLE_JITTER_S = 0.25;

/**
 * The samples taken wholly inside [fromS, toS] on the run clock, give or take timer jitter: the
 * sample straddling an edge belongs to what ran before or after, at another load.
 */
export function samplesWithin<T extends Pick<ResourceRecord, 't' | 'dur'>>(records: readonly T[], fromS: number, toS: number): T[] {
  return records.filter((r) => r.t >= fromS - SAMPLE_JITTER_S && r.t + r.dur <= toS + SAMPLE_JITTER_S);
}

export function cpuValues(samples: readonly UsageSample[]): number[] {
  return samples.map((s) => s.cpuCores).filter((v): v is number => v !== null && Number.isFinite(v));
}

export function memoryValues(samples: readonly UsageSample[]): number[] {
  return samples.map((s) => s.workingSetBytes).filter((v): v is number => v !== null && Number.isFinite(v));
}

/** Each replica's highest working set. */
export function memoryPeaksByReplica(samples: readonly UsageSample[]): number[] {
  const peaks = new Map<string, number>();
  for (const s of samples) {
    if (s.workingSetBytes === null || !Number.isFinite(s.workingSetBytes)) continue;
    peaks.set(s.replica, Math.max(peaks.get(s.replica) ?? -Infinity, s.workingSetBytes));
  }
  return [...peaks.values()];
}
