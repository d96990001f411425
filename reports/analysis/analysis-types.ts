import type { LatencySummary, RunSummary } from '../summary-types.js';

// What the analysis of one results stream produces: everything the HTML report draws and the
// Markdown summary quotes. Plain data (numbers, strings, arrays) so it can be embedded in a report
// as JSON. Times are seconds on the run clock, latencies milliseconds, rates per second.

/** A value per timeline bucket; null where there was nothing to measure in that bucket. */
export type Series = Array<number | null>;

/** Request traffic of one scope (the whole run, or one step) bucket by bucket. */
export interface TrafficSeries {
  /** Requests completed per second in each bucket. */
  rps: number[];
  /** Failed requests per second in each bucket. */
  errorsPerS: number[];
  /** Latency from when each request was due, ms; null where no request completed in the bucket. */
  p50: Series;
  p90: Series;
  p95: Series;
  p99: Series;
  p999: Series;
  max: Series;
}

export interface Timeline {
  /** Seconds each point covers: 1, or more for long runs (histograms are merged exactly). */
  bucketS: number;
  /** Start of each bucket. */
  t: number[];
  overall: TrafficSeries;
  steps: Record<string, TrafficSeries>;
  /** Iterations that could not start (in-flight bound reached), per second. */
  droppedPerS: number[];
  /** Most iterations in flight during each bucket. */
  maxInFlight: number[];
}

/** One replica's resource usage on the timeline's buckets. */
export interface ReplicaResourceSeries {
  replica: string;
  cpuCores: Series;
  /** Share of CFS periods throttled, percent. */
  throttledPct: Series;
  workingSetBytes: Series;
}

export interface TargetResourceSeries {
  target: string;
  source: string;
  limits: { cpuCores: number | null; memoryBytes: number | null };
  replicas: ReplicaResourceSeries[];
}

export type ResourceMetric = 'cpuCores' | 'throttledPct' | 'workingSetBytes';

/** How closely one resource series moves with the run's p99, bucket by bucket. */
export interface Correlation {
  target: string;
  /** null: the target as a whole (sum of CPU and memory, mean of throttling over replicas). */
  replica: string | null;
  metric: ResourceMetric;
  /** Pearson's r over buckets where both series have a value, −1…1. */
  r: number;
  /** Spearman's rank correlation over the same buckets (robust to a single spike). */
  rho: number;
  /** Buckets used. */
  points: number;
  strength: 'strong' | 'moderate' | 'weak' | 'none';
}

/** Latency at one level of achieved throughput: seconds with similar throughput pooled together. */
export interface ThroughputPoint {
  rps: number;
  p50: number;
  p99: number;
  errorRate: number;
  /** Seconds pooled into this point. */
  seconds: number;
}

export interface Knee {
  rps: number;
  p99Ms: number;
  /** 'slo': the highest throughput whose p99 met the run's p99 threshold; 'curvature': where latency turns upward. */
  method: 'slo' | 'curvature';
  sloMs?: number;
  note: string;
}

export interface ThroughputCurve {
  points: ThroughputPoint[];
  knee: Knee | null;
  /** What the knee search concluded, also when there is no knee ("p99 stays between 4 and 6 ms: no knee"). */
  note?: string;
}

/** One fault of the chaos drill and what it did to the clients. */
export interface FaultDrillRow {
  label: string;
  action: string;
  target: string;
  replicas: string[];
  detail: string;
  error?: string;
  startS: number;
  /** When it was undone (restart, resume, heal), null if never. */
  endS: number | null;
  /** Outages attributed to it. */
  outages: Array<{ t: number; end: number; durationS: number; failed: number; ok: number }>;
  /** Total seconds unavailable (sum of its outages). */
  unavailableS: number;
  /** From the fault taking effect to the end of its last outage; 0 when no outage followed it; null when it never recovered. */
  recoverS: number | null;
  /** Requests that completed, and failed, from the fault until recovery (or its own span when no outage followed). */
  requestsDuring: number;
  errorsDuring: number;
  /** Windowed gates that failed during the fault's impact, by expression. */
  caughtBy: string[];
}

/** A row of the per-phase / per-flow / per-step table. */
export interface BreakdownRow {
  scope: 'run' | 'flow' | 'step';
  name: string;
  /** null: the whole run; otherwise the phase the figures are limited to. */
  phase: string | null;
  requests: number;
  rps: number;
  errors: number;
  errorRate: number;
  latency: LatencySummary;
}

export interface FlowInfo {
  name: string;
  weight: number;
  /** Step names in the order the flow runs them. */
  steps: string[];
}

export interface RunAnalysis {
  summary: RunSummary;
  timeline: Timeline;
  resources: TargetResourceSeries[];
  correlations: Correlation[];
  throughput: ThroughputCurve;
  faultDrill: FaultDrillRow[];
  flows: FlowInfo[];
  breakdown: BreakdownRow[];
  /** Whole-run latency distribution: latency at each percentile (the HDR percentile spectrum). */
  distribution: Array<{ percentile: number; ms: number }>;
  /** Things that make figures suspect: generator saturation, collector errors, dropped iterations, a partial run. */
  warnings: string[];
}
