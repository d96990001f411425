// What a request costs in CPU, from the levels of the searches: each level that held gives one
// point (load per replica, mean CPU per replica), and a least-squares line through them splits the
// CPU into a cost per request (the slope) and what a replica burns idle (the intercept). Levels
// above the knee are not in the evidence, so a saturated replica — pinned at its quota whatever the
// rate — does not flatten the slope.
import { mean } from '../percentile.js';
import type { CpuCostModel, LoadStepUsage } from './recommendation-types.js';
import { cpuValues } from './usage-sample.js';

/** The CPU cost line through the steps; null with fewer than two distinct loads that carry CPU samples. */
export function cpuCostModel(steps: readonly LoadStepUsage[]): CpuCostModel | null {
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
