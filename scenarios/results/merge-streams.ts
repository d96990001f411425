import { readEncodedBuckets } from './histogram-decode.js';
import { sumBuckets } from './histogram-sum.js';
import { checkSameRun, MergeRefusedError, missingSegments, segmentsText } from './merge-checks.js';
import type { NamedHeader } from './merge-checks.js';
import { mergeEnds } from './merge-ending.js';
import type { WorkerEnd } from './merge-ending.js';
import type { BodyRecord, HeaderRecord, IterationIntervalRecord, PhasePlan, PhaseRecord, StepIntervalRecord } from './results-format.js';
import type { Results } from './results-reader.js';
import { roundSeconds } from './run-clock.js';

// `loadtest merge`: the streams of several workers that each drove a share of one run, put back
// together as the stream one generator would have written for the whole load. Exact: per-second
// counters are summed and histograms added bucket by bucket, so percentiles and thresholds over
// the merged stream are those of the whole test, not an average of per-worker figures.
//
// Clocks: each stream's t = 0 is its header's startEpochMs; the merge's t = 0 is the earliest, and
// each stream is shifted by its start's distance from it, snapped to a whole number of recording
// intervals. Workers never start in the same millisecond, and their per-second records are
// aggregates that are only known to the interval anyway; shifting by the exact fraction would put
// each worker's seconds half-way across two merged seconds, so a second would hold one worker's
// traffic and the next another's, and per-second rates and windowed gates would saw-tooth. Snapped,
// every merged second holds exactly one second of each worker, at the cost of placing a worker's
// records up to half an interval from their wall-clock time. One shift per stream for all its
// records keeps each worker's faults, outages and resource samples aligned with its own seconds.
//
// Generator and host records are kept per worker, tagged with `worker`: they describe separate
// processes and machines, so summing them would invent a machine that never existed, and the
// reports' uses of them are maxima (RSS, event-loop delay) or per-process totals (CPU seconds),
// which per-worker records give right.

export interface MergeOptions {
  /** The streams' file names, for messages and the merged header; "stream 1", … when not given. */
  files?: readonly string[];
  /** Merge a segmented run with segments missing (the merged header lists them) instead of refusing. */
  allowPartial?: boolean;
}

export interface MergedStream {
  header: HeaderRecord;
  records: BodyRecord[];
}

export { MergeRefusedError };

/** Merges the worker streams of one run; throws MergeRefusedError when they are not that. */
export function mergeResults(inputs: readonly Results[], options: MergeOptions = {}): MergedStream {
  const files = inputs.map((_, i) => options.files?.[i] ?? `stream ${i + 1}`);
  const named: NamedHeader[] = inputs.map((results, i) => ({ file: files[i]!, header: results.header }));
  checkSameRun(named);
  const missing = missingSegments(named);
  const segmentCount = inputs[0]!.header.segment?.count ?? 0;
  if (missing.length > 0 && options.allowPartial !== true) {
    throw new MergeRefusedError(`${segmentsText(missing, segmentCount)} missing: ${inputs.length} of ${segmentCount} worker streams given; pass --allow-partial to merge only these`);
  }

  const interval = gridInterval(inputs);
  const earliest = Math.min(...inputs.map((r) => r.header.startEpochMs));
  const shifts = inputs.map((r) => Math.round((r.header.startEpochMs - earliest) / 1000 / interval) * interval);
  const merger = new RecordMerger(interval);
  const ends: WorkerEnd[] = inputs.map((results, worker) => ({ file: files[worker]!, end: undefined, tornTail: results.tornTail }));
  let lastT = 0;
  inputs.forEach((results, worker) => {
    const shift = shifts[worker]!;
    for (const record of results.records) {
      const shifted = shiftRecord(record, shift);
      lastT = Math.max(lastT, shifted.t);
      if (shifted.type === 'end') ends[worker]!.end = shifted;
      else merger.add(shifted, worker);
    }
  });
  const records = merger.finish();
  records.push(mergeEnds(ends, lastT, missing.length > 0 ? `${segmentsText(missing, segmentCount)} not merged (--allow-partial)` : undefined));
  return { header: mergedHeader(inputs, files, earliest, missing), records };
}

function mergedHeader(inputs: readonly Results[], files: readonly string[], earliest: number, missing: number[]): HeaderRecord {
  const { segment: _segment, ...first } = inputs[0]!.header;
  const targets = Object.assign({}, ...inputs.map((r) => r.header.targets ?? {})) as NonNullable<HeaderRecord['targets']>;
  return {
    ...first,
    startEpochMs: earliest,
    // Each worker's plan says what it offered; the whole test offered the sum.
    phases: first.phases.map((plan, i): PhasePlan => ({ ...plan, params: sumParams(inputs.map((r) => r.header.phases[i]!.params)) })),
    ...(Object.keys(targets).length > 0 ? { targets } : {}),
    merged: { workers: inputs.length, files: [...files], ...(missing.length > 0 ? { missingSegments: missing } : {}) },
  };
}

