// Which scaling model the knees support. A search brackets its knee between the highest rate that
// held and the lowest that failed; knees at two or three replica counts measured that coarsely can
// differ by a few percent per replica from noise alone, and a USL fitted through them reads that
// noise as contention (two knees 7% apart per replica give α ≈ 0.07, which predicts 20% less at
// five replicas). So before fitting contention, ask whether one per-replica capacity γ fits inside
// every bracket: if it does, the data cannot tell the tier from a linear one, and linear it is.
import type { KneeMeasurement } from './recommendation-types.js';
import { fitUsl, linearFit, type UslFit } from './usl.js';

/**
 * A level near the knee holds or fails by a few percent either way from run to run (the p99 of a few
 * seconds of requests); brackets are widened by this much before they are compared.
 */
export const BRACKET_TOLERANCE = 0.05;

export interface ScalingFit {
  fit: UslFit;
  /** Linear scaling explained every knee within its bracket, so α and β were not fitted. */
  linearWithinResolution: boolean;
}

export function scalingFit(knees: readonly KneeMeasurement[]): ScalingFit {
  const points = knees.map((k) => ({ replicas: k.replicas, throughput: k.kneeRps }));
  const counts = new Set(knees.map((k) => k.replicas)).size;
  if (counts >= 2 && linearFitsBrackets(knees)) return { fit: linearFit(points), linearWithinResolution: true };
  return { fit: fitUsl(points), linearWithinResolution: false };
}

/**
 * Is there one per-replica capacity inside every knee's [held, failed) bracket, give or take the
 * tolerance? Only asked when every search found its failing rate: a knee whose search never
 * failed is a lower bound, which any large enough capacity satisfies, so it cannot argue for linear.
 */
function linearFitsBrackets(knees: readonly KneeMeasurement[]): boolean {
  let lowest = 0;
  let highest = Infinity;
  for (const k of knees) {
    if (k.failedRps === undefined || k.failedRps === null) return false;
    lowest = Math.max(lowest, (k.kneeRps / k.replicas) * (1 - BRACKET_TOLERANCE));
    highest = Math.min(highest, (k.failedRps / k.replicas) * (1 + BRACKET_TOLERANCE));
  }
  return lowest <= highest;
}
