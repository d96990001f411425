import { parseThreshold } from '../../scenarios/language/threshold-expression.js';
import type { ThresholdExpression } from '../../scenarios/language/threshold-expression.js';
import type { BodyRecord } from '../../scenarios/results/results-format.js';
import type { FlowInfo } from '../analysis/analysis-types.js';
import type { RunSummary } from '../summary-types.js';
import { decodeStepRecord, TrafficAccumulator } from '../traffic-accumulators.js';
import type { GateVerdict } from './gate-types.js';
import { compare, formatValue, limitText } from './gate-values.js';
import { scopeFilter } from './scope-filter.js';
import { scopedTraffic, summaryMetric, trafficValue } from './summary-metric.js';
import { WindowGate } from './window-gate.js';

// Threshold gates judged on a finished (or stopped) run. Whole-run request gates read the summary,
// so a gate and the summary never disagree about a figure; windowed gates replay the stream; target
// gates read the resource summary.

export interface ThresholdSpec {
  expression: string;
  abortOnFail?: boolean;
}

export interface GateInputs {
  summary: RunSummary;
  records: readonly BodyRecord[];
  flows: readonly FlowInfo[];
  /** The gate that stopped the run early, and when (from the stream's end record). */
  abortedBy?: { expression: string; t: number };
}

export function evaluateThresholdGates(inputs: GateInputs, specs: readonly ThresholdSpec[]): GateVerdict[] {
  return specs.map((spec) => {
    const verdict = evaluate(inputs, parseThreshold(spec.expression));
    if (spec.abortOnFail) verdict.abortOnFail = true;
    if (inputs.abortedBy?.expression === spec.expression) {
      verdict.abortedAtS = inputs.abortedBy.t;
      // Stopped by this gate: the run is judged failed even if the shortened run's figures pass.
      verdict.passed = false;
    }
    return verdict;
  });
}

function evaluate(inputs: GateInputs, expression: ThresholdExpression): GateVerdict {
  const base = { kind: 'threshold' as const, expression: expression.text, limitText: limitText(expression.op, expression.value, expression.unit) };
  const noData = (reason: string): GateVerdict => ({ ...base, passed: false, actual: null, actualText: 'no data', reason });
  const judged = (actual: number): GateVerdict => ({ ...base, passed: compare(actual, expression.op, expression.value), actual, actualText: formatValue(actual, expression.unit) });

  if (expression.scope?.kind === 'target') {
    const actual = summaryMetric(inputs.summary, expression, expression.unit);
    if (typeof actual === 'string') return noData(`${actual} in this run`);
    return actual === null ? noData(`no ${expression.metric} samples for target "${expression.scope.name}"`) : judged(actual);
  }
  if (expression.windowS !== undefined) return evaluateWindow(inputs, expression, base);

  const scoped = scopedTrafficOf(inputs, expression);
  if (typeof scoped === 'string') return noData(scoped);
  const actual = trafficValue(scoped, expression.metric, expression.unit, inputs.summary);
  return actual === null ? noData('no requests were measured in its scope') : judged(actual);
}

function evaluateWindow(inputs: GateInputs, expression: ThresholdExpression, base: Pick<GateVerdict, 'kind' | 'expression' | 'limitText'>): GateVerdict {
  const filter = scopeFilter(expression.scope, inputs.flows);
  const missing = typeof filter === 'string' ? filter : missingScope(inputs.summary, expression);
  if (typeof filter === 'string' || missing !== undefined) return { ...base, passed: false, actual: null, actualText: 'no data', reason: missing ?? String(filter) };
  const gate = new WindowGate(expression, filter);
  for (const record of inputs.records) gate.feed(record);
  const result = gate.finish();
  const window = { seconds: expression.windowS!, worstStartS: result.worstStartS, evaluated: result.evaluated, failed: result.failed, failing: result.failing };
  if (result.worst === null) return { ...base, passed: false, actual: null, actualText: 'no data', reason: 'no window had requests in its scope', window };
  const verdict: GateVerdict = { ...base, passed: result.failed === 0, actual: result.worst, actualText: `${formatValue(result.worst, expression.unit)} (worst window)`, window };
  if (result.shortRunS !== undefined) verdict.reason = `the scope ran ${result.shortRunS} s, less than one ${expression.windowS} s window: judged once over all of it`;
  return verdict;
}

function missingScope(summary: RunSummary, expression: ThresholdExpression): string | undefined {
  const scope = expression.scope;
  if (scope?.kind === 'step' && summary.steps[scope.name] === undefined) return `no step named "${scope.name}" in this run`;
  if (scope?.kind === 'phase' && !summary.phases.some((p) => p.name === scope.name)) return `no phase named "${scope.name}" in this run`;
  return undefined;
}

function scopedTrafficOf(inputs: GateInputs, expression: ThresholdExpression): ReturnType<typeof scopedTraffic> {
  const missing = missingScope(inputs.summary, expression);
  if (missing !== undefined) return missing;
  if (expression.scope?.kind !== 'flow') return scopedTraffic(inputs.summary, expression);
  const filter = scopeFilter(expression.scope, inputs.flows);
  if (typeof filter === 'string') return filter;
  // A flow's figures: its steps' requests over the run's duration.
  const flow = new TrafficAccumulator();
  for (const record of inputs.records) if (record.type === 'step' && filter.step(record)) flow.add(record, decodeStepRecord(record));
  return flow.summarise(inputs.summary.durationS);
}
