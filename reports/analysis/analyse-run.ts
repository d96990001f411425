import { parseThreshold } from '../../scenarios/language/threshold-expression.js';
import { addBucketsInto } from '../../scenarios/results/histogram-decode.js';
import { newHistogram } from '../../scenarios/results/histogram.js';
import type { Histogram } from '../../scenarios/results/histogram.js';
import type { Results } from '../../scenarios/results/results-reader.js';
import type { FaultRecord, OutageRecord, ResourceRecord, StepIntervalRecord } from '../../scenarios/results/results-format.js';
import type { GateVerdict } from '../gates/gate-types.js';
import { stepLatency } from '../step-latency.js';
import { flowsOf } from '../stream-flows.js';
import type { RunSummary } from '../summary-types.js';
import type { RunAnalysis } from './analysis-types.js';
import { BreakdownBuilder } from './breakdown.js';
import { correlate } from './correlation.js';
import type { CorrelationCandidate } from './correlation.js';
import { faultDrill } from './fault-drill.js';
import { resourceTimeline, targetTotals } from './resource-timeline.js';
import { runWarnings } from './run-warnings.js';
import { throughputCurve } from './throughput-curve.js';
import { TimelineBuilder } from './timeline.js';

// Everything the report draws, from the results stream alone, in one pass over its records: each
// latency histogram is decoded once and handed to every part that needs it.

export function analyseRun(results: Results, summary: RunSummary, gates: readonly GateVerdict[]): RunAnalysis {
  const { header, records } = results;
  const flows = flowsOf(results);
  const runEndS = records.reduce((end, r) => ('dur' in r && r.type !== 'host' ? Math.max(end, r.t + r.dur) : end), 0);
  const timeline = new TimelineBuilder(Math.max(runEndS, 1));
  const breakdown = new BreakdownBuilder(flows, header.phases.length);
  const whole: Histogram = newHistogram();
  const resources: ResourceRecord[] = [];
  const faults: FaultRecord[] = [];
  const outages: OutageRecord[] = [];
  const steps: StepIntervalRecord[] = [];

  for (const record of records) {
    switch (record.type) {
      case 'step': {
        const latency = stepLatency(record);
        addBucketsInto(whole, latency);
        timeline.addStep(record, latency);
        breakdown.add(record, latency);
        steps.push(record);
        break;
      }
      case 'iterations':
        timeline.addIterations(record);
        break;
      case 'resource':
        resources.push(record);
        break;
      case 'fault':
        faults.push(record);
        break;
      case 'outage':
        outages.push(record);
        break;
      default:
        break;
    }
  }

  const built = timeline.finish();
  const resourceSeries = resourceTimeline(resources, built.timeline.bucketS, built.timeline.t.length);
  const p99Slo = p99SloOf(header.scenario.thresholds);
  return {
    summary,
    timeline: built.timeline,
    resources: resourceSeries,
    correlations: correlate(built.timeline.overall.p99, correlationCandidates(resourceSeries, built.timeline.t.length)),
    throughput: throughputCurve(built.throughput, p99Slo === undefined ? {} : { p99SloMs: p99Slo }),
    faultDrill: faultDrill(faults, outages, steps, gates, runEndS),
    flows,
    breakdown: breakdown.rows(summary),
    distribution: percentileSpectrum(whole),
    warnings: runWarnings(results, summary),
  };
}

function correlationCandidates(targets: ReturnType<typeof resourceTimeline>, count: number): CorrelationCandidate[] {
  const candidates: CorrelationCandidate[] = [];
  for (const target of targets) {
    const totals = targetTotals(target, count);
    for (const metric of ['cpuCores', 'throttledPct', 'workingSetBytes'] as const) {
      candidates.push({ target: target.target, replica: null, metric, values: totals[metric] });
      if (target.replicas.length > 1) for (const replica of target.replicas) candidates.push({ target: target.target, replica: replica.replica, metric, values: replica[metric] });
    }
  }
  return candidates;
}

/** The tightest whole-run p99 threshold, if any: the SLO the knee is measured against. */
function p99SloOf(thresholds: readonly string[]): number | undefined {
  let slo: number | undefined;
  for (const text of thresholds) {
    const threshold = parseThreshold(text);
    const wholeRunP99 = threshold.metric === 'p99' && threshold.scope === undefined && threshold.windowS === undefined;
    if (!wholeRunP99 || (threshold.op !== '<' && threshold.op !== '<=')) continue;
    slo = slo === undefined ? threshold.value : Math.min(slo, threshold.value);
  }
  return slo;
}

/** Latency at percentiles spaced evenly on a log scale of 1/(1−p), as far as the run's count supports. */
function percentileSpectrum(histogram: Histogram): RunAnalysis['distribution'] {
  if (histogram.totalCount === 0) return [];
  const points: RunAnalysis['distribution'] = [];
  const deepest = Math.min(6, Math.log10(histogram.totalCount));
  for (let step = 0; step <= deepest * 10; step++) {
    const percentile = 100 * (1 - 10 ** (-step / 10));
    points.push({ percentile: Math.round(percentile * 10_000) / 10_000, ms: histogram.getValueAtPercentile(percentile) / 1000 });
  }
  points.push({ percentile: 100, ms: histogram.maxValue / 1000 });
  return points;
}
