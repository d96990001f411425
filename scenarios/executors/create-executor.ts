import type { PhaseSpec } from '../model.js';
import { WHOLE, type Segment } from '../segment.js';
import { CapacitySearch } from './capacity-search.js';
import { ConstantArrivalRate } from './constant-arrival-rate.js';
import { ConstantVus } from './constant-vus.js';
import type { Executor } from './phase-context.js';
import { RampingArrivalRate } from './ramping-arrival-rate.js';
import { RampingVus } from './ramping-vus.js';

/** The executor of `phase`, running this worker's `segment` of it (the whole by default). */
export function createExecutor(phase: PhaseSpec, segment: Segment = WHOLE): Executor {
  switch (phase.executor) {
    case 'constant-arrival-rate':
      return new ConstantArrivalRate(phase, segment);
    case 'ramping-arrival-rate':
      return new RampingArrivalRate(phase, segment);
    case 'constant-vus':
      return new ConstantVus(phase, segment);
    case 'ramping-vus':
      return new RampingVus(phase, segment);
    case 'capacity-search':
      // Refused earlier (segmentProblem): each worker would judge only its own share of a level.
      if (segment.count > 1) throw new Error('a capacity-search phase cannot be run in segments');
      return new CapacitySearch(phase);
  }
}

/** Why `phases` cannot be shared among workers, if they cannot. */
export function segmentProblem(phases: readonly PhaseSpec[], segment: Segment): string | undefined {
  if (segment.count === 1) return undefined;
  const search = phases.find((p) => p.executor === 'capacity-search');
  return search === undefined
    ? undefined
    : `phase ${search.name} is a capacity-search: it judges each level as it goes, and a worker holding a share of a level cannot judge the whole; run capacity searches on one generator`;
}

/** The executor's parameters as plain numbers, for the stream header and reports. */
export function phaseParams(phase: PhaseSpec): Record<string, number> {
  switch (phase.executor) {
    case 'constant-arrival-rate':
      return { rate: phase.rate, maxInFlight: phase.maxInFlight };
    case 'ramping-arrival-rate':
      return { from: phase.from, to: phase.to, maxInFlight: phase.maxInFlight };
    case 'constant-vus':
      return { vus: phase.vus };
    case 'ramping-vus':
      return { from: phase.from, to: phase.to };
    case 'capacity-search':
      return {
        from: phase.from,
        to: phase.to,
        ...(phase.ladder.kind === 'step' ? { step: phase.ladder.step } : { factor: phase.ladder.factor }),
        levelS: phase.levelMs / 1000,
        warmupS: phase.warmupMs / 1000,
        refine: phase.refine,
        maxInFlight: phase.maxInFlight,
      };
  }
}
