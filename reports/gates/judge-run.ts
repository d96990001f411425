import type { Results } from '../../scenarios/results/results-reader.js';
import { flowsOf } from '../stream-flows.js';
import type { RunSummary } from '../summary-types.js';
import type { GateVerdict } from './gate-types.js';
import type { RegressionLimit } from './regression-limits.js';
import { evaluateRegressionGates } from './regression-gates.js';
import { evaluateThresholdGates } from './threshold-gates.js';

// Every gate of a run, judged from its stream: the thresholds it was run with (from the header),
// any given now, and regression limits against a baseline summary. `run`, `report` and `gate` all
// call this, so the same stream always gets the same verdicts.

export interface GateOptions {
  /** Thresholds added on the command line. */
  thresholds?: readonly string[];
  /** False to judge only the command line's thresholds, not the ones the run was started with. */
  scenarioThresholds?: boolean;
  baseline?: { summary: RunSummary; limits: readonly RegressionLimit[] };
}

export function judgeRun(results: Results, summary: RunSummary, options: GateOptions = {}): GateVerdict[] {
  const { header, records } = results;
  const fromScenario = options.scenarioThresholds === false ? [] : header.scenario.thresholds;
  const expressions = [...new Set([...fromScenario, ...(options.thresholds ?? [])])];
  const aborting = new Set(header.scenario.abortOnFail ?? []);
  const end = records.findLast((r) => r.type === 'end');
  const abortedBy = end?.type === 'end' && end.abortedBy !== undefined ? { expression: end.abortedBy, t: end.t } : undefined;
  const gates = evaluateThresholdGates(
    { summary, records, flows: flowsOf(results), ...(abortedBy === undefined ? {} : { abortedBy }) },
    expressions.map((expression) => ({ expression, abortOnFail: aborting.has(expression) })),
  );
  if (options.baseline !== undefined) gates.push(...evaluateRegressionGates(summary, options.baseline.summary, options.baseline.limits));
  return gates;
}
