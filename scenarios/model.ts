// The validated, normalised form of a scenario: what the loader produces and everything downstream
// consumes. Durations are milliseconds, rates are per second, paths are absolute. Nothing here is
// optional that has a sensible default: the loader fills defaults in, so the engine never guesses.

import type { EnvironmentSpec } from './environment-model.js';
import type { CpuLimitPolicy } from './language/cpu-limit-policy.js';

export interface Scenario {
  name: string;
  /** Absolute path of the scenario file; '' when built in code. */
  file: string;
  /** Base URL every relative request URL is resolved against. */
  target: string;
  http: HttpOptions;
  defaults: RequestDefaults;
  data: Record<string, FeederSpec>;
  flows: FlowSpec[];
  phases: PhaseSpec[];
  /** Threshold expressions such as "p99<250ms", "errors<1%" or "p99[30s]<300ms", checked when the run ends. */
  thresholds: string[];
  /** Thresholds also watched during the run: the run stops as soon as one fails. */
  abortOnFail: AbortRule[];
  /** How long in-flight iterations may finish after the last phase before they are aborted. */
  gracefulStopMs: number;
  /** Targets the run starts, resource sources it samples, faults it injects. */
  environment: EnvironmentSpec;
  /**
   * Set when `target:` names a launched target instead of a URL: requests are then spread over that
   * target's replicas, and `target` is filled in by the run once they are up.
   */
  targetRef?: string;
  /** `capacity:`: the plan the run's capacity searches are sized against, and the replica counts to search at. */
  capacity?: CapacityPlanSpec;
}

/** What to size a launched target for: the peak, the SLO, the margins, and the scaling experiment. */
export interface CapacityPlanSpec {
  /** The launched target to size. */
  target: string;
  peakRps: number;
  /** The SLO the searches hold and `verify` checks; every capacity-search phase without its own uses it. */
  slo: SearchSlo;
  /** Fraction above peak to plan for: 0.3 = capacity for 130% of peak. */
  headroom: number;
  nPlusOne: boolean;
  cpuLimit: CpuLimitPolicy;
  /** Replica counts to run the searches at, one run each; empty: the target's own count, one run. */
  replicas: number[];
  /** Multiply the searches' rates by the replica count ÷ the first count, so each run looks around its own knee. */
  scaleLadder: boolean;
}

export interface AbortRule {
  /** One of `thresholds`, as written. */
  expression: string;
  /** Not judged before this many seconds of load, so a cold start does not stop the run. */
  delayS: number;
}

export interface HttpOptions {
  /** Connections per origin (undici pool size). */
  connections: number;
  /** Requests pipelined per connection; 1 means none. */
  pipelining: number;
  /** Response bytes kept for captures and checks; the rest is counted and discarded. */
  maxBodyBytes: number;
}

export interface RequestDefaults {
  headers: Record<string, string>;
  timeoutMs: number;
}

export type FeederOrder = 'sequential' | 'random' | 'unique';
export type DataRow = Record<string, string | number | boolean | null>;

export interface FeederSpec {
  name: string;
  /** Absolute path of the CSV or JSON file the rows came from. */
  file: string;
  order: FeederOrder;
  rows: DataRow[];
}

export interface FlowSpec {
  name: string;
  weight: number;
  steps: StepSpec[];
}

export type StepSpec = RequestStep | ThinkStep | LoopStep;

export interface RequestStep {
  kind: 'request';
  /** Name used in every metric; unique within its flow (flows sharing a step name share its metrics). */
  name: string;
  request: RequestSpec;
  capture: Record<string, CaptureSpec>;
  check: CheckSpec;
  /** Pause after this step completes. */
  think?: ThinkSpec;
}

export interface ThinkStep {
  kind: 'think';
  think: ThinkSpec;
}

export interface LoopStep {
  kind: 'loop';
  name: string;
  count: number;
  steps: StepSpec[];
}

export interface RequestSpec {
  method: string;
  /** Handlebars template; relative to the scenario target unless absolute. */
  url: string;
  /** Header values are handlebars templates; merged over the scenario defaults. */
  headers: Record<string, string>;
  /** Query parameter values are handlebars templates. */
  query: Record<string, string>;
  /** JSON body; every string leaf is a handlebars template. Sets content-type if absent. */
  json?: unknown;
  /** Raw body template, sent as is. */
  body?: string;
  /** Per-request timeout overriding the default. */
  timeoutMs?: number;
}

export type CaptureSpec =
  | { from: 'json'; path: string }
  | { from: 'header'; name: string }
  | { from: 'regex'; pattern: string; group: number };

export interface CheckSpec {
  /** Acceptable status codes; when absent, any 2xx or 3xx passes. */
  status?: number[];
  /** Substrings the body must contain. */
  bodyContains?: string[];
  /** Regular expressions the body must match. */
  bodyMatches?: string[];
  /** JSON path equalities: the value at `path` must deep-equal `equals`. */
  json?: Array<{ path: string; equals: unknown }>;
  /** Service time above this fails the check. */
  maxLatencyMs?: number;
}

export interface ThinkSpec {
  minMs: number;
  maxMs: number;
}

export type PhaseSpec =
  | ConstantArrivalRatePhase
  | RampingArrivalRatePhase
  | ConstantVusPhase
  | RampingVusPhase
  | CapacitySearchPhase;

interface PhaseBase {
  name: string;
  durationMs: number;
}

/** Open model: iterations start on a fixed schedule whatever the target does. */
export interface ConstantArrivalRatePhase extends PhaseBase {
  executor: 'constant-arrival-rate';
  rate: number;
  maxInFlight: number;
}

export interface RampingArrivalRatePhase extends PhaseBase {
  executor: 'ramping-arrival-rate';
  from: number;
  to: number;
  maxInFlight: number;
}

/** Closed model: a fixed number of virtual users, each starting its next iteration when the last ends. */
export interface ConstantVusPhase extends PhaseBase {
  executor: 'constant-vus';
  vus: number;
}

export interface RampingVusPhase extends PhaseBase {
  executor: 'ramping-vus';
  from: number;
  to: number;
}

/**
 * Open model, searching: holds one arrival rate after another (`from` upward by `step` or `factor`,
 * then `refine` bisections between the last level that held and the first that did not) and
 * records the highest rate at which the SLO held — the knee. `durationMs` is the longest it can
 * take; it ends sooner once a level fails.
 */
export interface CapacitySearchPhase extends PhaseBase {
  executor: 'capacity-search';
  from: number;
  to: number;
  /** The ladder: each level `step` above the last, or `factor` times it. */
  ladder: { kind: 'step'; step: number } | { kind: 'factor'; factor: number };
  /** How long each level is held; its first `warmupMs` are not judged. */
  levelMs: number;
  warmupMs: number;
  refine: number;
  slo: SearchSlo;
  maxInFlight: number;
}

/** What a level must meet to hold: latency percentiles (ms, from due time) and an error ratio. */
export interface SearchSlo {
  latency: Array<{ metric: string; percentile: number; maxMs: number }>;
  maxErrorRate: number;
}

export type ExecutorName = PhaseSpec['executor'];
export const EXECUTOR_NAMES: readonly ExecutorName[] = [
  'constant-arrival-rate',
  'ramping-arrival-rate',
  'constant-vus',
  'ramping-vus',
  'capacity-search',
];
