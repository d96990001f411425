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
  /**
   * `thresholds`: every threshold the run is judged by; `abortOnFail`: those that stop it when they
   * fail; `targetRef`: the launched target the load went to, when `target:` named one; `capacity`:
   * the scenario's capacity plan, so a recommendation can be drawn from the stream alone.
   */
  scenario: { name: string; file: string; target: string; thresholds: string[]; abortOnFail?: string[]; targetRef?: string; capacity?: CapacityPlanRecord };
  /** The scenario's flows and their request steps in order, so reports can group steps by flow. */
  flows?: Array<{ name: string; weight: number; steps: string[] }>;
  phases: PhasePlan[];
  histogram: { unit: 'us'; significantDigits: number };
  /** Seconds each interval record covers (the last may be shorter); absent from streams written before it was added. */
  intervalS?: number;
  generator: { hostname: string; cpus: number; node: string; pid: number };
  /** The targets the run started itself: replica ids and the resources asked for (enforced: in cgroups). */
  targets?: Record<string, LaunchedTargetInfo>;
  /**
   * Set when this stream is one worker's share of a run split across several generators
   * (`loadtest run --segment i/N`): `index` is 0-based, `count` the number of workers. Their streams
   * are put back together by `loadtest merge`.
   */
  segment?: { index: number; count: number };
  /**
   * Set on a stream written by `loadtest merge`: how many worker streams it holds and their files,
   * in the order given (a generator or host record's `worker` indexes into `files`). `missingSegments`:
   * the 0-based segments absent from a partial merge (`--allow-partial`).
   */
  merged?: { workers: number; files: string[]; missingSegments?: number[] };
}

/** The `capacity:` section as the stream keeps it (rates per second, ratios as fractions). */
export interface CapacityPlanRecord {
  target: string;
  peakRps: number;
  slo: { latency: Array<{ metric: string; maxMs: number }>; maxErrorRate: number };
  headroom: number;
  nPlusOne: boolean;
  cpuLimit: { kind: 'none' } | { kind: 'multiple-of-request'; multiple: number };
}

export interface LaunchedTargetInfo {
  kind: 'raft' | 'command';
  replicas: string[];
  requests: { cpuCores?: number; memoryBytes?: number };
  limits: { cpuCores?: number; memoryBytes?: number };
  enforced: boolean;
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
  /** In a merged stream, which worker's generator it was: an index into the header's `merged.files`. */
  worker?: number;
}

export interface EventRecord {
  type: 'event';
  t: number;
  level: 'info' | 'warning' | 'error';
  message: string;
  /** What raised it when not the engine itself: a collector ("collector docker (api)"), the launcher, a fault. */
  source?: string;
}

/**
 * What one replica of one target used over [t, t + dur): the collectors' sample shape on the run's
 * clock. `source` says where it was read (cgroup, process, docker, kubernetes, prometheus).
 */
export interface ResourceRecord {
  type: 'resource';
  t: number;
  dur: number;
  target: string;
  replica: string;
  source: string;
  cpuCores: number | null;
  cpuThrottledSeconds: number | null;
  cpuPeriods: number | null;
  cpuThrottledPeriods: number | null;
  memoryUsageBytes: number | null;
  workingSetBytes: number | null;
  rssBytes: number | null;
  pageCacheBytes: number | null;
  oomKills: number | null;
  limits: { cpuCores: number | null; memoryBytes: number | null };
}

/** The load generator's machine over [t, t + dur); `saturated` says why its figures are suspect. */
export interface HostRecord {
  type: 'host';
  t: number;
  dur: number;
  cpuBusy: number | null;
  perCoreBusy: number[];
  load1: number | null;
  memoryUsedBytes: number | null;
  memoryTotalBytes: number | null;
  netRxBytesPerSecond: number | null;
  netTxBytesPerSecond: number | null;
  diskReadBytesPerSecond: number | null;
  diskWriteBytesPerSecond: number | null;
  saturated?: string;
  /** In a merged stream, which worker's machine it was: an index into the header's `merged.files`. */
  worker?: number;
}

/** A fault of the scenario's timeline taking effect (`start`) or being undone (`end`). */
export interface FaultRecord {
  type: 'fault';
  t: number;
  event: 'start' | 'end';
  /** kill, restart, pause, partition, cpu, delay. */
  action: string;
  target: string;
  /** The replicas it acted on, resolved when it fired (a role such as "leader" becomes a node id). */
  replicas: string[];
  /** Where it is in the scenario ("faults[2]") and what it did, e.g. "SIGKILL to n2 (the leader)". */
  label: string;
  detail: string;
  /** Set when the fault could not be carried out; the run goes on. */
  error?: string;
}

/**
 * A stretch when the system under test was unavailable as its clients saw it: from when the first
 * failing request was due to when the first request that then succeeded was due (requests are
 * grouped by due time in 100 ms buckets; a bucket is failing when most of its requests failed).
 */
export interface OutageRecord {
  type: 'outage';
  /** Start of the outage, and its end (seconds on the run clock). */
  t: number;
  end: number;
  durationS: number;
  /** Requests due within it that failed, and that succeeded. */
  failed: number;
  ok: number;
  /** The last fault that started at or before the outage began, if any ("faults[0] kill kv leader"). */
  afterFault?: string;
}

/**
 * One level of a capacity search, judged: the requests due in [from, to) (the level after its
 * warm-up), wherever they completed, against the search's SLO.
 */
export interface SearchLevelRecord {
  type: 'search-level';
  t: number;
  phase: string;
  /** The arrival rate offered, per second. */
  rate: number;
  /** 'climb' while going up the ladder, 'refine' while bisecting. */
  stage: 'climb' | 'refine';
  from: number;
  to: number;
  requests: number;
  errors: number;
  /** Iterations due in the window that could not start (in-flight bound). */
  dropped: number;
  /** Iterations due in the window still running when it was judged: counted as too slow. */
  unfinished: number;
  /** Iterations completed per second of the window. */
  achievedRps: number;
  /** Latency from due time, ms, over the window's requests. */
  p50: number | null;
  p99: number | null;
  /** The SLO's own percentiles, by name ("p99": 212.5). */
  latency: Record<string, number | null>;
  passed: boolean;
  /** Why it failed, in words; absent when it held. */
  reason?: string;
}

/** The outcome of a capacity search: the highest rate that held (the knee), or null when none did. */
export interface SearchResultRecord {
  type: 'search-result';
  t: number;
  phase: string;
  kneeRps: number | null;
  /** The lowest rate that failed, null when every level held (the knee is above `to`). */
  failedRps: number | null;
  slo: { latency: Array<{ metric: string; maxMs: number }>; maxErrorRate: number };
  levels: number;
}

export interface EndRecord {
  type: 'end';
  t: number;
  status: 'completed' | 'interrupted' | 'failed';
  message?: string;
  /** Set when a threshold with abortOnFail stopped the run: the expression as written. */
  abortedBy?: string;
}

export type ResultRecord =
  | HeaderRecord
  | PhaseRecord
  | StepIntervalRecord
  | IterationIntervalRecord
  | ErrorSampleRecord
  | GeneratorRecord
  | EventRecord
  | ResourceRecord
  | HostRecord
  | FaultRecord
  | OutageRecord
  | SearchLevelRecord
  | SearchResultRecord
  | EndRecord;

export type BodyRecord = Exclude<ResultRecord, HeaderRecord>;
