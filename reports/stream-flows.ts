import type { Results } from '../scenarios/results/results-reader.js';
import type { FlowInfo } from './analysis/analysis-types.js';

/** The run's flows and their request steps, from the header; streams written before it listed them have steps only. */
export function flowsOf(results: Results): FlowInfo[] {
  return (results.header.flows ?? []).map((f) => ({ name: f.name, weight: f.weight, steps: f.steps }));
}
