import { performance } from 'node:perf_hooks';
import type { PhaseContext } from './phase-context.js';

/**
 * Drives an open-model schedule: iteration i is due at `offsetMs(i)` after the phase start, and
 * starts then whatever the target is doing. Several iterations that fell due while the event loop
 * was busy start together, each still measured from its own due time, so a stall of the generator
 * or the target shows up in latency instead of silently thinning the load. When `maxInFlight`
 * iterations of this phase are already running, a due iteration is dropped and counted.
 */
export function runArrivalSchedule(
  context: PhaseContext,
  durationMs: number,
  offsetMs: (iteration: number) => number,
  maxInFlight: number,
  /** Checked on every tick: returning false ends the schedule early. */
  keepGoing: () => boolean = () => true,
): Promise<void> {
  return new Promise((resolve) => {
    let next = 0;
    let dueOffset = offsetMs(0);
    let timer: NodeJS.Timeout | undefined;
    void context.stopRequested.then(() => {
      clearTimeout(timer);
      resolve();
    });
    const tick = (): void => {
      if (context.stopping() || !keepGoing()) return resolve();
      const elapsed = performance.now() - context.startMs;
      while (dueOffset <= elapsed && dueOffset < durationMs) {
        if (context.inFlight() >= maxInFlight) context.dropped('max_in_flight');
        else void context.launch(context.startMs + dueOffset, 0);
        next++;
        dueOffset = offsetMs(next);
      }
      if (!(dueOffset < durationMs)) return resolve();
      // Timers fire no earlier than asked and at millisecond granularity: ask for the whole
      // milliseconds left so the wake-up lands just after the due time, never before it.
      timer = setTimeout(tick, Math.floor(dueOffset - elapsed));
    };
    tick();
  });
}
