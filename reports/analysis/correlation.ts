import type { Correlation, ResourceMetric, Series } from './analysis-types.js';

// How closely a resource series (CPU, throttling, memory) moves with the run's p99, bucket by
// bucket. Two measures, because each is fooled by something the other is not: Pearson's r weighs
// magnitudes, so one shared spike (a GC pause, a noisy neighbour) can push it near 1 on two series
// that otherwise have nothing to do with each other; Spearman's rho only sees order, so that spike
// counts as one rank among many. A relation the report calls strong has to convince both.

export interface CorrelationCandidate {
  target: string;
  replica: string | null;
  metric: ResourceMetric;
  values: Series;
}

/** Pearson's r over the buckets where both series have a value; null when it cannot say anything. */
export function pearson(xs: Series, ys: Series): { r: number; points: number } | null {
  const [px, py] = pairwise(xs, ys);
  const r = pearsonOfPairs(px, py);
  return r === null ? null : { r, points: px.length };
}

/** Spearman's rho (Pearson's r of the ranks, tied values sharing their average rank), same pairing. */
export function spearman(xs: Series, ys: Series): number | null {
  const [px, py] = pairwise(xs, ys);
  if (px.length < MIN_PAIRS) return null;
  return pearsonOfPairs(averageRanks(px), averageRanks(py));
}

/** Fewer buckets than this and a sample correlation is mostly luck: never more than 'weak'. */
export const MIN_POINTS_FOR_CONFIDENCE = 10;

/**
 * Thresholds, and why:
 * - strong: |r| ≥ 0.7 and |rho| ≥ 0.5, same sign. r ≥ 0.7 means the resource explains about half
 *   the variance of p99; rho ≥ 0.5 demands that the relation holds across the run and is not one
 *   shared spike. Latency against a saturating resource is a hockey stick rather than a line, so
 *   rho is asked for less than r would be on its own, not more.
 * - moderate: |r| ≥ 0.4 and |rho| ≥ 0.3, same sign: visibly related, worth reading next to the chart.
 * - weak: either measure ≥ 0.2 in size. One measure on its own (a shared spike, or signs that
 *   disagree) earns no more than this: a hint to look at the chart, not a finding.
 * - none otherwise.
 * Buckets of a time series are not independent (a slow drift moves both series for minutes), which
 * inflates apparent correlation; the thresholds are set high for that reason, and below
 * MIN_POINTS_FOR_CONFIDENCE points nothing is called more than weak.
 */
export function correlationStrength(r: number, rho: number, points: number): Correlation['strength'] {
  const sameSign = Math.sign(r) === Math.sign(rho);
  const confident = points >= MIN_POINTS_FOR_CONFIDENCE && sameSign;
  if (confident && Math.abs(r) >= 0.7 && Math.abs(rho) >= 0.5) return 'strong';
  if (confident && Math.abs(r) >= 0.4 && Math.abs(rho) >= 0.3) return 'moderate';
  if (Math.max(Math.abs(r), Math.abs(rho)) >= 0.2) return 'weak';
  return 'none';
}

/**
 * One Correlation per candidate that has enough data (at least three shared buckets, neither side
 * constant), strongest first: by strength class, then |r|, then |rho|. The class comes first so a
 * lone shared spike (high r, 'weak') does not sit above a relation both measures agree on.
 */
export function correlate(p99: Series, candidates: readonly CorrelationCandidate[]): Correlation[] {
  const correlations: Correlation[] = [];
  for (const candidate of candidates) {
    const linear = pearson(candidate.values, p99);
    const rho = spearman(candidate.values, p99);
    if (linear === null || rho === null) continue;
    correlations.push({
      target: candidate.target,
      replica: candidate.replica,
      metric: candidate.metric,
      r: linear.r,
      rho,
      points: linear.points,
      strength: correlationStrength(linear.r, rho, linear.points),
    });
  }
  return correlations.sort(
    (a, b) =>
      STRENGTH_ORDER[a.strength] - STRENGTH_ORDER[b.strength] ||
      Math.abs(b.r) - Math.abs(a.r) ||
      Math.abs(b.rho) - Math.abs(a.rho),
  );
}

const MIN_PAIRS = 3;

const STRENGTH_ORDER: Record<Correlation['strength'], number> = { strong: 0, moderate: 1, weak: 2, none: 3 };

function pairwise(xs: Series, ys: Series): [number[], number[]] {
  const px: number[] = [];
  const py: number[] = [];
  const length = Math.min(xs.length, ys.length);
  for (let i = 0; i < length; i++) {
    const x = xs[i];
    const y = ys[i];
    if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y)) {
      px.push(x);
      py.push(y);
    }
  }
  return [px, py];
}

/** Null for fewer than three pairs or a constant side (no variance, so no correlation to speak of). */
function pearsonOfPairs(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < MIN_PAIRS) return null;
  const meanX = mean(xs);
  const meanY = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - meanX;
    const dy = ys[i]! - meanY;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  // Rounding can carry a perfect relation a hair past ±1.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Ranks from 1; a run of equal values all get the mean of the ranks they span. */
function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Array<number>(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1]!] === values[order[start]!]) end++;
    const shared = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]!] = shared;
    start = end + 1;
  }
  return ranks;
}
