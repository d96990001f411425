import { addBucketsInto, readEncodedBuckets } from '../scenarios/results/histogram-decode.js';
import type { EncodedBuckets } from '../scenarios/results/histogram-decode.js';
import { meanOf, newHistogram } from '../scenarios/results/histogram.js';
import { stepLatency } from './step-latency.js';
import type { Histogram } from '../scenarios/results/histogram.js';
import { OUTCOMES } from '../scenarios/outcome.js';
import type { Outcome } from '../scenarios/outcome.js';
import type { IterationIntervalRecord, StepIntervalRecord } from '../scenarios/results/results-format.js';
import type { IterationSummary, LatencySummary, TrafficSummary } from './summary-types.js';

// Running totals over interval records. Histograms are added exactly (HDR), so a total over any
// set of seconds, steps or phases is as precise as a single histogram recorded over all of them.

/** A record's histograms read once (sparse buckets, no full histogram each) for every total they feed. */
export interface DecodedStepRecord {
  latency: EncodedBuckets;
  service: EncodedBuckets;
}

export function decodeStepRecord(record: StepIntervalRecord): DecodedStepRecord {
  return { latency: stepLatency(record), service: readEncodedBuckets(record.service) };
}

export class TrafficAccumulator {
  requests = 0;
  errors = 0;
  bytesIn = 0;
  bytesOut = 0;
  readonly byClass = new Map<Outcome, number>();
  readonly latency: Histogram = newHistogram();
  readonly service: Histogram = newHistogram();

  /** `decoded`: the record's histograms, decoded once by the caller for every total it feeds. */
  add(record: StepIntervalRecord, decoded: DecodedStepRecord): void {
    this.requests += record.count;
    if (record.outcome !== 'ok') this.errors += record.count;
    this.bytesIn += record.bytesIn;
    this.bytesOut += record.bytesOut;
    this.byClass.set(record.outcome, (this.byClass.get(record.outcome) ?? 0) + record.count);
    addBucketsInto(this.latency, decoded.latency);
    addBucketsInto(this.service, decoded.service);
  }

  summarise(durationS: number): TrafficSummary {
    const errorsByClass: Partial<Record<Outcome, number>> = {};
    for (const outcome of OUTCOMES) {
      const count = this.byClass.get(outcome);
      if (outcome !== 'ok' && count !== undefined) errorsByClass[outcome] = count;
    }
    return {
      requests: this.requests,
      rps: durationS > 0 ? round(this.requests / durationS) : 0,
      errors: this.errors,
      errorRate: this.requests > 0 ? this.errors / this.requests : 0,
      errorsByClass,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      latency: latencySummary(this.latency),
      serviceTime: latencySummary(this.service),
    };
  }
}

export class IterationAccumulator {
  started = 0;
  ok = 0;
  failed = 0;
  interrupted = 0;
  readonly dropped: Record<string, number> = {};
  readonly lag: Histogram = newHistogram();

  /** `lag`: the record's start-lag histogram, read once by the caller (null when there was none). */
  add(record: IterationIntervalRecord, lag: EncodedBuckets | null): void {
    this.started += record.started;
    this.ok += record.ok;
    this.failed += record.failed;
    this.interrupted += record.interrupted;
    for (const [reason, count] of Object.entries(record.dropped)) this.dropped[reason] = (this.dropped[reason] ?? 0) + count;
    if (lag !== null) addBucketsInto(this.lag, lag);
  }

  summarise(): IterationSummary {
    const dropped = Object.values(this.dropped).reduce((a, b) => a + b, 0);
    return {
      started: this.started,
      ok: this.ok,
      failed: this.failed,
      interrupted: this.interrupted,
      dropped,
      droppedByReason: { ...this.dropped },
      startLag: latencySummary(this.lag),
    };
  }
}

export function latencySummary(histogram: Histogram): LatencySummary {
  if (histogram.totalCount === 0) return { min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, 'p99.9': 0, max: 0 };
  const ms = (us: number): number => round(us / 1000);
  return {
    min: ms(histogram.minNonZeroValue),
    mean: ms(meanOf(histogram)),
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    'p99.9': ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
  };
}

export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
