import type { Correlation, FaultDrillRow, RunAnalysis } from '../analysis/analysis-types.js';
import type { GateVerdict } from '../gates/gate-types.js';
import type { TargetResourceSummary } from '../resource-summary.js';
import type { LaunchedTargetInfo, PhasePlan } from '../../scenarios/results/results-format.js';
import { formatBytes, formatClock, formatCores, formatDuration, formatNumber } from './format.js';

// The rows of the report's tables, with the composite cells (window lists, time spans, limits)
// already written out; single figures stay numbers and the templates format them.

const LISTED_WINDOWS = 5;

export interface GateRow {
  passed: boolean;
  kind: string;
  expression: string;
  actualText: string;
  limitText: string;
  windowText: string | null;
  failingText: string | null;
  baselineText: string | null;
  changeText: string | null;
  note: string | null;
  abortedText: string | null;
}

export function gateRow(gate: GateVerdict): GateRow {
  const w = gate.window;
  return {
    passed: gate.passed,
    kind: gate.kind,
    expression: gate.expression,
    actualText: gate.actualText,
    limitText: gate.limitText,
    windowText:
      w === undefined
        ? null
        : `${formatDuration(w.seconds)} windows: ${w.failed} of ${w.evaluated} failed` + (w.worstStartS === null ? '' : `; worst from t = ${formatClock(w.worstStartS)}`),
    failingText: w === undefined || w.failing.length === 0 ? null : spans(w.failing.map((f) => [f.startS, f.endS])),
    baselineText: gate.baseline?.valueText ?? null,
    changeText: gate.baseline?.changeText ?? null,
    note: gate.reason ?? null,
    abortedText: gate.abortedAtS === undefined ? null : `stopped the run at t = ${formatClock(gate.abortedAtS)}`,
  };
}

function spans(list: Array<[number, number]>): string {
  const shown = list.slice(0, LISTED_WINDOWS).map(([a, b]) => `${formatClock(a)}–${formatClock(b)}`);
  const more = list.length - shown.length;
  return shown.join(', ') + (more > 0 ? ` and ${more} more` : '');
}

export interface FaultRow {
  index: number;
  label: string;
  action: string;
  startS: number;
  endS: number | null;
  target: string;
  replicas: string;
  detail: string;
  error: string | null;
  outages: string[];
  unavailableS: number;
  recoveryText: string;
  requestsDuring: number;
  errorsDuring: number;
  caughtBy: string[];
}

export function faultRow(fault: FaultDrillRow, index: number): FaultRow {
  return {
    index: index + 1,
    label: fault.label,
    action: fault.action,
    startS: fault.startS,
    endS: fault.endS,
    target: fault.target,
    replicas: fault.replicas.join(', '),
    detail: fault.detail,
    error: fault.error ?? null,
    outages: fault.outages.map((o) => `${formatClock(o.t)}–${formatClock(o.end)} (${formatDuration(o.durationS)}, ${formatNumber(o.failed)} failed, ${formatNumber(o.ok)} ok)`),
    unavailableS: fault.unavailableS,
    recoveryText: fault.recoverS === null ? 'never recovered' : fault.recoverS === 0 ? 'no outage' : formatDuration(fault.recoverS),
    requestsDuring: fault.requestsDuring,
    errorsDuring: fault.errorsDuring,
    caughtBy: fault.caughtBy,
  };
}

const STRENGTH_ORDER: Record<Correlation['strength'], number> = { strong: 0, moderate: 1, weak: 2, none: 3 };
const METRIC_NAMES: Record<Correlation['metric'], string> = { cpuCores: 'CPU', throttledPct: 'CPU throttling', workingSetBytes: 'memory working set' };

export interface CorrelationRow extends Correlation {
  replicaText: string;
  metricText: string;
}

/** Strongest first: by strength class, then by the larger of |r| and |ρ|. */
export function correlationRows(correlations: readonly Correlation[]): CorrelationRow[] {
  const size = (c: Correlation): number => Math.max(Math.abs(c.r), Math.abs(c.rho));
  return [...correlations]
    .sort((a, b) => STRENGTH_ORDER[a.strength] - STRENGTH_ORDER[b.strength] || size(b) - size(a))
    .map((c) => ({ ...c, replicaText: c.replica ?? 'all', metricText: METRIC_NAMES[c.metric] }));
}

export interface ResourceTableTarget {
  target: string;
  summary: TargetResourceSummary;
  limitsText: string;
  replicas: Array<{ replica: string; summary: TargetResourceSummary['byReplica'][string] }>;
}

export function resourceTable(targets: RunAnalysis['summary']['targets']): ResourceTableTarget[] {
  return Object.entries(targets).map(([target, summary]) => ({
    target,
    summary,
    limitsText: limitsText(summary.limits.cpuCores, summary.limits.memoryBytes),
    replicas: Object.entries(summary.byReplica).map(([replica, s]) => ({ replica, summary: s })),
  }));
}

export function limitsText(cpuCores: number | null | undefined, memoryBytes: number | null | undefined): string {
  const parts: string[] = [];
  if (typeof cpuCores === 'number') parts.push(formatCores(cpuCores));
  if (typeof memoryBytes === 'number') parts.push(formatBytes(memoryBytes));
  return parts.length > 0 ? parts.join(', ') : 'none';
}

export interface PhaseRow extends PhasePlan {
  paramsText: string;
}

export function phaseRows(phases: readonly PhasePlan[]): PhaseRow[] {
  return phases.map((p) => ({
    ...p,
    paramsText: Object.entries(p.params)
      .map(([k, v]) => `${k} ${formatNumber(v)}`)
      .join(', '),
  }));
}

export interface LaunchedTargetRow {
  name: string;
  kind: string;
  replicas: string;
  requestsText: string;
  limitsText: string;
  enforced: boolean;
}

export function launchedTargetRows(targets: Record<string, LaunchedTargetInfo> | undefined): LaunchedTargetRow[] {
  return Object.entries(targets ?? {}).map(([name, t]) => ({
    name,
    kind: t.kind,
    replicas: t.replicas.join(', '),
    requestsText: limitsText(t.requests.cpuCores, t.requests.memoryBytes),
    limitsText: limitsText(t.limits.cpuCores, t.limits.memoryBytes),
    enforced: t.enforced,
  }));
}
