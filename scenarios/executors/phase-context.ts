import type { IterationStatus } from '../metrics-sink.js';
import type { DropReason } from '../outcome.js';
import type { SearchLevelRecord, SearchResultRecord } from '../results/results-format.js';

/** What starting one iteration came to: how it ended, or that its data ran out so it never began. */
export type LaunchResult = IterationStatus | 'exhausted';

/**
 * What an executor may do during its phase. Executors only decide *when* iterations start; the
 * launcher behind this interface decides what runs and records it.
 */
export interface PhaseContext {
  readonly index: number;
  /** performance.now() at which the phase begins. */
  readonly startMs: number;
  /** Starts an iteration that was due at `intendedMs` (performance.now() time). */
  launch(intendedMs: number, vu: number): Promise<LaunchResult>;
  /** Iterations of this phase currently running. */
  inFlight(): number;
  dropped(reason: DropReason): void;
  setVus(vus: number): void;
  /** True once the run was asked to stop (Ctrl-C): executors start nothing more. */
  stopping(): boolean;
  /** Resolves when the run is asked to stop, so executors can cut their waits short. */
  readonly stopRequested: Promise<void>;
  /** Every request of this phase as it completes: latency from due time (µs) and success. Returns the unsubscribe. */
  watchRequests(watch: (latencyUs: number, ok: boolean) => void): () => void;
  /** Writes what the executor found (a capacity search's levels and result) to the results stream. */
  record(record: SearchLevelRecord | SearchResultRecord): void;
  /** Seconds on the run clock, for the records. */
  nowS(): number;
}

/** One load model. `run` returns when the phase's schedule is over; started iterations may go on. */
export interface Executor {
  run(context: PhaseContext): Promise<void>;
}

/** Waits `ms` or until the run is asked to stop, whichever comes first. */
export function sleepUnlessStopped(ms: number, context: PhaseContext): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, ms));
    void context.stopRequested.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
