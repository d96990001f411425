import type { BreakdownRow, RunAnalysis } from '../analysis/analysis-types.js';
import type { GateVerdict } from '../gates/gate-types.js';
import type { HeaderRecord } from '../../scenarios/results/results-format.js';
import type { CapacityStudy } from '../capacity/capacity-study-types.js';
import { capacityView, type CapacitySectionView } from './capacity-view.js';
import { flowWaterfalls, type FlowWaterfall } from './flow-waterfall.js';
import { chartIds, type ReportData } from './report-data.js';
import {
  correlationRows,
  faultRow,
  gateRow,
  launchedTargetRows,
  limitsText,
  phaseRows,
  resourceTable,
  type CorrelationRow,
  type FaultRow,
  type GateRow,
  type LaunchedTargetRow,
  type PhaseRow,
  type ResourceTableTarget,
} from './table-rows.js';
import { verdictView, type ReportVerdict, type VerdictView } from './verdict-view.js';

// Everything the templates read, section by section. Every field is present (null when there is
// nothing to say) because the templates compile in strict mode, where a missing field is an error.

export interface ViewInput {
  analysis: RunAnalysis;
  gates: GateVerdict[];
  verdict: ReportVerdict;
  header: HeaderRecord;
  generatedAt: string;
  capacity?: CapacityStudy | null;
}

export interface ReportView {
  title: string;
  generatedAt: string;
  verdict: VerdictView;
  figures: KeyFigures;
  gates: GateRow[];
  warnings: string[];
  timeline: { hasData: boolean; hasSteps: boolean; hasDropped: boolean; bucketS: number; faults: FaultRow[] };
  resources: ResourceGroup[];
  correlations: CorrelationRow[];
  throughput: { hasChart: boolean; knee: RunAnalysis['throughput']['knee']; points: number };
  breakdown: { run: BreakdownRow[]; phases: Array<{ phase: string; rows: BreakdownRow[] }> };
  flows: FlowWaterfall[];
  distribution: { hasChart: boolean };
  errors: { byClass: Array<{ outcome: string; count: number; share: number }>; top: RunAnalysis['summary']['topErrors'] };
  faultDrill: FaultRow[];
  resourceTable: ResourceTableTarget[];
  /** null: no capacity study in this run; the section says how to get one. */
  capacity: CapacitySectionView | null;
  environment: Environment;
  chartCount: number;
}

export interface KeyFigures {
  requests: number;
  rps: number;
  errorRate: number;
  p50: number;
  p95: number;
  p99: number;
  durationS: number;
  dropped: number;
  busiest: { target: string; cpuMax: number; limitCores: number | null; sharePct: number | null } | null;
}

export interface ResourceGroup {
  index: number;
  target: string;
  source: string;
  replicas: string;
  limitsText: string;
  cpuChart: string | null;
  throttledChart: string | null;
  memoryChart: string | null;
}

export interface Environment {
  scenario: HeaderRecord['scenario'];
  mode: string;
  tool: HeaderRecord['tool'];
  startedAt: string;
  phases: PhaseRow[];
  launchedTargets: LaunchedTargetRow[];
  generator: HeaderRecord['generator'];
}

export function buildReportView(input: ViewInput, data: ReportData): ReportView {
  const { analysis, header } = input;
  const summary = analysis.summary;
  const ids = new Set(chartIds(data));
  const faults = analysis.faultDrill.map(faultRow);
  return {
    title: summary.scenario,
    generatedAt: input.generatedAt,
    verdict: verdictView(input.verdict, input.gates, summary),
    figures: keyFigures(analysis),
    gates: input.gates.map(gateRow),
    warnings: analysis.warnings,
    timeline: {
      hasData: ids.has('latency'),
      hasSteps: ids.has('steps'),
      hasDropped: data.traffic.droppedPerS !== null,
      bucketS: analysis.timeline.bucketS,
      faults,
    },
    resources: analysis.resources.map((target, i) => ({
      index: i,
      target: target.target,
      source: target.source,
      replicas: target.replicas.map((r) => r.replica).join(', '),
      limitsText: limitsText(target.limits.cpuCores, target.limits.memoryBytes),
      cpuChart: ids.has(`cpu-${i}`) ? `cpu-${i}` : null,
      throttledChart: ids.has(`throttled-${i}`) ? `throttled-${i}` : null,
      memoryChart: ids.has(`memory-${i}`) ? `memory-${i}` : null,
    })),
    correlations: correlationRows(analysis.correlations),
    throughput: { hasChart: ids.has('throughput'), knee: analysis.throughput.knee, points: analysis.throughput.points.length },
    breakdown: breakdown(analysis.breakdown),
    flows: flowWaterfalls(analysis),
    distribution: { hasChart: ids.has('distribution') },
    errors: errors(analysis),
    faultDrill: faults,
    resourceTable: resourceTable(summary.targets),
    capacity: capacityView(input.capacity, ids),
    environment: {
      scenario: header.scenario,
      mode: header.mode,
      tool: header.tool,
      startedAt: Number.isFinite(header.startEpochMs) ? new Date(header.startEpochMs).toISOString() : summary.startedAt,
      phases: phaseRows(header.phases),
      launchedTargets: launchedTargetRows(header.targets),
      generator: header.generator,
    },
    chartCount: ids.size,
  };
}

function keyFigures(analysis: RunAnalysis): KeyFigures {
  const o = analysis.summary.overall;
  return {
    requests: o.requests,
    rps: o.rps,
    errorRate: o.errorRate,
    p50: o.latency.p50,
    p95: o.latency.p95,
    p99: o.latency.p99,
    durationS: analysis.summary.durationS,
    dropped: o.dropped,
    busiest: busiestTarget(analysis),
  };
}

/** The target with the highest per-replica CPU peak, and how close that came to its limit. */
function busiestTarget(analysis: RunAnalysis): KeyFigures['busiest'] {
  let best: KeyFigures['busiest'] = null;
  for (const [target, s] of Object.entries(analysis.summary.targets)) {
    const cpuMax = s.cpu.max;
    if (cpuMax === null || (best !== null && cpuMax <= best.cpuMax)) continue;
    const limit = s.limits.cpuCores;
    best = { target, cpuMax, limitCores: limit, sharePct: limit !== null && limit > 0 ? (100 * cpuMax) / limit : null };
  }
  return best;
}

function breakdown(rows: readonly BreakdownRow[]): ReportView['breakdown'] {
  const phases = new Map<string, BreakdownRow[]>();
  for (const row of rows) {
    if (row.phase === null) continue;
    let list = phases.get(row.phase);
    if (list === undefined) phases.set(row.phase, (list = []));
    list.push(row);
  }
  return { run: rows.filter((r) => r.phase === null), phases: [...phases].map(([phase, list]) => ({ phase, rows: list })) };
}

function errors(analysis: RunAnalysis): ReportView['errors'] {
  const o = analysis.summary.overall;
  const byClass = Object.entries(o.errorsByClass)
    .filter(([outcome, count]) => outcome !== 'ok' && typeof count === 'number' && count > 0)
    .map(([outcome, count]) => ({ outcome, count: count as number, share: o.requests > 0 ? (count as number) / o.requests : 0 }))
    .sort((a, b) => b.count - a.count);
  return { byClass, top: analysis.summary.topErrors };
}
