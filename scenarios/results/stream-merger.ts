import { checkSameRun, MergeRefusedError, missingSegments, segmentsText } from './merge-checks.js';
import type { NamedHeader } from './merge-checks.js';
import { mergeEnds } from './merge-ending.js';
import type { WorkerEnd } from './merge-ending.js';
import { mergeIterations, mergeSteps } from './merge-records.js';
import type { BodyRecord, EndRecord, HeaderRecord, IterationIntervalRecord, PhasePlan, PhaseRecord, StepIntervalRecord } from './results-format.js';
import { roundSeconds } from './run-clock.js';

// The merge of several workers' streams of one run into the stream one generator would have
// written for the whole load, record by record: `loadtest merge` feeds it finished files a piece at
// a time, the stream that reaches least far first (merge-files.ts); `run --workers` the lines each
// worker has appended so far (live-merge.ts).
//
// Exact: the records of one interval and key (step and outcome, or phase) are folded into one,
// counts summed and histograms added bucket by bucket, so percentiles and thresholds over the
// merged stream are those of the whole test, not an average of per-worker figures.
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
// When an interval is whole: a worker writes each interval's step and iteration records and then
// its generator record in one append, and everything else as it happens. So once a worker's
// generator record of interval k has been read, every record of its up to interval k has been too
// (late-stamped ones aside, which go out with the next batch). Records are held until every worker
// is past their interval, then folded and handed out in time order.
//
// Generator and host records are kept per worker, tagged with `worker`: they describe separate
// processes and machines, so summing them would invent a machine that never existed, and the
// reports' uses of them are maxima (RSS, event-loop delay) or per-process totals (CPU seconds),
// which per-worker records give right.

export interface StreamMergerOptions {
  /** The streams' file names, for messages and the merged header. */
  files: readonly string[];
  /** Seconds per recording interval. */
  interval: number;
  /** Merge a segmented run with segments missing (the merged header lists them) instead of refusing. */
  allowPartial?: boolean;
}

/** Records of one interval and key from several workers, folded into one when handed out. */
class Group {
  constructor(
    readonly slot: number,
    readonly key: string,
    readonly records: StepIntervalRecord[] | IterationIntervalRecord[],
  ) {}
}

/** A phase's start (kept at the earliest) or end (at the latest), handed out once every worker has said it. */
class PhaseMark {
  readonly said: Set<number>;

  constructor(readonly record: PhaseRecord, worker: number) {
    this.said = new Set([worker]);
  }
}

type Pending = BodyRecord | Group | PhaseMark;

export class StreamMerger {
  /** The merged stream's header. */
  readonly header: HeaderRecord;
  readonly #interval: number;
  readonly #shifts: number[];
  /** Per worker, the last interval (on the merged clock) all of whose records have been added; Infinity once closed. */
  readonly #whole: number[];
  readonly #ends: WorkerEnd[];
  readonly #partialNote: string | undefined;
  #pending: Pending[] = [];
  readonly #groups = new Map<string, Group>();
  readonly #phases = new Map<string, PhaseMark>();
  readonly #seen = new Set<string>();
  #lastT = 0;

  /** Throws MergeRefusedError when the headers are not those of one run's workers. */
  constructor(headers: readonly HeaderRecord[], options: StreamMergerOptions) {
    const named: NamedHeader[] = headers.map((header, i) => ({ file: options.files[i]!, header }));
    checkSameRun(named);
    const missing = missingSegments(named);
    const segmentCount = headers[0]!.segment?.count ?? 0;
    if (missing.length > 0 && options.allowPartial !== true) {
      throw new MergeRefusedError(`${segmentsText(missing, segmentCount)} missing: ${headers.length} of ${segmentCount} worker streams given; pass --allow-partial to merge only these`);
    }
    this.#partialNote = missing.length > 0 ? `${segmentsText(missing, segmentCount)} not merged (--allow-partial)` : undefined;
    this.#interval = options.interval;
    const earliest = Math.min(...headers.map((h) => h.startEpochMs));
    this.#shifts = headers.map((h) => Math.round((h.startEpochMs - earliest) / 1000 / options.interval) * options.interval);
    this.#whole = headers.map(() => -Infinity);
    this.#ends = headers.map((_, i) => ({ file: options.files[i]!, end: undefined, tornTail: false }));
    this.header = mergedHeader(headers, options.files, earliest, missing);
  }

