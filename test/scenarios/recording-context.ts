import { performance } from 'node:perf_hooks';
import type { LaunchResult, PhaseContext } from '../../scenarios/executors/phase-context.js';
import type { DropReason } from '../../scenarios/outcome.js';

// A phase context that records what the executor asked for. Iterations "run" for `iterationMs`.
export function recordingContext(iterationMs: number) {
  const launches: Array<{ offsetMs: number; vu: number }> = [];
  const drops: DropReason[] = [];
  const vus: number[] = [];
  let inFlight = 0;
  let maxConcurrent = 0;
  let stop!: () => void;
  let stopping = false;
  const stopRequested = new Promise<void>((resolve) => (stop = resolve));
  const context: PhaseContext = {
    index: 0,
    startMs: performance.now(),
    launch(intendedMs, vu): Promise<LaunchResult> {
      launches.push({ offsetMs: intendedMs - context.startMs, vu });
      inFlight++;
      maxConcurrent = Math.max(maxConcurrent, inFlight);
      return new Promise((resolve) =>
        setTimeout(() => {
          inFlight--;
          resolve('ok');
        }, iterationMs),
      );
    },
    inFlight: () => inFlight,
    dropped: (reason) => drops.push(reason),
    setVus: (n) => vus.push(n),
    stopping: () => stopping,
    stopRequested,
    watchRequests: () => () => undefined,
    record: () => undefined,
    nowS: () => (performance.now() - context.startMs) / 1000,
  };
  return {
    context,
    launches,
    drops,
    vus,
    maxConcurrent: () => maxConcurrent,
    requestStop: () => {
      stopping = true;
      stop();
    },
  };
}
