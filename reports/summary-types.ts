import type { Outcome } from '../scenarios/outcome.js';
import type { FaultRecord, OutageRecord, SearchLevelRecord, SearchResultRecord } from '../scenarios/results/results-format.js';
import type { TargetResourceSummary } from './resource-summary.js';

// The run summary's shape: what the terminal summary, the summary JSON and the thresholds read.
// Times are milliseconds, rates per second.

export interface LatencySummary {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  'p99.9': number;
  max: number;
}

export interface TrafficSummary {
  requests: number;
  rps: number;
  /** Requests whose outcome was not ok. */
  errors: number;
  errorRate: number;
  errorsByClass: Partial<Record<Outcome, number>>;
  bytesIn: number;
  bytesOut: number;
  /** From when each request was due: what a user of the system would have waited. */
  latency: LatencySummary;
  /** From when each request was written to the socket. */
  serviceTime: LatencySummary;
}

export interface IterationSummary {
  started: number;
  ok: number;
  failed: number;
  interrupted: number;
  dropped: number;
  droppedByReason: Record<string, number>;
  /** Start lateness (actual − intended), ms. */
  startLag: LatencySummary;
}

export interface PhaseSummary extends TrafficSummary {
  name: string;
  executor: string;
  durationS: number;
  dropped: number;
  iterations: IterationSummary;
}

export interface RunSummary {
  scenario: string;
  mode: 'scenario' | 'bench';
  target: string;
  startedAt: string;
  status: 'completed' | 'interrupted' | 'failed';
  /** True when the run did not finish its schedule: the figures cover what was measured. */
  partial: boolean;
  durationS: number;
  overall: TrafficSummary & { dropped: number; iterations: IterationSummary };
  steps: Record<string, TrafficSummary>;
  phases: PhaseSummary[];
  /** The most frequent failure messages. */
  topErrors: Array<{ step: string; outcome: Outcome; message: string; count: number }>;
  generator: {
    maxRssBytes: number;
    maxEventLoopDelayMs: number;
    cpuSeconds: number;
    /** Seconds during which the generator's machine was saturated, and the first reason seen. */
    saturatedSeconds: number;
    saturatedReason?: string;
  };
  /** Per target: CPU (cores), CFS throttling, memory working set, from the collectors' samples. */
  targets: Record<string, TargetResourceSummary>;
  /** The chaos drill as it happened. */
  faults: Array<Omit<FaultRecord, 'type'>>;
  /** Stretches when clients were not served, from the requests' own outcomes. */
  outages: Array<Omit<OutageRecord, 'type'>>;
  /** Collector problems recorded during the run (messages, first occurrence each). */
  collectorErrors: string[];
  /** Each capacity-search phase: the levels it held and judged, and the knee it found. Absent without one. */
  capacitySearch?: CapacitySearchSummary[];
}

export interface CapacitySearchSummary {
  phase: string;
  /** The highest rate that met the SLO, per second; null when none did (or the search was cut short). */
  kneeRps: number | null;
  /** The lowest rate that failed; null when every level held. */
  failedRps: number | null;
  /** False when the run stopped before the search ended: the knee is then a lower bound at best. */
  finished: boolean;
  slo: SearchResultRecord['slo'] | null;
  levels: Array<Omit<SearchLevelRecord, 'type' | 'phase'>>;
}
