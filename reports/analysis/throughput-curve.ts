import type { Histogram } from 'hdr-histogram-js';
import { newHistogram } from '../../scenarios/results/histogram.js';
import type { Knee, ThroughputCurve, ThroughputPoint } from './analysis-types.js';

// Latency against achieved throughput: the seconds of a run pooled by how much traffic they
// carried, and the knee where latency stops being flat. Seconds are pooled by achieved throughput,
// not by the rate the scenario asked for, because an overloaded system serves less than it is
// offered and it is the served rate that capacity planning needs.

/** One timeline bucket of a run. */
export interface ThroughputSample {
  /** Requests completed per second in the bucket. */
  rps: number;
  errors: number;
  requests: number;
  /**
   * Adds this bucket's latency (µs) into a histogram. A callback rather than a histogram: a long run
   * has thousands of buckets, and a full histogram each would cost tens of megabytes.
   */
  addLatencyTo(target: Histogram): void;
}

export interface ThroughputCurveOptions {
  /** The run's p99 threshold, ms: when given, the knee is where the curve stops meeting it. */
  p99SloMs?: number;
  /** Most points on the curve (30 unless told). */
  maxPoints?: number;
}

/** A knee when there is one, and always a sentence saying what was found or why there is none. */
export interface KneeVerdict {
  knee: Knee | null;
  note: string;
}

export const DEFAULT_MAX_POINTS = 30;

/**
 * A bin is never narrower than this share of the highest throughput (nor than 1/s): a run held at
 * one rate wobbles by a percent or two from second to second, and splitting that wobble into
 * points would draw a curve out of noise. Such a run becomes one point.
 */
export const MIN_BIN_WIDTH_SHARE = 0.02;

/** A bin with fewer buckets than this joins a neighbour: one odd second is not a level of load. */
export const MIN_BUCKETS_PER_POINT = 2;

/** A point whose error rate reaches this does not count as meeting the SLO, however fast it was. */
export const MAX_ERROR_RATE_FOR_SLO = 0.01;

/** Without an SLO there is a knee only when the highest p99 is at least this multiple of the lowest. */
export const MIN_P99_RISE = 1.5;

/**
 * How far below the straight line from first to last point (on axes normalised to 0…1) the knee
 * must sit. A curve that rises about as fast as throughput from the start has no knee to point at.
 */
export const MIN_BEND = 0.15;

/**
 * Pools the buckets into points of similar throughput and finds the knee. `points[].seconds`
 * counts buckets, which are seconds on the usual one-second timeline.
 */
export function throughputCurve(samples: readonly ThroughputSample[], options: ThroughputCurveOptions): ThroughputCurve {
  const points = poolByThroughput(samples, options.maxPoints ?? DEFAULT_MAX_POINTS);
  const { knee, note } = kneeVerdict(points, options.p99SloMs);
  return { points, knee, note };
}

/** The knee of a curve whose points are in ascending throughput; see kneeVerdict for why it may be null. */
export function findKnee(points: readonly ThroughputPoint[], p99SloMs?: number): Knee | null {
  return kneeVerdict(points, p99SloMs).knee;
}

/**
 * The knee with its explanation. A Knee is returned only when one exists; when none does (the
 * lowest throughput already broke the SLO, the curve is flat, too few points) the note says which,
 * so a report can print it in the knee's place.
 */
export function kneeVerdict(points: readonly ThroughputPoint[], p99SloMs?: number): KneeVerdict {
  if (points.length === 0) return { knee: null, note: 'no requests completed: no throughput curve' };
  return p99SloMs === undefined ? curvatureKnee(points) : sloKnee(points, p99SloMs);
}

