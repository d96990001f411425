// Picking a flow by weight: cumulative weights are computed once (compileFlows), a pick is one random
// number and a binary search.

export interface Weighted {
  /** Sum of the weights of this item and all before it; non-decreasing along the list. */
  cumulativeWeight: number;
}

/** Adds cumulative weights to items that have a `weight` (negative or NaN weights count as 0). */
export function withCumulativeWeights<T extends { weight: number }>(items: readonly T[]): Array<T & Weighted> {
  let sum = 0;
  return items.map((item) => {
    sum += item.weight > 0 ? item.weight : 0;
    return { ...item, cumulativeWeight: sum };
  });
}

/**
 * One item, chosen with probability proportional to its weight. `random` returns [0, 1) (pass a
 * seeded generator for reproducible runs). If every weight is 0, the first item is returned.
 * Throws RangeError on an empty list.
 */
export function pickWeighted<T extends Weighted>(items: readonly T[], random: () => number = Math.random): T {
  const n = items.length;
  if (n === 0) throw new RangeError('pickWeighted: no items to pick from');
  if (n === 1) return items[0]!;
  const total = items[n - 1]!.cumulativeWeight;
  if (!(total > 0)) return items[0]!;
  const r = random() * total;
  // First item whose cumulative weight exceeds r.
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid]!.cumulativeWeight > r) hi = mid;
    else lo = mid + 1;
  }
  return items[lo]!;
}