function sumParams(all: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const params of all) for (const [key, value] of Object.entries(params)) sum[key] = (sum[key] ?? 0) + value;
  return sum;
}

/**
 * The recording interval the streams are on: the most common duration of the generator records
 * (one per interval), else of the step records; 1 s when there are none.
 */
function gridInterval(inputs: readonly Results[]): number {
  for (const type of ['generator', 'step'] as const) {
    const seen = new Map<number, number>();
    for (const results of inputs) for (const record of results.records) if (record.type === type) seen.set(record.dur, (seen.get(record.dur) ?? 0) + 1);
    let best: number | undefined;
    for (const [dur, n] of seen) if (dur > 0 && (best === undefined || n > seen.get(best)!)) best = dur;
    if (best !== undefined) return best;
  }
  return 1;
}

/** The record on the merged clock: `t` and every other run-clock time it holds moved by `shift`. */
function shiftRecord(record: BodyRecord, shift: number): BodyRecord {
  if (shift === 0) return record;
  const at = (t: number) => roundSeconds(t + shift);
  switch (record.type) {
    case 'outage':
      return { ...record, t: at(record.t), end: at(record.end) };
    case 'search-level':
      return { ...record, t: at(record.t), from: at(record.from), to: at(record.to) };
    default:
      return typeof record.t === 'number' ? { ...record, t: at(record.t) } : record;
  }
}

/** Keeps the order records arrive in, folding those that share an interval and key into one. */
class RecordMerger {
  readonly #out: Array<BodyRecord | StepIntervalRecord[] | IterationIntervalRecord[]> = [];
  readonly #groups = new Map<string, StepIntervalRecord[] | IterationIntervalRecord[]>();
  readonly #phases = new Map<string, PhaseRecord>();
  readonly #seen = new Set<string>();

  constructor(readonly interval: number) {}

  add(record: BodyRecord, worker: number): void {
    switch (record.type) {
      case 'step':
        return this.#group(`s\u0000${this.#slot(record.t)}\u0000${record.phase}\u0000${record.step}\u0000${record.outcome}`, record);
      case 'iterations':
        return this.#group(`i\u0000${this.#slot(record.t)}\u0000${record.phase}`, record);
      case 'generator':
      case 'host':
        this.#out.push({ ...record, worker });
        return;
      case 'phase': {
        // One start per phase at the earliest, one end at the latest.
        const key = `${record.phase}\u0000${record.event}`;
        const kept = this.#phases.get(key);
        if (kept === undefined) {
          const copy = { ...record };
          this.#phases.set(key, copy);
          this.#out.push(copy);
        } else if (record.event === 'start' ? record.t < kept.t : record.t > kept.t) kept.t = record.t;
        return;
      }
      case 'event':
      case 'fault':
      case 'outage':
      case 'search-level':
      case 'search-result': {
        // Every worker sees the same fault and the same outage: say each once.
        const key = JSON.stringify(record);
        if (this.#seen.has(key)) return;
        this.#seen.add(key);
        this.#out.push(record);
        return;
      }
      default:
        // Resource samples (per replica already), error samples, and record types this version does not know.
        this.#out.push(record);
    }
  }

  /** The merged records, in time order (records of one time in the order they came). */
  finish(): BodyRecord[] {
    const records = this.#out.map((entry) => (Array.isArray(entry) ? (entry[0]!.type === 'step' ? mergeSteps(entry as StepIntervalRecord[]) : mergeIterations(entry as IterationIntervalRecord[])) : entry));
    return records.sort((a, b) => a.t - b.t);
  }

  #slot(t: number): number {
    return Math.round(t / this.interval);
  }

  #group<T extends StepIntervalRecord | IterationIntervalRecord>(key: string, record: T): void {
    const group = this.#groups.get(key) as T[] | undefined;
    if (group !== undefined) {
      group.push(record);
      return;
    }
    const created = [record] as StepIntervalRecord[] | IterationIntervalRecord[];
    this.#groups.set(key, created);
    this.#out.push(created);
  }
}

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

function mergeSteps(group: StepIntervalRecord[]): StepIntervalRecord {
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
function mergeIterations(group: IterationIntervalRecord[]): IterationIntervalRecord {
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
