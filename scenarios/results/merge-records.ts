import { readEncodedBuckets } from './histogram-decode.js';
import { sumBuckets } from './histogram-sum.js';
import type { IterationIntervalRecord, StepIntervalRecord } from './results-format.js';
import { roundSeconds } from './run-clock.js';

// Several workers' records of one interval and key, folded into the one record a single generator
// would have written: counts summed, histograms added bucket by bucket.

/** [t, t + dur) covering every record of the group. */
function span(group: ReadonlyArray<{ t: number; dur: number }>): { t: number; dur: number } {
  let t = Infinity;
  let end = -Infinity;
  for (const record of group) {
    t = Math.min(t, record.t);
    end = Math.max(end, record.t + record.dur);
  }
  return { t, dur: roundSeconds(end - t) };
}

export function mergeSteps(group: StepIntervalRecord[]): StepIntervalRecord {
  if (group.length === 1) return group[0]!;
  const merged: StepIntervalRecord = { ...group[0]!, ...span(group), count: 0, bytesIn: 0, bytesOut: 0 };
  for (const record of group) {
    merged.count += record.count;
    merged.bytesIn += record.bytesIn;
    merged.bytesOut += record.bytesOut;
  }
  merged.latency = sumBuckets(group.map((r) => readEncodedBuckets(r.latency)));
  merged.service = sumBuckets(group.map((r) => readEncodedBuckets(r.service)));
  return merged;
}

/**
 * Counts, drops, in flight and users at the interval's end add up across workers. `maxInFlight` is
 * the sum of each worker's most: the workers' peaks within the second need not coincide, so this
 * is an upper bound of the whole test's peak (the true one lies between the largest and the sum);
 * it is the bound that never understates the concurrency the target was offered.
 */
export function mergeIterations(group: IterationIntervalRecord[]): IterationIntervalRecord {
  if (group.length === 1) return group[0]!;
  const merged: IterationIntervalRecord = { ...group[0]!, ...span(group), started: 0, ok: 0, failed: 0, interrupted: 0, dropped: { max_in_flight: 0, data_exhausted: 0 }, inFlight: 0, maxInFlight: 0, vus: 0 };
  const dropped: Record<string, number> = merged.dropped;
  for (const record of group) {
    merged.started += record.started;
    merged.ok += record.ok;
    merged.failed += record.failed;
    merged.interrupted += record.interrupted;
    for (const [reason, count] of Object.entries(record.dropped)) dropped[reason] = (dropped[reason] ?? 0) + count;
    merged.inFlight += record.inFlight;
    merged.maxInFlight += record.maxInFlight;
    merged.vus += record.vus;
  }
  merged.lag = sumOrNull(group.map((r) => r.lag));
  merged.duration = sumOrNull(group.map((r) => r.duration));
  return merged;
}

function sumOrNull(encoded: ReadonlyArray<string | null>): string | null {
  const present = encoded.filter((e): e is string => e !== null);
  return present.length === 0 ? null : sumBuckets(present.map(readEncodedBuckets));
}
