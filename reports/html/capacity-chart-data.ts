import type { CapacityStudy, StudySearch } from '../capacity/capacity-study-types.js';
import { roundSignificant } from './format.js';
import { uslThroughput } from '../capacity/usl.js';

// What the capacity section's two charts draw, computed here so the browser only plots: the search
// chart (latency of each level against the rate offered, per search) and the scaling chart (knees
// against replicas, the USL curve through them, the rates to carry). uPlot wants columns on one
// shared x, so every series is a column on the union of x values, null where it has no point.

const DIGITS = 4;
/** The scaling chart's x axis stops here unless the recommendation itself lies beyond it. */
const MAX_CHART_REPLICAS = 32;

export interface CapacityChartData {
  search: SearchChartData | null;
  scaling: ScalingChartData | null;
}

export interface SearchChartData {
  /** The latency percentile on the y axis: the SLO's own when every level reports it, else p99. */
  metric: string;
  /** Every rate offered by any search, ascending, once. */
  rate: number[];
  /** One per search, in the study's order. */
  searches: Array<{
    label: string;
    /** The level's latency at each rate, null where this search offered no such rate (or measured none). */
    latency: Array<number | null>;
    /** The same for the levels that failed only: drawn as marked points over the line. */
    failed: Array<number | null>;
    kneeRps: number | null;
  }>;
  /** The SLO's bound on `metric`, ms; null when the SLO has none on it. */
  sloMs: number | null;
}

export interface ScalingChartData {
  /** The x axis: replica counts from 1, in steps fine enough for the curve to look smooth. */
  replicas: number[];
  /** X(N) on `replicas`; null when nothing was fitted (no recommendation). */
  curve: number[] | null;
  /** 'USL fit', 'linear fit' (linear within the searches' resolution) or 'linear (assumed)'. */
  curveLabel: string;
  /** Knees measured, on `replicas`: more than one column when a count was searched more than once. */
  measured: Array<Array<number | null>>;
  requiredRps: number;
  peakRps: number;
  /** Where the recommendation lands; null without one. */
  recommendedReplicas: number | null;
}

export function buildCapacityChartData(study: CapacityStudy | null | undefined): CapacityChartData | null {
  if (study === null || study === undefined) return null;
  return { search: searchChart(study.searches), scaling: scalingChart(study) };
}

/** The ids of the capacity charts the data can fill, in page order. */
export function capacityChartIds(data: CapacityChartData | null): string[] {
  const ids: string[] = [];
  if (data?.search) ids.push('capacity-search');
  if (data?.scaling) ids.push('capacity-scaling');
  return ids;
}

// ---- the search chart ----

function searchChart(searches: readonly StudySearch[]): SearchChartData | null {
  const metric = chartMetric(searches);
  const valueOf = (level: StudySearch['search']['levels'][number]): number | null => {
    const v = metric === 'p99' ? (level.latency['p99'] ?? level.p99) : level.latency[metric];
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? round(v) : null;
  };
  const rates = [...new Set(searches.flatMap((s) => s.search.levels.filter((l) => valueOf(l) !== null).map((l) => round(l.rate))))].sort((a, b) => a - b);
  if (rates.length === 0) return null;
  const index = new Map(rates.map((r, i) => [r, i]));
  const bound = searches.flatMap((s) => s.search.slo?.latency ?? []).find((b) => b.metric === metric);
  return {
    metric,
    rate: rates,
    searches: searches.map((s) => {
      const latency: Array<number | null> = rates.map(() => null);
      const failed: Array<number | null> = rates.map(() => null);
      // Time order: a rate offered twice keeps its last level, which is what the search concluded from.
      for (const level of s.search.levels) {
        const v = valueOf(level);
        const i = index.get(round(level.rate));
        if (v === null || i === undefined) continue;
        latency[i] = v;
        failed[i] = level.passed ? null : v;
      }
      return { label: replicasLabel(s.replicas), latency, failed, kneeRps: s.search.kneeRps === null ? null : round(s.search.kneeRps) };
    }),
    sloMs: bound === undefined ? null : round(bound.maxMs),
  };
}

/** The SLO's first latency percentile when every level of every search reports it, otherwise p99. */
export function chartMetric(searches: readonly StudySearch[]): string {
  const first = searches.flatMap((s) => s.search.slo?.latency ?? [])[0]?.metric;
  if (first === undefined || first === 'p99') return 'p99';
  const everyLevel = searches.every((s) => s.search.levels.every((l) => first in l.latency));
  return everyLevel ? first : 'p99';
}

export function replicasLabel(n: number): string {
  return `${n} ${n === 1 ? 'replica' : 'replicas'}`;
}

// ---- the scaling chart ----

function scalingChart(study: CapacityStudy): ScalingChartData | null {
  const rec = study.recommendation;
  if (rec === null && study.searches.length < 2) return null;
  const knees = study.searches.filter((s) => s.search.kneeRps !== null).map((s) => ({ replicas: s.replicas, kneeRps: s.search.kneeRps as number }));
  // With knees at one count only, the recommendation assumed capacity linear in replicas: γ = capacity per replica.
  const usl = rec === null ? null : (rec.scaling ?? { alpha: 0, beta: 0, gamma: rec.perReplicaCapacityRps, peakReplicas: null });
  const measuredMax = Math.max(0, ...study.searches.map((s) => s.replicas));
  const recommended = rec?.replicas ?? null;
  let maxN = Math.max(3, measuredMax + 2, recommended === null ? 0 : recommended + 2);
  if (usl?.peakReplicas != null && Number.isFinite(usl.peakReplicas)) maxN = Math.max(maxN, Math.ceil(usl.peakReplicas) + 1);
  maxN = Math.min(maxN, Math.max(MAX_CHART_REPLICAS, recommended === null ? 0 : recommended + 2, measuredMax));
  const step = maxN <= 16 ? 0.25 : maxN <= MAX_CHART_REPLICAS ? 0.5 : 1;
  const replicas: number[] = [];
  for (let i = 0; 1 + i * step <= maxN + 1e-9; i++) replicas.push(1 + i * step);
  return {
    replicas,
    curve: usl === null ? null : replicas.map((n) => round(uslThroughput(n, usl.alpha, usl.beta, usl.gamma))),
    curveLabel: rec?.scaling ? (rec.scaling.linearWithinResolution === true ? 'linear fit' : 'USL fit') : 'linear (assumed)',
    measured: measuredColumns(replicas, knees),
    requiredRps: round(rec?.sizing.requiredRps ?? study.plan.peakRps * (1 + study.plan.headroom)),
    peakRps: round(rec?.sizing.targetPeakRps ?? study.plan.peakRps),
    recommendedReplicas: recommended,
  };
}

/** Each knee in the first column whose slot at its replica count is still free. */
function measuredColumns(replicas: readonly number[], knees: ReadonlyArray<{ replicas: number; kneeRps: number }>): Array<Array<number | null>> {
  const columns: Array<Array<number | null>> = [];
  for (const knee of knees) {
    const i = replicas.indexOf(knee.replicas);
    if (i < 0) continue;
    let column = columns.find((c) => c[i] === null);
    if (column === undefined) columns.push((column = replicas.map(() => null)));
    column[i] = round(knee.kneeRps);
  }
  return columns;
}

function round(value: number): number {
  return roundSignificant(value, DIGITS);
}
