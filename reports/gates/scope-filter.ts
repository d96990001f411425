import type { ThresholdScope } from '../../scenarios/language/threshold-expression.js';
import type { StepIntervalRecord } from '../../scenarios/results/results-format.js';
import type { FlowInfo } from '../analysis/analysis-types.js';

/** Which interval records a request-metric gate looks at. */
export interface ScopeFilter {
  step(record: StepIntervalRecord): boolean;
  /** Iteration records are per phase: they belong to the run and to phase scopes only. */
  phase(phase: string): boolean;
}

/**
 * The filter for a scope, or a reason it matches nothing in this run (a gate on a step that never
 * ran must fail, not pass vacuously). A flow's requests are those of its steps; flows that share a
 * step name share its figures, as they share its metrics.
 */
export function scopeFilter(scope: ThresholdScope | undefined, flows: readonly FlowInfo[]): ScopeFilter | string {
  if (scope === undefined) return { step: () => true, phase: () => true };
  switch (scope.kind) {
    case 'step':
      return { step: (record) => record.step === scope.name, phase: () => false };
    case 'phase':
      return { step: (record) => record.phase === scope.name, phase: (phase) => phase === scope.name };
    case 'flow': {
      const flow = flows.find((f) => f.name === scope.name);
      if (flow === undefined) return `no flow named "${scope.name}" in this run`;
      const steps = new Set(flow.steps);
      return { step: (record) => steps.has(record.step), phase: () => false };
    }
    case 'target':
      return 'target gates read resource samples, not requests';
  }
}
