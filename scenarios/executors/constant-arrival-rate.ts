import type { ConstantArrivalRatePhase } from '../model.js';
import { runArrivalSchedule } from './arrival-schedule.js';
import type { Executor, PhaseContext } from './phase-context.js';
import { segmentSchedule, WHOLE, type Segment } from '../segment.js';

/** Open model at a fixed rate: iteration i is due at i / rate seconds into the phase. */
export class ConstantArrivalRate implements Executor {
  constructor(
    private readonly phase: ConstantArrivalRatePhase,
    private readonly segment: Segment = WHOLE,
  ) {}

  run(context: PhaseContext): Promise<void> {
    const intervalMs = 1000 / this.phase.rate;
    return runArrivalSchedule(context, this.phase.durationMs, segmentSchedule((i) => i * intervalMs, this.segment), this.phase.maxInFlight);
  }
}
