import type { EncodedBuckets } from '../../scenarios/results/histogram-decode.js';
import type { IterationIntervalRecord, StepIntervalRecord } from '../../scenarios/results/results-format.js';
import type { Series, Timeline, TrafficSeries } from './analysis-types.js';
import { SparseLatency } from './sparse-latency.js';
import type { ThroughputSample } from './throughput-curve.js';

// The run second by second (or a few seconds per point for long runs): throughput, errors and
// latency percentiles overall and per step, dropped iterations and concurrency. Built in one pass
// over the stream's interval records, which arrive in time order, so only the bucket being filled
// is held in memory.

/** Points a chart can show without thinning: longer runs get wider buckets, merged exactly. */
export const MAX_TIMELINE_POINTS = 1200;

export function bucketSecondsFor(runS: number): number {
  return Math.max(1, Math.ceil(runS / MAX_TIMELINE_POINTS));
}

/**
 * Intervals start on whole seconds give or take a few milliseconds of timer jitter (0.999, 2.003):
 * a quarter-second tolerance puts each in the bucket it belongs to instead of two in one.
 */
export function bucketIndex(t: number, bucketS: number, count: number): number {
  return Math.min(count - 1, Math.max(0, Math.floor((t + 0.25) / bucketS)));
}

interface Cell {
  requests: number;
  errors: number;
  latency: SparseLatency;
}

export class TimelineBuilder {
  readonly #bucketS: number;
  readonly #count: number;
  readonly #runS: number;
  readonly #overall: TrafficSeries;
  readonly #steps = new Map<string, TrafficSeries>();
  readonly #dropped: number[];
  readonly #maxInFlight: number[];
  readonly #samples: ThroughputSample[] = [];
  #openIndex = -1;
  #open = new Map<string | null, Cell>();
  /** Cells of closed buckets, cleared for the next one: their scratch arrays are reused. */
  readonly #spare: Cell[] = [];

  constructor(runS: number) {
    this.#runS = runS;
    this.#bucketS = bucketSecondsFor(runS);
    this.#count = Math.max(1, Math.ceil(runS / this.#bucketS - 1e-9));
    this.#overall = emptySeries(this.#count);
    this.#dropped = new Array<number>(this.#count).fill(0);
    this.#maxInFlight = new Array<number>(this.#count).fill(0);
  }

  get bucketS(): number {
    return this.#bucketS;
  }

  /** `latency`: the record's latency buckets, read once by the caller. */
  addStep(record: StepIntervalRecord, latency: EncodedBuckets): void {
    const index = this.#indexOf(record.t);
    if (index !== this.#openIndex) {
      if (index < this.#openIndex) return this.#addLate(index, record);
      this.#close();
      this.#openIndex = index;
    }
    for (const key of [null, record.step]) {
      let cell = this.#open.get(key);
      if (cell === undefined) this.#open.set(key, (cell = this.#cell()));
      cell.requests += record.count;
      if (record.outcome !== 'ok') cell.errors += record.count;
      cell.latency.add(latency);
    }
  }

  addIterations(record: IterationIntervalRecord): void {
    const index = this.#indexOf(record.t);
    for (const count of Object.values(record.dropped)) this.#dropped[index]! += count / this.#seconds(index);
    this.#maxInFlight[index] = Math.max(this.#maxInFlight[index]!, record.maxInFlight);
  }

  finish(): { timeline: Timeline; throughput: ThroughputSample[] } {
    this.#close();
    const t = Array.from({ length: this.#count }, (_, i) => i * this.#bucketS);
    return {
      timeline: {
        bucketS: this.#bucketS,
        t,
        overall: this.#overall,
        steps: Object.fromEntries([...this.#steps].sort(([a], [b]) => a.localeCompare(b))),
        droppedPerS: this.#dropped.map(round),
        maxInFlight: this.#maxInFlight,
      },
      throughput: this.#samples,
    };
  }

  #indexOf(t: number): number {
    return bucketIndex(t, this.#bucketS, this.#count);
  }

  /** The last bucket may be shorter than the others: rates divide by the time it covers. */
  #seconds(index: number): number {
    return Math.max(1e-3, Math.min(this.#bucketS, this.#runS - index * this.#bucketS));
  }

  #close(): void {
    if (this.#openIndex < 0) return;
    const index = this.#openIndex;
    const seconds = this.#seconds(index);
    for (const [key, cell] of this.#open) {
      const series = key === null ? this.#overall : this.#stepSeries(key);
      series.rps[index] = round(cell.requests / seconds);
      series.errorsPerS[index] = round(cell.errors / seconds);
      const p = cell.latency.percentiles();
      if (p !== null) {
        series.p50[index] = p.p50;
        series.p90[index] = p.p90;
        series.p95[index] = p.p95;
        series.p99[index] = p.p99;
        series.p999[index] = p['p999'];
        series.max[index] = p.max;
      }
      if (key === null) {
        const pairs = cell.latency.pairs();
        this.#samples.push({
          rps: cell.requests / seconds,
          errors: cell.errors,
          requests: cell.requests,
          addLatencyTo: (target) => {
            for (let i = 0; i < pairs.length; i += 2) target.recordValueWithCount(pairs[i]!, pairs[i + 1]!);
          },
        });
      }
    }
    for (const cell of this.#open.values()) {
      cell.latency.clear();
      this.#spare.push(cell);
    }
    this.#open = new Map();
    this.#openIndex = -1;
  }

  #cell(): Cell {
    const cell = this.#spare.pop() ?? { requests: 0, errors: 0, latency: new SparseLatency() };
    cell.requests = 0;
    cell.errors = 0;
    return cell;
  }

  /** A record for a bucket already closed (out of order): its counts still count, its latency cannot be merged in. */
  #addLate(index: number, record: StepIntervalRecord): void {
    const seconds = this.#seconds(index);
    for (const series of [this.#overall, this.#stepSeries(record.step)]) {
      series.rps[index] = round(series.rps[index]! + record.count / seconds);
      if (record.outcome !== 'ok') series.errorsPerS[index] = round(series.errorsPerS[index]! + record.count / seconds);
    }
  }

  #stepSeries(step: string): TrafficSeries {
    let series = this.#steps.get(step);
    if (series === undefined) this.#steps.set(step, (series = emptySeries(this.#count)));
    return series;
  }
}

function emptySeries(count: number): TrafficSeries {
  const nulls = (): Series => new Array<number | null>(count).fill(null);
  return { rps: new Array<number>(count).fill(0), errorsPerS: new Array<number>(count).fill(0), p50: nulls(), p90: nulls(), p95: nulls(), p99: nulls(), p999: nulls(), max: nulls() };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
