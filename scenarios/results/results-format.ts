import type { DropReason, Outcome } from '../outcome.js';

// The results stream: the one contract between measuring and reporting. NDJSON, one record per
// line, a header first. Interval records cover [t, t + dur) seconds since the run's monotonic start
// (the header holds the wall-clock epoch of that start), so latency, resource samples and fault
// events line up on one clock. Histograms are HDR, integer microseconds, compressed base64.
//
// Compatibility rule: readers refuse a different `format` or a newer major `version`; new optional
// fields may be added without a version bump, and readers ignore record types they do not know.

export const RESULTS_FORMAT = 'loadtest-results';
export const RESULTS_VERSION = 1;
export const RESULTS_FILE_NAME = 'results.ndjson';

export interface PhasePlan {
  name: string;
  executor: string;
  /** Planned start, seconds since run start. */
  startS: number;
  durationS: number;
  /** Executor parameters (rate, from, to, vus, maxInFlight) as numbers. */
  params: Record<string, number>;
}

export interface HeaderRecord {
  type: 'header';
  format: typeof RESULTS_FORMAT;
  version: number;
  /** Wall-clock time (ms since epoch) of t = 0. */
  startEpochMs: number;
  tool: { name: string; version: string };
  /** 'scenario' for `loadtest run`, 'bench' for `loadtest bench`. */
  mode: 'scenario' | 'bench';
  scenario: { name: string; file: string; target: string; thresholds: string[] };
  phases: PhasePlan[];
  histogram: { unit: 'us'; significantDigits: number };
  generator: { hostname: string; cpus: number; node: string; pid: number };
}

export interface PhaseRecord {
  type: 'phase';
  t: number;
  phase: string;
  index: number;
  event: 'start' | 'end';
}

/** Requests of one (phase, step, outcome) completed in one interval. */
export interface StepIntervalRecord {
  type: 'step';
  t: number;
  dur: number;
  phase: string;
  step: string;
  outcome: Outcome;
  count: number;
  bytesIn: number;
  bytesOut: number;
  /** From when the request was due (open model: the iteration's intended start). */
  latency: string;
  /** From when the request was written to the socket. */
  service: string;
}

/** Iteration accounting of one phase in one interval. */
export interface IterationIntervalRecord {
  type: 'iterations';
  t: number;
  dur: number;
  phase: string;
  started: number;
  ok: number;
  failed: number;
  interrupted: number;
  dropped: Record<DropReason, number>;
  /** In flight at the end of the interval, and the most seen during it. */
  inFlight: number;
  maxInFlight: number;
  /** Active virtual users at the end of the interval (closed model), 0 in the open model. */
  vus: number;
  /** Start lateness (actual − intended) of open-model iterations, or null when there was none. */
  lag: string | null;
  /** Iteration durations from intended start, or null when nothing ended. */
  duration: string | null;
}

/** A few example messages for failures, so a report can say what went wrong, not only how often. */
export interface ErrorSampleRecord {
  type: 'error-sample';
  t: number;
  phase: string;
  step: string;
  outcome: Outcome;
  message: string;
  /** Occurrences of this exact message in the interval. */
  count: number;
}

/** The load generator's own health: a saturated generator makes every other number suspect. */
export interface GeneratorRecord {
  type: 'generator';
  t: number;
  dur: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** CPU time used by the generator process during the interval, microseconds. */
  cpuUs: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
}

export interface EventRecord {
  type: 'event';
  t: number;
  level: 'info' | 'warning' | 'error';
  message: string;
}

export interface EndRecord {
  type: 'end';
  t: number;
  status: 'completed' | 'interrupted' | 'failed';
  message?: string;
}

export type ResultRecord =
  | HeaderRecord
  | PhaseRecord
  | StepIntervalRecord
  | IterationIntervalRecord
  | ErrorSampleRecord
  | GeneratorRecord
  | EventRecord
  | EndRecord;

export type BodyRecord = Exclude<ResultRecord, HeaderRecord>;