function poolByThroughput(samples: readonly ThroughputSample[], maxPoints: number): ThroughputPoint[] {
  const active = samples.filter((s) => s.requests > 0);
  if (active.length === 0) return [];
  let minRps = Infinity;
  let maxRps = -Infinity;
  for (const s of active) {
    minRps = Math.min(minRps, s.rps);
    maxRps = Math.max(maxRps, s.rps);
  }
  const range = maxRps - minRps;
  const minWidth = Math.max(1, MIN_BIN_WIDTH_SHARE * maxRps);
  const binCount = range === 0 ? 1 : Math.max(1, Math.min(Math.floor(maxPoints) || 1, Math.ceil(range / minWidth)));
  const width = range / binCount;
  const binOf = (rps: number): number => (binCount === 1 ? 0 : Math.min(binCount - 1, Math.floor((rps - minRps) / width)));

  // First pass: only counts, so sparse bins can be merged before any histogram is touched.
  const bins = Array.from({ length: binCount }, () => ({ buckets: 0, rpsSum: 0 }));
  const sampleBins = active.map((s) => {
    const bin = binOf(s.rps);
    bins[bin]!.buckets++;
    bins[bin]!.rpsSum += s.rps;
    return bin;
  });
  const groups = mergeSparseBins(bins);
  const groupOfBin = new Array<number>(binCount).fill(-1);
  groups.forEach((g, index) => {
    for (let b = g.firstBin; b <= g.lastBin; b++) groupOfBin[b] = index;
  });

  // Second pass: each bucket's histogram added once into its group's single merged histogram.
  const pooled = groups.map(() => ({ latency: newHistogram(), errors: 0, requests: 0 }));
  active.forEach((s, i) => {
    const into = pooled[groupOfBin[sampleBins[i]!]!]!;
    s.addLatencyTo(into.latency);
    into.errors += s.errors;
    into.requests += s.requests;
  });

  return groups.map((g, i) => {
    const { latency, errors, requests } = pooled[i]!;
    return {
      rps: g.rpsSum / g.buckets,
      p50: latency.getValueAtPercentile(50) / 1000,
      p99: latency.getValueAtPercentile(99) / 1000,
      errorRate: errors / requests,
      seconds: g.buckets,
    };
  });
}

interface BinGroup {
  firstBin: number;
  lastBin: number;
  buckets: number;
  rpsSum: number;
}

/**
 * Non-empty bins as groups, each sparse one merged into the neighbour whose mean throughput is
 * nearer (the lower one on a tie), until every group holds MIN_BUCKETS_PER_POINT buckets or only
 * one group is left. Empty bins in between are simply spanned.
 */
function mergeSparseBins(bins: ReadonlyArray<{ buckets: number; rpsSum: number }>): BinGroup[] {
  const groups: BinGroup[] = [];
  bins.forEach((bin, index) => {
    if (bin.buckets > 0) groups.push({ firstBin: index, lastBin: index, buckets: bin.buckets, rpsSum: bin.rpsSum });
  });
  const meanRps = (g: BinGroup): number => g.rpsSum / g.buckets;
  for (;;) {
    const sparse = groups.findIndex((g) => g.buckets < MIN_BUCKETS_PER_POINT);
    if (sparse < 0 || groups.length === 1) return groups;
    const group = groups[sparse]!;
    const below = groups[sparse - 1];
    const above = groups[sparse + 1];
    const intoBelow =
      below !== undefined && (above === undefined || meanRps(group) - meanRps(below) <= meanRps(above) - meanRps(group));
    const target = intoBelow ? below! : above!;
    target.firstBin = Math.min(target.firstBin, group.firstBin);
    target.lastBin = Math.max(target.lastBin, group.lastBin);
    target.buckets += group.buckets;
    target.rpsSum += group.rpsSum;
    groups.splice(sparse, 1);
  }
}

/**
 * The highest throughput that met the SLO (p99 within it, errors under 1%), looking only below the
 * first point that failed. A point above a failure can pass by accident: it may hold a couple of
 * seconds, or be a burst of throughput while a backlog drained after the system choked. The
 * capacity a planner can rely on is what held all the way up from the bottom, so the first failure
 * ends the search.
 */
