import type { RampingArrivalRatePhase } from '../model.js';
import { runArrivalSchedule } from './arrival-schedule.js';
import type { Executor, PhaseContext } from './phase-context.js';
import { segmentSchedule, WHOLE, type Segment } from '../segment.js';

/**
 * Open model with the rate moving linearly from `from` to `to` over the phase. The number of
 * iterations due by time t is the area under the rate line, N(t) = from·t + (to − from)·t²/(2D);
 * iteration i is due where N(t) = i.
 */
export class RampingArrivalRate implements Executor {
  constructor(
    private readonly phase: RampingArrivalRatePhase,
    private readonly segment: Segment = WHOLE,
  ) {}

  run(context: PhaseContext): Promise<void> {
    const { from, to, durationMs, maxInFlight } = this.phase;
    return runArrivalSchedule(context, durationMs, segmentSchedule((i) => rampOffsetMs(i, from, to, durationMs), this.segment), maxInFlight);
  }
}

/** When iteration `i` is due, ms after the phase start; Infinity when the ramp never reaches it. */
export function rampOffsetMs(i: number, from: number, to: number, durationMs: number): number {
  const durationS = durationMs / 1000;
  const a = (to - from) / (2 * durationS);
  const discriminant = from * from + 4 * a * i;
  if (discriminant < 0) return Infinity;
  const denominator = from + Math.sqrt(discriminant);
  if (denominator <= 0) return i === 0 ? 0 : Infinity;
  // 2i / (b + √(b² + 4ai)) is the root of a·t² + b·t − i = 0 written so that it stays exact when
  // the ramp is flat (a → 0) and when it starts from zero (b = 0).
  return ((2 * i) / denominator) * 1000;
}
