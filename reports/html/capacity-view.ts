import type { CapacityStudy, StudySearch, VerificationCheck, VerificationOutcome } from '../capacity/capacity-study-types.js';
import { cpuQuantity, formatCores, formatMebibytes, memoryQuantity, roundCpuCoresUp, roundMemoryBytesUp } from '../capacity/quantity.js';
import type { ReferenceRecommendation } from '../capacity/reference-recommenders.js';
import type { TargetRecommendation } from '../capacity/recommendation-types.js';
import { formatCoefficient } from '../capacity/usl.js';
import { chartMetric, replicasLabel } from './capacity-chart-data.js';
import { formatDuration, formatNumber, formatRps } from './format.js';

// The capacity section's view: the plan, the searches (chart and level tables), the scaling, the
// recommendation with the basis of each figure, the usage-only recommenders beside it, and the
// verification's predictions beside what happened. Composite cells are written out here; every
// string from the study stays a plain value for the template to escape.

export interface CapacitySectionView {
  target: string;
  plan: { peakRps: number; headroomPct: number; requiredRps: number; nPlusOne: boolean; slo: string };
  problem: string | null;
  searchChart: string | null;
  /** The percentile the search chart plots. */
  searchMetric: string;
  searches: SearchTable[];
  scaling: ScalingView | null;
  recommendation: RecommendationView | null;
  reference: ReferenceView | null;
  verification: VerificationView | null;
}

export interface SearchTable {
  label: string;
  source: string | null;
  kneeRps: number | null;
  failedRps: number | null;
  finished: boolean;
  sloText: string | null;
  levels: LevelRow[];
}

export interface LevelRow {
  index: number;
  stage: string;
  rate: number;
  achievedRps: number;
  p99: number | null;
  requests: number;
  errors: number;
  passed: boolean;
  reason: string | null;
}

export interface ScalingView {
  chart: string | null;
  /** Knees at one replica count only: capacity was taken as linear in replicas. */
  linearAssumed: boolean;
  perReplicaRps: number | null;
  verdict: string | null;
  coefficientsText: string | null;
}

export interface RecommendationView {
  replicas: number;
  reachesPeak: boolean;
  requiredRps: number;
  predictedCapacityRps: number;
  rows: Array<{ name: string; value: string; detail: string | null; basis: string }>;
  confidence: { level: string; reasons: string[] };
}

export interface ReferenceView {
  rows: Array<{ name: string; ours: string; krr: string; vpa: string }>;
  tools: Array<{ name: string; rule: string; notes: string[] }>;
  comparison: string;
}

export interface VerificationView {
  held: boolean;
  headline: string;
  checks: Array<Omit<VerificationCheck, 'note'> & { note: string | null; outcomeClass: 'pass' | 'fail' | 'info' }>;
}

export function capacityView(study: CapacityStudy | null | undefined, chartIds: ReadonlySet<string>): CapacitySectionView | null {
  if (study === null || study === undefined) return null;
  const rec = study.recommendation;
  const plan = study.plan;
  const scalingChart = chartIds.has('capacity-scaling') ? 'capacity-scaling' : null;
  return {
    target: study.target,
    plan: {
      peakRps: plan.peakRps,
      headroomPct: plan.headroom * 100,
      requiredRps: rec?.sizing.requiredRps ?? plan.peakRps * (1 + plan.headroom),
      nPlusOne: plan.nPlusOne,
      slo: plan.slo,
    },
    problem: study.problem ?? (rec === null ? 'No recommendation could be made, and the study does not say why.' : null),
    searchChart: chartIds.has('capacity-search') ? 'capacity-search' : null,
    searchMetric: chartMetric(study.searches),
    searches: study.searches.map(searchTable),
    scaling: rec === null && scalingChart === null ? null : scalingView(rec, scalingChart),
    recommendation: rec === null ? null : recommendationView(rec),
    reference: rec === null ? null : referenceView(rec),
    verification: study.verification === null ? null : verificationView(study.verification),
  };
}

function searchTable(s: StudySearch): SearchTable {
  const slo = s.search.slo;
  const sloText =
    slo === null ? null : [...slo.latency.map((b) => `${b.metric} ≤ ${formatNumber(b.maxMs)} ms`), `errors ≤ ${formatNumber(slo.maxErrorRate * 100)}%`].join(', ');
  return {
    label: replicasLabel(s.replicas),
    source: s.source === '' ? null : s.source,
    kneeRps: s.search.kneeRps,
    failedRps: s.search.failedRps,
    finished: s.search.finished,
    sloText,
    levels: s.search.levels.map((l, i) => ({
      index: i + 1,
      stage: l.stage,
      rate: l.rate,
      achievedRps: l.achievedRps,
      p99: l.p99,
      requests: l.requests,
      errors: l.errors,
      passed: l.passed,
      reason: l.reason ?? null,
    })),
  };
}

function scalingView(rec: TargetRecommendation | null, chart: string | null): ScalingView {
  const s = rec?.scaling ?? null;
  return {
    chart,
    linearAssumed: rec !== null && s === null,
    perReplicaRps: rec?.perReplicaCapacityRps ?? null,
    verdict: s?.verdict ?? null,
    coefficientsText:
      s === null
        ? null
        : `α ${formatCoefficient(s.alpha)} · β ${formatCoefficient(s.beta)} · γ ${formatRps(s.gamma)} · ` +
          `R² ${s.rSquared === null ? '—' : s.rSquared.toFixed(3)} · peak N* ${s.peakReplicas === null ? 'none' : s.peakReplicas.toFixed(1)}`,
  };
}

