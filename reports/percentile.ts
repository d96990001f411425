// Percentiles, two ways, because the tools we compare against disagree on the definition:
// the project (and Prometheus-style tools) state nearest-rank percentiles; KRR calls numpy's
// `percentile`, which interpolates linearly between the two closest ranks. On a few dozen samples
// the two can differ by a sample's worth, so each recommender uses its own.

/** Nearest-rank: the smallest sample with at least p% of samples at or below it. */
export function nearestRankPercentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** Linear interpolation between closest ranks (numpy's default `linear` method). */
export function interpolatedPercentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (p / 100) * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (position - below);
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}
