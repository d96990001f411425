import type { PhaseSpec } from '../model.js';
import { CapacitySearch } from './capacity-search.js';
import { ConstantArrivalRate } from './constant-arrival-rate.js';
import { ConstantVus } from './constant-vus.js';
import type { Executor } from './phase-context.js';
import { RampingArrivalRate } from './ramping-arrival-rate.js';
import { RampingVus } from './ramping-vus.js';

export function createExecutor(phase: PhaseSpec): Executor {
  switch (phase.executor) {
    case 'constant-arrival-rate':
      return new ConstantArrivalRate(phase);
    case 'ramping-arrival-rate':
      return new RampingArrivalRate(phase);
    case 'constant-vus':
      return new ConstantVus(phase);
    case 'ramping-vus':
      return new RampingVus(phase);
    case 'capacity-search':
      return new CapacitySearch(phase);
  }
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
