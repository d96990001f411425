import type { RunAnalysis, Series, TargetResourceSeries } from '../analysis/analysis-types.js';
import type { CapacityStudy } from '../capacity/capacity-study-types.js';
import { buildCapacityChartData, capacityChartIds, type CapacityChartData } from './capacity-chart-data.js';
import { roundSignificant } from './format.js';

// What the report's browser code draws, and nothing else: columnar arrays on the timeline's buckets,
// numbers cut to four significant digits (charts cannot show more), memory in MiB (shorter than
// bytes). Tables are rendered on the server and do not need to be here. An hour-long run with ten
// steps and fifteen replicas stays well under a megabyte and a half of JSON.

const DIGITS = 4;
const MIB = 1024 * 1024;

export interface ReportData {
  bucketS: number;
  /** Start of each bucket, seconds on the run clock. */
  t: number[];
  latency: { p50: Series; p90: Series; p99: Series; max: Series };
  traffic: { rps: number[]; errorsPerS: number[]; /** null when nothing was dropped. */ droppedPerS: number[] | null };
  steps: Array<{ name: string; p95: Series }>;
  resources: ResourceChartData[];
  faults: FaultMarkerData[];
  throughput: {
    rps: number[];
    p50: number[];
    p99: number[];
    knee: { rps: number; p99Ms: number; note: string } | null;
  };
  /** Percentiles (0–100, below 100) and their latency, ms. */
  distribution: { percentile: number[]; ms: number[] };
  /** The capacity section's charts; null when the report has no capacity study. */
  capacity: CapacityChartData | null;
}

/** One target's resource charts: one series per replica; a metric is null when no replica reported it. */
export interface ResourceChartData {
  target: string;
  replicas: string[];
  limits: { cpuCores: number | null; memoryMiB: number | null };
  cpuCores: Series[] | null;
  throttledPct: Series[] | null;
  workingSetMiB: Series[] | null;
}

export interface FaultMarkerData {
  label: string;
  startS: number;
  /** null: never undone within the run. */
  endS: number | null;
  /** Outages attributed to the fault, [start, end] seconds. */
  outages: Array<[number, number]>;
}

export function buildReportData(analysis: RunAnalysis, capacity: CapacityStudy | null = null): ReportData {
  const { timeline } = analysis;
  const overall = timeline.overall;
  const dropped = timeline.droppedPerS.some((v) => v > 0);
  const throughputPoints = [...analysis.throughput.points].sort((a, b) => a.rps - b.rps);
  const knee = analysis.throughput.knee;
  // 1/(1 − p) is infinite at the 100th percentile: that point cannot sit on the spectrum's log axis.
  const spectrum = analysis.distribution.filter((d) => d.percentile < 100 && d.percentile >= 0);
  return {
    bucketS: timeline.bucketS,
    t: timeline.t.map(roundTime),
    latency: { p50: series(overall.p50), p90: series(overall.p90), p99: series(overall.p99), max: series(overall.max) },
    traffic: {
      rps: numbers(overall.rps),
      errorsPerS: numbers(overall.errorsPerS),
      droppedPerS: dropped ? numbers(timeline.droppedPerS) : null,
    },
    steps: Object.entries(timeline.steps).map(([name, traffic]) => ({ name, p95: series(traffic.p95) })),
    resources: analysis.resources.map(resourceChartData),
    faults: analysis.faultDrill.map((fault) => ({
      label: fault.label,
      startS: roundTime(fault.startS),
      endS: fault.endS === null ? null : roundTime(fault.endS),
      outages: fault.outages.map((o): [number, number] => [roundTime(o.t), roundTime(o.end)]),
    })),
    throughput: {
      rps: throughputPoints.map((p) => round(p.rps)),
      p50: throughputPoints.map((p) => round(p.p50)),
      p99: throughputPoints.map((p) => round(p.p99)),
      knee: knee === null ? null : { rps: round(knee.rps), p99Ms: round(knee.p99Ms), note: knee.note },
    },
    distribution: {
      percentile: spectrum.map((d) => d.percentile),
      ms: spectrum.map((d) => round(d.ms)),
    },
    capacity: buildCapacityChartData(capacity),
  };
}

function resourceChartData(target: TargetResourceSeries): ResourceChartData {
  const metric = (pick: (values: TargetResourceSeries['replicas'][number]) => Series, scale = 1): Series[] | null => {
    const all = target.replicas.map((replica) => pick(replica).map((v) => (v === null ? null : round(v / scale))));
    return all.some((values) => values.some((v) => v !== null)) ? all : null;
  };
  return {
    target: target.target,
    replicas: target.replicas.map((r) => r.replica),
    limits: {
      cpuCores: target.limits.cpuCores,
      memoryMiB: target.limits.memoryBytes === null ? null : round(target.limits.memoryBytes / MIB),
    },
    cpuCores: metric((r) => r.cpuCores),
    throttledPct: metric((r) => r.throttledPct),
    workingSetMiB: metric((r) => r.workingSetBytes, MIB),
  };
}

function round(value: number): number {
  return roundSignificant(value, DIGITS);
}

/** Times keep millisecond resolution: significant digits would blur the end of a long run. */
function roundTime(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

function series(values: Series): Series {
  return values.map((v) => (v === null ? null : round(v)));
}

function numbers(values: number[]): number[] {
  return values.map(round);
}

/** The ids of the charts the data can fill, in page order: the template draws a container for each. */
export function chartIds(data: ReportData): string[] {
  const ids: string[] = [];
  if (data.t.length > 0) {
    ids.push('latency', 'traffic');
    if (data.steps.length > 0) ids.push('steps');
    data.resources.forEach((target, i) => {
      if (target.cpuCores !== null) ids.push(`cpu-${i}`);
      if (target.throttledPct !== null) ids.push(`throttled-${i}`);
      if (target.workingSetMiB !== null) ids.push(`memory-${i}`);
    });
  }
  if (data.throughput.rps.length >= 2) ids.push('throughput');
  if (data.distribution.percentile.length >= 2) ids.push('distribution');
  ids.push(...capacityChartIds(data.capacity));
  return ids;
}
