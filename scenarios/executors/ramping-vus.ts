import { performance } from 'node:perf_hooks';
import type { RampingVusPhase } from '../model.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Executor, PhaseContext } from './phase-context.js';
import { runVirtualUser } from './vu-loop.js';
import { ownsVu, vuShare, WHOLE, type Segment } from '../segment.js';

const CONTROL_PERIOD_MS = 100;

/**
 * Closed model with the number of users moving linearly from `from` to `to`. Every 100 ms the
 * target count is recomputed: missing users start, and users above the target finish their
 * current iteration and leave.
 */
export class RampingVus implements Executor {
  constructor(
    private readonly phase: RampingVusPhase,
    private readonly segment: Segment = WHOLE,
  ) {}

  async run(context: PhaseContext): Promise<void> {
    const { from, to, durationMs } = this.phase;
    const endMs = context.startMs + durationMs;
    let target = 0;
    const running = new Set<number>();
    for (;;) {
      const now = performance.now();
      if (now >= endMs || context.stopping()) break;
      target = targetVus(now - context.startMs, from, to, durationMs);
      for (let vu = 1; vu <= target; vu++) {
        if (running.has(vu) || !ownsVu(vu, this.segment)) continue;
        running.add(vu);
        const keepGoing = (): boolean => vu <= target && performance.now() < endMs;
        void runVirtualUser(vu, context, keepGoing).finally(() => running.delete(vu));
      }
      context.setVus(Math.min(vuShare(target, this.segment), running.size));
      // A plain timer, polled: waiting on the stop promise here would add a reaction to it every
      // period for the whole phase; 100 ms is responsive enough for a stop request.
      await sleep(Math.min(CONTROL_PERIOD_MS, endMs - now));
    }
    target = 0;
    context.setVus(0);
  }
}

export function targetVus(elapsedMs: number, from: number, to: number, durationMs: number): number {
  const progress = Math.min(1, Math.max(0, elapsedMs / durationMs));
  return Math.round(from + (to - from) * progress);
}
