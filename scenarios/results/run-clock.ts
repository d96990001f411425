import { performance } from 'node:perf_hooks';

// The run's one clock. Everything measured in a run is placed on it: seconds since the run
// started, read from the monotonic clock so that wall-clock jumps (NTP, suspend) cannot bend a
// latency or reorder records. The wall-clock start goes into the stream header once.
export class RunClock {
  readonly startPerfMs: number;
  readonly startEpochMs: number;

  constructor() {
    this.startEpochMs = Date.now();
    this.startPerfMs = performance.now();
  }

  /** Seconds since the run started. */
  nowS(): number {
    return (performance.now() - this.startPerfMs) / 1000;
  }

  /** Seconds since the run started for a performance.now() reading. */
  toRunSeconds(perfMs: number): number {
    return (perfMs - this.startPerfMs) / 1000;
  }
}

/** Rounds seconds to the millisecond so records stay short and diff-able. */
export function roundSeconds(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
