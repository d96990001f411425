import { addBucketsInto, subtractBucketsFrom } from '../../scenarios/results/histogram-decode.js';
import type { EncodedBuckets } from '../../scenarios/results/histogram-decode.js';
import { newHistogram } from '../../scenarios/results/histogram.js';
import type { Histogram } from '../../scenarios/results/histogram.js';
import type { JsHistogram } from 'hdr-histogram-js/dist/JsHistogram.js';
import type { ThresholdExpression } from '../../scenarios/language/threshold-expression.js';
import type { BodyRecord } from '../../scenarios/results/results-format.js';
import type { FailingWindow } from './gate-types.js';
import { compare, largerIsWorse } from './gate-values.js';
import type { ScopeFilter } from './scope-filter.js';
import { stepLatency } from '../step-latency.js';

// A sliding-window gate ("p99[30s]<300ms"): the expression must hold over every window of that
// length, sliding one interval at a time, not only over the whole run — a two-minute stall in a
// one-hour run fails it even when the hour's p99 looks fine. Fed the stream's records in order, so
// the same code judges a finished stream and a run in progress (abortOnFail).

/** What one interval of the stream holds for this gate's scope. */
interface Interval {
  t: number;
  end: number;
  requests: number;
  errors: number;
  started: number;
  dropped: number;
  maxUs: number;
  /** Sum of latencies (µs), for the mean: the window's histogram does not track it once seconds leave. */
  sumUs: number;
  /** Latency buckets of its records, so the window can take them out again. */
  latency: EncodedBuckets[];
}

export interface WindowResult {
  /** The worst window's value (expression units), null when no window had data. */
  worst: number | null;
  worstStartS: number | null;
  evaluated: number;
  failed: number;
  failing: FailingWindow[];
  /** Set when the scope ran for less than one window: it was judged once, over what there was. */
  shortRunS?: number;
}

const EPSILON = 1e-6;
/** Bucket arithmetic of the project's one histogram shape. */
const geometry = newHistogram() as unknown as JsHistogram;

export class WindowGate {
  readonly #expression: ThresholdExpression;
  readonly #filter: ScopeFilter;
  readonly #windowS: number;
  readonly #needsLatency: boolean;
  readonly #window: Interval[] = [];
  readonly #histogram: Histogram = newHistogram();
  #open: Interval | undefined;
  #scopeStartS: number | undefined;
  #sum = { requests: 0, errors: 0, started: 0, dropped: 0, sumUs: 0 };
  #worst: number | null = null;
  #worstStartS: number | null = null;
  #evaluated = 0;
  #failed = 0;
  readonly #failing: FailingWindow[] = [];
  #lastFailed = false;
  #cumulativeMaxUs = 0;

  /**
   * Without a window in the expression, the gate is cumulative: judged after every interval over
   * everything so far (what watching a whole-run threshold during the run means).
   */
  constructor(expression: ThresholdExpression, filter: ScopeFilter) {
    this.#expression = expression;
    this.#filter = filter;
    this.#windowS = expression.windowS ?? Number.POSITIVE_INFINITY;
    this.#needsLatency = !['errors', 'rps', 'dropped'].includes(expression.metric);
  }

  /** True when the latest window judged failed (what abortOnFail acts on). */
  get failingNow(): boolean {
    return this.#lastFailed;
  }

