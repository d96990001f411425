import { segmentProblem } from './executors/create-executor.js';
import type { Scenario } from './model.js';

/**
 * Why `scenario` cannot be shared among `count` workers (segments or local workers), if it cannot:
 * a phase that judges as it goes, or targets every worker would start a copy of.
 */
export function shareProblem(scenario: Pick<Scenario, 'phases' | 'environment'>, count: number): string | undefined {
  if (count <= 1) return undefined;
  const phases = segmentProblem(scenario.phases, { index: 0, count });
  if (phases !== undefined) return phases;
  return Object.keys(scenario.environment.targets).length > 0
    ? 'this scenario starts its own targets, and every worker would start its own copy, each served a share of the load; start them once (e.g. `loadtest cluster up`) and point the scenario at them'
    : undefined;
}