  /** A record of `worker`'s stream, in the order the stream holds them. */
  add(worker: number, record: BodyRecord): void {
    const shifted = shiftRecord(record, this.#shifts[worker]!);
    this.#lastT = Math.max(this.#lastT, shifted.t);
    switch (shifted.type) {
      case 'end':
        // Nothing follows a stream's end record: every interval of this worker is whole.
        this.#ends[worker]!.end = shifted;
        this.#whole[worker] = Infinity;
        return;
      case 'step':
        return this.#group(`s\u0000${this.#slot(shifted.t)}\u0000${shifted.phase}\u0000${shifted.step}\u0000${shifted.outcome}`, shifted);
      case 'iterations':
        return this.#group(`i\u0000${this.#slot(shifted.t)}\u0000${shifted.phase}`, shifted);
      case 'generator':
        this.#whole[worker] = Math.max(this.#whole[worker]!, this.#slot(shifted.t));
        this.#pending.push({ ...shifted, worker });
        return;
      case 'host':
        this.#pending.push({ ...shifted, worker });
        return;
      case 'phase': {
        const key = `${shifted.phase}\u0000${shifted.event}`;
        const mark = this.#phases.get(key);
        if (mark === undefined) {
          const created = new PhaseMark({ ...shifted }, worker);
          this.#phases.set(key, created);
          this.#pending.push(created);
        } else {
          mark.said.add(worker);
          if (shifted.event === 'start' ? shifted.t < mark.record.t : shifted.t > mark.record.t) mark.record.t = shifted.t;
        }
        return;
      }
      case 'event':
      case 'fault':
      case 'outage':
      case 'search-level':
      case 'search-result': {
        // Every worker sees the same fault and the same outage: say each once.
        const key = JSON.stringify(shifted);
        if (this.#seen.has(key)) return;
        this.#seen.add(key);
        this.#pending.push(shifted);
        return;
      }
      default:
        // Resource samples (per replica already), error samples, and record types this version does not know.
        this.#pending.push(shifted);
    }
  }

  /** The open stream whose records so far reach the least far, to be read next; undefined once all are closed. */
  laggard(): number | undefined {
    let slowest: number | undefined;
    this.#whole.forEach((slot, worker) => {
      if (slot !== Infinity && (slowest === undefined || slot < this.#whole[slowest]!)) slowest = worker;
    });
    return slowest;
  }

  /** `worker`'s stream has no more records; `tornTail` when it stopped in the middle of a line. */
  close(worker: number, tornTail: boolean): void {
    this.#whole[worker] = Infinity;
    this.#ends[worker]!.tornTail = tornTail;
  }

  /** The merged records of every interval all workers are past (all, once all are closed), in time order. */
  take(): BodyRecord[] {
    const ready = Math.min(...this.#whole);
    const out: BodyRecord[] = [];
    const kept: Pending[] = [];
    for (const entry of this.#pending) {
      const record = this.#handOut(entry, ready);
      if (record === undefined) kept.push(entry);
      else out.push(record);
    }
    this.#pending = kept;
    return out.sort((a, b) => a.t - b.t);
  }

  /**
   * The merged end record, once every stream is closed: completed only when every worker completed.
   * `stoppedBy`: the abortOnFail threshold, judged on the merged stream, that stopped the workers.
   */
  end(stoppedBy?: string): EndRecord {
    if (this.#whole.some((slot) => slot !== Infinity)) throw new Error('StreamMerger.end: a stream is still open');
    return mergeEnds(this.#ends, this.#lastT, this.#partialNote, stoppedBy);
  }

  #handOut(entry: Pending, ready: number): BodyRecord | undefined {
    if (entry instanceof PhaseMark) {
      const everyone = this.#whole.every((slot, worker) => slot === Infinity || entry.said.has(worker));
      return everyone ? entry.record : undefined;
    }
    if (entry instanceof Group) {
      if (entry.slot > ready) return undefined;
      this.#groups.delete(entry.key);
      return entry.records[0]!.type === 'step' ? mergeSteps(entry.records as StepIntervalRecord[]) : mergeIterations(entry.records as IterationIntervalRecord[]);
    }
    // A record without a time (a type this version does not know) goes out with the first batch.
    return this.#slot(entry.t) > ready ? undefined : entry;
  }

  #slot(t: number): number {
    return Math.round(t / this.#interval);
  }

  #group<T extends StepIntervalRecord | IterationIntervalRecord>(key: string, record: T): void {
    const group = this.#groups.get(key);
    if (group !== undefined) {
      (group.records as T[]).push(record);
      return;
    }
    const created = new Group(this.#slot(record.t), key, [record] as StepIntervalRecord[] | IterationIntervalRecord[]);
    this.#groups.set(key, created);
    this.#pending.push(created);
  }
}

function mergedHeader(headers: readonly HeaderRecord[], files: readonly string[], earliest: number, missing: number[]): HeaderRecord {
  const { segment: _segment, ...first } = headers[0]!;
  const targets = Object.assign({}, ...headers.map((h) => h.targets ?? {})) as NonNullable<HeaderRecord['targets']>;
  return {
    ...first,
    startEpochMs: earliest,
    // Each worker's plan says what it offered; the whole test offered the sum.
    phases: first.phases.map((plan, i): PhasePlan => ({ ...plan, params: sumParams(headers.map((h) => h.phases[i]!.params)) })),
    ...(Object.keys(targets).length > 0 ? { targets } : {}),
    merged: { workers: headers.length, files: [...files], ...(missing.length > 0 ? { missingSegments: missing } : {}) },
  };
}

function sumParams(all: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const params of all) for (const [key, value] of Object.entries(params)) sum[key] = (sum[key] ?? 0) + value;
  return sum;
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

/**
 * Seconds per interval record: the header says it. For streams written before headers did, the
 * most common duration of the generator records read so far (one per interval), else of the step
 * records; 1 s when there are none.
 */
export function recordingInterval(header: HeaderRecord, streams: ReadonlyArray<readonly BodyRecord[]>): number {
  if (header.intervalS !== undefined) return header.intervalS;
  for (const type of ['generator', 'step'] as const) {
    const seen = new Map<number, number>();
    for (const records of streams) for (const record of records) if (record.type === type) seen.set(record.dur, (seen.get(record.dur) ?? 0) + 1);
    let best: number | undefined;
    for (const [dur, n] of seen) if (dur > 0 && (best === undefined || n > seen.get(best)!)) best = dur;
    if (best !== undefined) return best;
  }
  return 1;
}