  feed(record: BodyRecord): void {
    if (record.type === 'step') {
      if (!this.#filter.step(record)) return;
      const interval = this.#intervalAt(record.t, record.dur);
      interval.requests += record.count;
      if (record.outcome !== 'ok') interval.errors += record.count;
      if (this.#needsLatency) {
        const latency = stepLatency(record);
        const { indices, counts } = latency;
        if (indices.length > 0) interval.maxUs = Math.max(interval.maxUs, geometry.highestEquivalentValue(geometry.valueFromIndex(indices[indices.length - 1]!)));
        if (this.#expression.metric === 'mean') for (let i = 0; i < indices.length; i++) interval.sumUs += geometry.medianEquivalentValue(geometry.valueFromIndex(indices[i]!)) * counts[i]!;
        interval.latency.push(latency);
      }
    } else if (record.type === 'iterations') {
      if (!this.#filter.phase(record.phase)) return;
      const interval = this.#intervalAt(record.t, record.dur);
      interval.started += record.started;
      for (const count of Object.values(record.dropped)) interval.dropped += count;
    }
  }

  /**
   * Judges the open interval now, without waiting for the next one's records. A run in progress
   * writes each interval in one batch, so once the batch is fed its interval is complete; waiting
   * for the next batch would stop an abortOnFail run an interval after its window failed.
   */
  endInterval(): void {
    this.#close();
  }

  /** Judges the last open interval; call once the stream has ended. */
  finish(): WindowResult {
    this.#close();
    const result: WindowResult = { worst: this.#worst, worstStartS: this.#worstStartS, evaluated: this.#evaluated, failed: this.#failed, failing: this.#failing };
    if (this.#evaluated === 0 && this.#window.length > 0) {
      // Shorter than one window: judge what there was, once, and say so.
      const first = this.#window[0]!.t;
      const last = this.#window[this.#window.length - 1]!.end;
      this.#judge(first, last, true);
      return { worst: this.#worst, worstStartS: this.#worstStartS, evaluated: this.#evaluated, failed: this.#failed, failing: this.#failing, shortRunS: round(last - first) };
    }
    return result;
  }

  #intervalAt(t: number, dur: number): Interval {
    if (this.#open !== undefined && t > this.#open.t + EPSILON) this.#close();
    if (this.#open === undefined) {
      this.#open = { t, end: t + dur, requests: 0, errors: 0, started: 0, dropped: 0, maxUs: 0, sumUs: 0, latency: [] };
      this.#scopeStartS ??= t;
    }
    return this.#open;
  }

  #close(): void {
    const interval = this.#open;
    if (interval === undefined) return;
    this.#open = undefined;
    this.#window.push(interval);
    this.#apply(interval, 1);
    if (this.#windowS === Number.POSITIVE_INFINITY) {
      // Cumulative: nothing leaves, and the latency buckets are already in the histogram.
      this.#window.length = 0;
      this.#cumulativeMaxUs = Math.max(this.#cumulativeMaxUs, interval.maxUs);
      return this.#judge(this.#scopeStartS!, interval.end, true);
    }
    // A live recorder's intervals begin a few milliseconds after whole seconds, late by a different
    // amount each time, so bounds are compared with half an interval to spare: an interval is in
    // the window when most of it is, and the first window counts once the scope has run for about
    // one. Exact comparisons would drop a second the window holds (halving its rate) or skip the
    // first window altogether.
    const slack = (interval.end - interval.t) / 2;
    const windowStart = interval.end - this.#windowS;
    while (this.#window.length > 0 && midpoint(this.#window[0]!) < windowStart) this.#apply(this.#window.shift()!, -1);
    if (interval.end - this.#scopeStartS! >= this.#windowS - slack) this.#judge(this.#window[0]?.t ?? windowStart, interval.end, false);
  }

  #apply(interval: Interval, sign: 1 | -1): void {
    this.#sum.requests += sign * interval.requests;
    this.#sum.errors += sign * interval.errors;
    this.#sum.started += sign * interval.started;
    this.#sum.dropped += sign * interval.dropped;
    this.#sum.sumUs += sign * interval.sumUs;
    for (const latency of interval.latency) {
      if (sign > 0) addBucketsInto(this.#histogram, latency);
      else subtractBucketsFrom(this.#histogram, latency);
    }
  }

  #judge(startS: number, endS: number, short: boolean): void {
    const value = this.#measure(short ? Math.max(endS - startS, 1e-3) : this.#windowS);
    if (value === null) return;
    this.#evaluated++;
    const { op, value: limit } = this.#expression;
    if (this.#worst === null || (largerIsWorse(op) ? value > this.#worst : value < this.#worst)) {
      this.#worst = value;
      this.#worstStartS = round(startS);
    }
    const passed = compare(value, op, limit);
    this.#lastFailed = !passed;
    if (passed) return;
    this.#failed++;
    const last = this.#failing[this.#failing.length - 1];
    // Overlapping failing windows are one failing stretch.
    if (last !== undefined && startS <= last.endS + EPSILON) last.endS = round(endS);
    else this.#failing.push({ startS: round(startS), endS: round(endS) });
  }

  #measure(seconds: number): number | null {
    const { metric, unit } = this.#expression;
    const sum = this.#sum;
    switch (metric) {
      case 'errors':
        if (sum.requests === 0) return null;
        return unit === 'count' ? sum.errors : sum.errors / sum.requests;
      case 'rps':
        return sum.requests / seconds;
      case 'dropped': {
        if (unit === 'count') return sum.dropped;
        const due = sum.started + sum.dropped;
        return due === 0 ? null : sum.dropped / due;
      }
      case 'max': {
        if (sum.requests === 0) return null;
        let maxUs = this.#cumulativeMaxUs;
        for (const interval of this.#window) maxUs = Math.max(maxUs, interval.maxUs);
        return round(maxUs / 1000);
      }
      case 'mean':
        return sum.requests === 0 ? null : round(sum.sumUs / sum.requests / 1000);
      default: {
        if (sum.requests === 0) return null;
        const percentile = Number(metric.slice(1));
        return round(this.#histogram.getValueAtPercentile(percentile) / 1000);
      }
    }
  }
}

function midpoint(interval: Interval): number {
  return (interval.t + interval.end) / 2;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
