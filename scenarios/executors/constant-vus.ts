import { performance } from 'node:perf_hooks';
import type { ConstantVusPhase } from '../model.js';
import { sleepUnlessStopped } from './phase-context.js';
import type { Executor, PhaseContext } from './phase-context.js';
import { runVirtualUser } from './vu-loop.js';
import { ownsVu, vuShare, WHOLE, type Segment } from '../segment.js';

/** Closed model: `vus` users, each running iterations back to back for the phase's duration. */
export class ConstantVus implements Executor {
  constructor(
    private readonly phase: ConstantVusPhase,
    private readonly segment: Segment = WHOLE,
  ) {}

  async run(context: PhaseContext): Promise<void> {
    const endMs = context.startMs + this.phase.durationMs;
    const keepGoing = (): boolean => performance.now() < endMs;
    context.setVus(vuShare(this.phase.vus, this.segment));
    for (let vu = 1; vu <= this.phase.vus; vu++) if (ownsVu(vu, this.segment)) void runVirtualUser(vu, context, keepGoing);
    await sleepUnlessStopped(endMs - performance.now(), context);
    context.setVus(0);
  }
}