function sloKnee(points: readonly ThroughputPoint[], sloMs: number): KneeVerdict {
  const meets = (p: ThroughputPoint): boolean => p.p99 <= sloMs && p.errorRate < MAX_ERROR_RATE_FOR_SLO;
  const criterion = `p99 within ${formatMs(sloMs)} ms and errors under ${MAX_ERROR_RATE_FOR_SLO * 100}%`;
  const firstFailure = points.findIndex((p) => !meets(p));
  if (firstFailure === 0) {
    const lowest = points[0]!;
    return {
      knee: null,
      note: `${criterion} not met even at the lowest throughput measured: ${describe(lowest)}`,
    };
  }
  const lastPassing = firstFailure < 0 ? points.length - 1 : firstFailure - 1;
  const best = points[lastPassing]!;
  const note =
    firstFailure < 0
      ? `${criterion} at every throughput measured, up to ${formatRps(best.rps)}: the limit lies higher`
      : `highest throughput with ${criterion}: ${formatRps(best.rps)} (next, ${describe(points[firstFailure]!)})`;
  return { knee: { rps: best.rps, p99Ms: best.p99, method: 'slo', sloMs, note }, note };
}

/**
 * Kneedle (Satopää, Albrecht, Irwin, Raghavan 2011) on throughput → p99: both axes normalised to
 * 0…1, and the knee is the point furthest below the straight line from the first point to the last
 * (the maximum of x − y, the form the method takes for a convex increasing curve). Nothing is
 * claimed for a curve that is flat (p99 never rises to MIN_P99_RISE × its lowest), that does not
 * bend (MIN_BEND), or whose furthest point is the last one (latency never rose after it).
 */
function curvatureKnee(points: readonly ThroughputPoint[]): KneeVerdict {
  if (points.length < 4) {
    return { knee: null, note: `only ${points.length} level${points.length === 1 ? '' : 's'} of throughput: too few to place a knee` };
  }
  const first = points[0]!;
  const last = points[points.length - 1]!;
  let minP99 = Infinity;
  let maxP99 = -Infinity;
  for (const p of points) {
    minP99 = Math.min(minP99, p.p99);
    maxP99 = Math.max(maxP99, p.p99);
  }
  const span = `${formatRps(first.rps)} to ${formatRps(last.rps)}`;
  if (maxP99 <= 0 || maxP99 < MIN_P99_RISE * minP99 || last.rps <= first.rps) {
    return { knee: null, note: `p99 stays between ${formatMs(minP99)} and ${formatMs(maxP99)} ms from ${span}: no knee` };
  }
  let kneeIndex = 0;
  let bend = -Infinity;
  points.forEach((p, i) => {
    const x = (p.rps - first.rps) / (last.rps - first.rps);
    const y = (p.p99 - minP99) / (maxP99 - minP99);
    if (x - y > bend) {
      bend = x - y;
      kneeIndex = i;
    }
  });
  if (bend < MIN_BEND || kneeIndex === points.length - 1) {
    return { knee: null, note: `p99 rises from ${formatMs(minP99)} to ${formatMs(maxP99)} ms over ${span} without a clear knee` };
  }
  const knee = points[kneeIndex]!;
  const note = `latency turns upward at about ${formatRps(knee.rps)}: p99 ${formatMs(knee.p99)} ms there, ${formatMs(last.p99)} ms at ${formatRps(last.rps)}`;
  return { knee: { rps: knee.rps, p99Ms: knee.p99, method: 'curvature', note }, note };
}

function describe(point: ThroughputPoint): string {
  return `${formatRps(point.rps)} had p99 ${formatMs(point.p99)} ms and ${formatPercent(point.errorRate)} errors`;
}

function formatRps(rps: number): string {
  return `${rps >= 10 ? Math.round(rps) : Number(rps.toPrecision(2))}/s`;
}

function formatMs(ms: number): string {
  return String(ms >= 10 ? Math.round(ms) : Number(ms.toPrecision(2)));
}

function formatPercent(rate: number): string {
  return `${Number((rate * 100).toPrecision(2))}%`;
}