function recommendationView(rec: TargetRecommendation): RecommendationView {
  const hpa = rec.hpa;
  return {
    replicas: rec.replicas,
    reachesPeak: rec.reachesPeak,
    requiredRps: rec.sizing.requiredRps,
    predictedCapacityRps: rec.sizing.predictedCapacityRps,
    rows: [
      { name: 'Replicas', value: String(rec.replicas), detail: `carry ${formatRps(rec.sizing.predictedCapacityRps)} at the SLO`, basis: rec.basis.replicas },
      {
        name: 'Capacity per replica',
        value: formatRps(rec.perReplicaCapacityRps),
        detail: `at ${replicasLabel(rec.replicas)}`,
        basis: `the predicted capacity at ${replicasLabel(rec.replicas)} (${formatRps(rec.sizing.predictedCapacityRps)}) ÷ ${rec.replicas}; each replica carries ${formatRps(rec.sizing.plannedRpsPerReplica)} at peak`,
      },
      { name: 'CPU request', value: rec.cpu.request.quantity, detail: formatCores(rec.cpu.request.cores), basis: rec.basis.cpuRequest },
      { name: 'CPU limit', value: rec.cpu.limit?.quantity ?? 'none', detail: rec.cpu.limit === null ? null : formatCores(rec.cpu.limit.cores), basis: rec.basis.cpuLimit },
      {
        name: 'Memory request = limit',
        value: rec.memory.request.quantity,
        detail: rec.memory.limit.bytes === rec.memory.request.bytes ? formatMebibytes(rec.memory.request.bytes) : `limit ${rec.memory.limit.quantity}`,
        basis: rec.basis.memory,
      },
      { name: 'HPA', value: `${hpa.targetCPUUtilizationPercentage}% CPU`, detail: `${hpa.minReplicas}–${hpa.maxReplicas} replicas`, basis: rec.basis.hpa },
    ],
    confidence: { level: rec.confidence.level, reasons: rec.confidence.reasons },
  };
}

function referenceView(rec: TargetRecommendation): ReferenceView {
  const { krrSimple: krr, vpa } = rec.reference;
  const ourCpuLimit = rec.cpu.limit === null ? 'none' : cpuText(rec.cpu.limit.cores);
  const row = (name: string, ours: string, pick: (r: ReferenceRecommendation) => string): ReferenceView['rows'][number] => ({ name, ours, krr: pick(krr), vpa: pick(vpa) });
  return {
    rows: [
      row('CPU request', cpuText(rec.cpu.request.cores), (r) => amount(r.cpuRequestCores, cpuText)),
      row('CPU limit', ourCpuLimit, (r) => limit(r.cpuRequestCores, r.cpuLimitCores, cpuText)),
      row('Memory request', memoryText(rec.memory.request.bytes), (r) => amount(r.memoryRequestBytes, memoryText)),
      row('Memory limit', memoryText(rec.memory.limit.bytes), (r) => limit(r.memoryRequestBytes, r.memoryLimitBytes, memoryText)),
    ],
    tools: [
      { name: 'KRR simple', rule: krr.rule, notes: krr.notes },
      { name: 'VPA target', rule: vpa.rule, notes: vpa.notes },
    ],
    comparison: rec.comparison,
  };
}

/** "255m (0.25 cores)": the manifest quantity, rounded up as recommend.ts rounds ours, and the figure itself. */
function cpuText(cores: number): string {
  return `${cpuQuantity(roundCpuCoresUp(cores))} (${formatCores(cores)})`;
}

function memoryText(bytes: number): string {
  return `${memoryQuantity(roundMemoryBytesUp(bytes))} (${formatMebibytes(bytes)})`;
}

/** A request the tool did not give: it declined (too few samples). */
function amount(value: number | null, text: (v: number) => string): string {
  return value === null ? 'no recommendation' : text(value);
}

/** A limit the tool did not give: none, when it gave a request; otherwise it gave nothing. */
function limit(request: number | null, value: number | null, text: (v: number) => string): string {
  if (value !== null) return text(value);
  return request === null ? '—' : 'none';
}

function verificationView(v: VerificationOutcome): VerificationView {
  const where = `at ${replicasLabel(v.replicas)} at peak ${formatRps(v.peakRps)} for ${formatDuration(v.durationS)}`;
  const failed = v.checks.filter((c) => c.outcome === 'fail').map((c) => c.name);
  return {
    held: v.sloHeld,
    headline: v.sloHeld ? `verified: the SLO held ${where}` : `NOT verified: the SLO did not hold ${where}${failed.length > 0 ? ` (failed: ${failed.join(', ')})` : ''}`,
    checks: v.checks.map((c) => ({
      name: c.name,
      predicted: c.predicted,
      observed: c.observed,
      outcome: c.outcome,
      // The class is ours: an outcome that is none of the three (a hand-written study) is styled as info.
      outcomeClass: c.outcome === 'pass' || c.outcome === 'fail' ? c.outcome : 'info',
      note: c.note ?? null,
    })),
  };
}
