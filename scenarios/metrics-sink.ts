import type { DropReason, Outcome } from './outcome.js';

export type IterationStatus = 'ok' | 'failed' | 'interrupted';

// What the code that sends requests tells the recorder. Kept to plain numbers so the hot path
// allocates nothing: phases are indexes into the scenario's phase list, times are microseconds.
export interface MetricsSink {
  /**
   * One request finished, whatever its outcome.
   * latencyUs: from the moment the request was due (for an iteration's first request in the open
   *   model, the iteration's intended start) to the end of the response.
   * serviceUs: from the moment the request was written to a socket to the end of the response.
   * detail: for failures, a short human message; the recorder keeps a bounded sample of them.
   */
  request(
    phase: number,
    step: string,
    outcome: Outcome,
    latencyUs: number,
    serviceUs: number,
    bytesIn: number,
    bytesOut: number,
    detail?: string,
  ): void;
  /** An iteration started; lagUs is actual start minus intended start (0 in the closed model). */
  iterationStarted(phase: number, lagUs: number): void;
  /**
   * An iteration ended; durationUs is measured from its intended start. 'interrupted' means the run
   * was stopping and the iteration was cut short: its unfinished request was not recorded.
   */
  iterationEnded(phase: number, durationUs: number, status: IterationStatus): void;
  /** An iteration that was due could not start. */
  iterationDropped(phase: number, reason: DropReason): void;
}
