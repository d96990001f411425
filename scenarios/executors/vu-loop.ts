import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { PhaseContext } from './phase-context.js';

/**
 * One closed-model virtual user: starts an iteration, waits for it to end, starts the next, while
 * `keepGoing()` holds. Ends when the phase is over, the run is stopping, or its data ran out.
 */
export async function runVirtualUser(vu: number, context: PhaseContext, keepGoing: () => boolean): Promise<void> {
  while (keepGoing() && !context.stopping()) {
    const startedAt = performance.now();
    const result = await context.launch(startedAt, vu);
    if (result === 'exhausted') return;
    // An iteration that ends without touching the network (say, a flow of think steps that were
    // cut to zero) must not starve the event loop.
    if (performance.now() - startedAt < 0.05) await yieldToLoop();
  }
}
