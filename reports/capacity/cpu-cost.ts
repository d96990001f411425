// What a request costs in CPU, from the levels of the searches: each level that held gives one
// point (load per replica, mean CPU per replica), and a least-squares line through them splits the
// CPU into a cost per request (the slope) and what a replica burns idle (the intercept). Levels
// above the knee are not in the evidence, and levels throttled by the CPU quota are left out when
// two or more others remain, so a replica pinned at its quota whatever the rate does not flatten it.
import { mean } from '../percentile.js';
import type { CpuCostModel, LoadStepUsage } from './recommendation-types.js';
import { cpuValues } from './usage-sample.js';

/** Steps throttled more than this are left out when enough others remain: their CPU is the quota, not the demand. */
const MAX_THROTTLED_PCT = 5;

/** The CPU cost line through the steps; null with fewer than two distinct loads that carry CPU samples. */
export function cpuCostModel(steps: readonly LoadStepUsage[]): CpuCostModel | null {
  const free = steps.filter((s) => (s.throttledPct ?? 0) <= MAX_THROTTLED_PCT);
  return lineThrough(new Set(free.map((s) => s.rpsPerReplica)).size >= 2 ? free : steps);
}

function lineThrough(steps: readonly LoadStepUsage[]): CpuCostModel | null {
  const points = steps.flatMap((s) => {
    const cores = mean(cpuValues(s.samples));
    return cores === null ? [] : [{ x: s.rpsPerReplica, y: cores }];
  });
  if (new Set(points.map((p) => p.x)).size < 2) return null;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / points.length;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / points.length;
  const sxx = points.reduce((sum, p) => sum + (p.x - meanX) ** 2, 0);
  const sxy = points.reduce((sum, p) => sum + (p.x - meanX) * (p.y - meanY), 0);
  const coresPerRps = sxy / sxx;
  return { coresPerRps, idleCores: meanY - coresPerRps * meanX };
}
