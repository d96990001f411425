// The recommendation rules: from knees at one or more replica counts and per-replica usage at the
// load steps, per target: replicas, CPU and memory requests/limits, and an HPA. Each figure carries
// the rule and data it came from (`basis`) and how far to trust it (`confidence`).
//
// Rules, and why:
// 1. Replicas: the smallest N whose predicted capacity at the SLO covers peak × (1 + headroom).
//    Capacity(N) is the USL fit through the knees (fit.predicted); with knees at one count only, it
//    is linear in N, and the confidence says that was assumed. Counts past the USL's best whole N
//    are never considered: they carry less, not more. When no N reaches the target, the best N is
//    returned with reachesPeak = false and the basis says the tier cannot serve the peak by adding
//    replicas.
// 2. N+1: when asked, and losing one of the N replicas would leave less than the peak (without
//    headroom — headroom is for growth, not for the failure), one more replica is added; never
//    past the USL peak, and the basis says so when that stopped it.
// 3. CPU request: the p95 of per-replica CPU samples at the planned load (peak ÷ N, every replica up),
//    read from the lowest measured step at or above that load so the figure errs high. p95 rather
//    than VPA's p90: a load-test step is minutes long, not a week, so its tail is the burst a
//    replica will see each time peak comes; and it matches KRR's percentile, so the difference from
//    KRR is the load the samples were taken at, not the statistic.
// 4. CPU limit: none by default. A CFS quota throttles a replica inside every 100 ms period it
//    overruns, which shows as tail latency long before average usage nears the limit; with requests
//    set, the scheduler already guarantees each replica its share. Teams that must set one (quota
//    policies, noisy neighbours) choose a multiple of the request; the limit is then never below the
//    highest CPU sample at the knee, so the load the SLO was met at is not throttled.
// 5. Memory: request = limit = the peak working set over all steps × (1 + margin, default 0.15),
//    rounded up. Memory cannot be throttled, only OOM-killed, so limit = request (Guaranteed memory)
//    and the peak, not a percentile, is the base.
// 6. HPA: desired = ceil(current × usage/target) and the controller ignores ratios within its
//    tolerance (default 0.1) of 1, so scale-out starts at target × 1.1. The target utilisation is
//    the knee's mean CPU ÷ request, less the margin (default 0.2, for the time a new pod takes to
//    start and the metrics window), divided by 1.1 — scale-out begins before the knee. Mean, not
//    p95: the HPA compares the average over pods. minReplicas = the N+1 count (rules 1–2), so the
//    HPA is a safety net for traffic beyond plan, not the plan. maxReplicas = the USL's best whole N
//    when the fit has a peak, otherwise the cap. A tier that does not scale gets min = max: an HPA
//    cannot help it.
import { cpuCostModel } from './cpu-cost.js';
import { explainDifference } from './explain-difference.js';
import { mean, nearestRankPercentile } from '../percentile.js';
import { cpuQuantity, formatCores, formatMebibytes, memoryQuantity, roundCpuCoresUp, roundMemoryBytesUp } from './quantity.js';
import { referenceRecommendations } from './reference-recommenders.js';
import type {
  Confidence,
  ConfidenceLevel,
  CpuAmount,
  LoadStepUsage,
  PlanInputs,
  RecommendOptions,
  TargetEvidence,
  TargetRecommendation,
} from './recommendation-types.js';
import { cpuValues, memoryValues } from './usage-sample.js';
import { BRACKET_TOLERANCE, scalingFit } from './scaling-fit.js';
import { bestWholeReplicas, scalingVerdict, type UslFit } from './usl.js';

export { explainDifference } from './explain-difference.js';
export { referenceRecommendations } from './reference-recommenders.js';
export type * from './recommendation-types.js';

const DEFAULTS = {
  cpuRequestPercentile: 95,
  memoryMargin: 0.15,
  hpaMargin: 0.2,
  hpaTolerance: 0.1,
  maxReplicasCap: 100,
};

/** Fewer search steps than this place the knee too coarsely to trust to better than a step. */
const MIN_SEARCH_STEPS = 5;
/** A fit explaining less of the variance than this is a poor description of the scaling. */
const MIN_R_SQUARED = 0.9;

export function recommendTarget(plan: PlanInputs, evidence: TargetEvidence, options: RecommendOptions = {}): TargetRecommendation {
  const settings = { ...DEFAULTS, ...options };
  if (evidence.knees.length === 0) throw new RangeError(`${evidence.name}: no knee measured, nothing to size from`);
  const reasons: Array<{ level: ConfidenceLevel; text: string }> = [];
  const note = (level: ConfidenceLevel, text: string): void => void reasons.push({ level, text });

  // ---- Capacity and replicas (rules 1–2) ----
  const { fit, linearWithinResolution } = scalingFit(evidence.knees);
  const capacity = (n: number): number => (n <= 0 ? 0 : fit.predicted(n));
  const countsMeasured = new Set(evidence.knees.map((k) => k.replicas)).size;
  const hasPeak = fit.peakReplicas !== null;
  const usefulLimit = hasPeak ? bestWholeReplicas(fit, settings.maxReplicasCap) : settings.maxReplicasCap;
  const targetPeak = evidence.peakRps ?? plan.peakRps;
  const required = targetPeak * (1 + plan.headroom);

  let replicas = 1;
  while (replicas < usefulLimit && capacity(replicas) < required) replicas++;
  const reachesPeak = capacity(replicas) >= required;
  const replicaBasis: string[] = [];
  const headroomText = `peak ${fmt(targetPeak)} req/s × ${fmt(1 + plan.headroom)} headroom = ${fmt(required)} req/s`;
  if (reachesPeak) {
    replicaBasis.push(`${replicas} is the smallest count predicted to carry ${headroomText} (${fmt(capacity(replicas))} req/s at the SLO${replicas > 1 ? `; ${replicas - 1} carry ${fmt(capacity(replicas - 1))}` : ''})`);
  } else {
    replicaBasis.push(`no replica count carries ${headroomText}: the most is ${fmt(capacity(replicas))} req/s at ${replicas} (${hasPeak ? 'the USL peak' : 'the cap'}); this tier cannot be scaled out to the peak — make each replica faster or split the work`);
    note('low', `the peak cannot be served at any replica count (best ${fmt(capacity(replicas))} of ${fmt(required)} req/s)`);
  }
  if (plan.nPlusOne && reachesPeak && capacity(replicas - 1) < targetPeak) {
    if (replicas + 1 <= usefulLimit) {
      replicas++;
      replicaBasis.push(`+1 for N+1: losing one of ${replicas - 1} would leave ${fmt(capacity(replicas - 2))} req/s, below peak`);
    } else {
      replicaBasis.push(`N+1 not added: ${replicas + 1} replicas would pass the USL peak (N* ≈ ${fit.peakReplicas?.toFixed(1)}) and carry less`);
      note('medium', 'losing one replica at peak would breach the SLO and another replica would not help');
    }
  } else if (plan.nPlusOne && reachesPeak) {
    replicaBasis.push(`N+1 already met: ${replicas - 1} replicas still carry ${fmt(capacity(replicas - 1))} req/s ≥ peak`);
  }
  replicaBasis.push(
    countsMeasured >= 2
      ? `capacity from the ${linearWithinResolution ? 'linear' : 'USL'} fit through knees at ${countsLabel(evidence.knees.map((k) => k.replicas))} replicas (${linearWithinResolution ? 'linear within the searches\' resolution' : scalingVerdict(fit)})`
      : `capacity assumed linear from the knee at ${evidence.knees[0]!.replicas} replica(s): ${fmt(fit.gamma)} req/s per replica`,
  );
  if (usefulLimit === 1 && countsMeasured >= 2) {
    const carried = [...new Set(evidence.knees.map((k) => k.replicas))].sort((a, b) => a - b).map((n) => `${n}: ${fmt(capacity(n))} req/s`);
    replicaBasis.push(`more replicas only lower throughput here, so any count above 1 is a fault-tolerance choice (e.g. 3 or 5 voters of a Raft group), not a capacity one; predicted at the SLO — ${carried.join(', ')}`);
  }
  if (countsMeasured < 2) note('medium', 'scaling assumed linear: knees measured at one replica count only');
  else if (linearWithinResolution) note('medium', 'scaling taken as linear: the knees agree with it within their searches\' resolution; finer searches or more replica counts would show contention if there is any');
  else if (fit.degreesOfFreedom < 1) note('medium', `the USL curve passes through its ${fit.points.length} points by construction: nothing checks the fit`);
  else if (fit.rSquared !== null && fit.rSquared < MIN_R_SQUARED) note('low', `the USL fit is poor (R² ${fit.rSquared.toFixed(2)})`);
  const fewestSteps = Math.min(...evidence.knees.map((k) => k.searchSteps));
  if (fewestSteps < MIN_SEARCH_STEPS) note('low', `a capacity search took only ${fewestSteps} steps: the knee is placed coarsely`);

  const perReplicaCapacityRps = capacity(replicas) / replicas;
  const plannedRpsPerReplica = targetPeak / replicas;

  // ---- CPU request (rule 3) ----
  const steps = [...evidence.steps].sort((a, b) => a.rpsPerReplica - b.rpsPerReplica);
  const cpuSteps = steps.filter((s) => cpuValues(s.samples).length > 0);
  let cpuAtPlanned: number;
  let sampledStep: LoadStepUsage | null = null;
  let cpuRequestBasis: string;
  if (cpuSteps.length > 0) {
    sampledStep = cpuSteps.find((s) => s.rpsPerReplica >= plannedRpsPerReplica) ?? (cpuSteps[cpuSteps.length - 1] as LoadStepUsage);
    const values = cpuValues(sampledStep.samples);
    cpuAtPlanned = nearestRankPercentile(values, settings.cpuRequestPercentile) as number;
    cpuRequestBasis = `p${settings.cpuRequestPercentile} of ${values.length} per-replica CPU samples at ${fmt(sampledStep.rpsPerReplica)} req/s per replica (planned load ${fmt(plannedRpsPerReplica)} req/s per replica): ${formatCores(cpuAtPlanned)}`;
    if (sampledStep.rpsPerReplica < plannedRpsPerReplica) note('medium', `CPU samples were taken below the planned load (${fmt(sampledStep.rpsPerReplica)} of ${fmt(plannedRpsPerReplica)} req/s per replica)`);
    if (values.length < 10) note('low', `only ${values.length} CPU samples at the planned load`);
    else if (values.length < 30) note('medium', `${values.length} CPU samples at the planned load`);
    if ((sampledStep.throttledPct ?? 0) > 1) note('medium', `CPU was throttled in ${(sampledStep.throttledPct ?? 0).toFixed(1)}% of periods at that step: usage understates demand`);
  } else if (evidence.cpuModel !== undefined) {
    const m = evidence.cpuModel;
    cpuAtPlanned = m.coresPerRps * plannedRpsPerReplica + m.idleCores;
    cpuRequestBasis = `no CPU samples: linear model ${fmt(m.coresPerRps * 1000)} millicores per req/s × ${fmt(plannedRpsPerReplica)} req/s + ${formatCores(m.idleCores)} idle = ${formatCores(cpuAtPlanned)} (a mean, not a percentile)`;
    note('medium', 'CPU request from the regression model, not from samples: no percentile of bursts');
  } else {
    throw new RangeError(`${evidence.name}: no CPU samples and no CPU model`);
  }
  const request = cpuAmount(roundCpuCoresUp(cpuAtPlanned));

  // ---- CPU at the knee (for the limit and the HPA) ----
  const kneeStep = cpuSteps[cpuSteps.length - 1];
  const kneeRpsPerReplica = kneeStep?.rpsPerReplica ?? perReplicaCapacityRps;
  const kneeValues = kneeStep ? cpuValues(kneeStep.samples) : [];
  const cpuAtKnee = kneeStep ? (mean(kneeValues) as number) : evidence.cpuModel!.coresPerRps * kneeRpsPerReplica + evidence.cpuModel!.idleCores;
  const cpuMaxAtKnee = kneeValues.length > 0 ? Math.max(...kneeValues) : cpuAtKnee;

  // ---- CPU limit (rule 4) ----
  const policy = settings.cpuLimit ?? { kind: 'none' };
  let limit: CpuAmount | null = null;
  let cpuLimitBasis = 'none: a CFS quota throttles bursts within each 100 ms period and shows as tail latency; the request already reserves the replica’s share (set cpuLimit to a multiple of the request if policy requires one)';
  if (policy.kind === 'multiple-of-request') {
    const cores = roundCpuCoresUp(Math.max(request.cores * policy.multiple, cpuMaxAtKnee));
    limit = cpuAmount(cores);
    cpuLimitBasis = `${fmt(policy.multiple)} × request = ${formatCores(request.cores * policy.multiple)}, not below the highest CPU sample at the knee (${formatCores(cpuMaxAtKnee)})`;
  }

  // ---- Memory (rule 5) ----
  const memory = steps.flatMap((s) => memoryValues(s.samples));
  if (memory.length === 0) throw new RangeError(`${evidence.name}: no memory samples`);
  const peakWorkingSet = Math.max(...memory);
  const memoryBytes = roundMemoryBytesUp(peakWorkingSet * (1 + settings.memoryMargin));
  const memoryAmount = { bytes: memoryBytes, quantity: memoryQuantity(memoryBytes) };
  const memoryBasis = `peak working set ${formatMebibytes(peakWorkingSet)} over ${memory.length} samples in ${steps.length} steps × ${fmt(1 + settings.memoryMargin)}, rounded up; request = limit because memory cannot be throttled, only OOM-killed`;
  if (memory.length < 10) note('low', `only ${memory.length} memory samples`);

  // ---- HPA (rule 6) ----
  const kneeUtilisation = cpuAtKnee / request.cores;
  let target = Math.floor((100 * kneeUtilisation * (1 - settings.hpaMargin)) / (1 + settings.hpaTolerance));
  if (limit !== null) target = Math.min(target, Math.floor((100 * limit.cores * 0.9) / request.cores / (1 + settings.hpaTolerance)));
  target = Math.max(1, target);
  const scales = reachesPeak ? usefulLimit > 1 && fit.predicted(Math.min(usefulLimit, replicas + 1)) > fit.predicted(replicas) : false;
  const minReplicas = replicas;
  const maxReplicas = scales ? Math.max(minReplicas, usefulLimit) : minReplicas;
  const hpaBasis: string[] = [
    `at the knee (${fmt(kneeRpsPerReplica)} req/s per replica) each replica used ${formatCores(cpuAtKnee)} on average = ${Math.round(kneeUtilisation * 100)}% of the request; × (1 − ${settings.hpaMargin}) margin ÷ ${fmt(1 + settings.hpaTolerance)} (HPA tolerance) = ${target}%, so scale-out starts before the knee`,
    `minReplicas ${minReplicas} = the planned count; maxReplicas ${maxReplicas} = ${!scales ? 'minReplicas: more replicas add no throughput, an HPA cannot help' : hasPeak ? `the USL’s best whole count (N* ≈ ${fit.peakReplicas!.toFixed(1)})` : `the cap (${settings.maxReplicasCap}); no USL peak`}`,
  ];
  const meanAtPlanned = sampledStep ? (mean(cpuValues(sampledStep.samples)) as number) : cpuAtPlanned;
  if (scales && (100 * meanAtPlanned) / request.cores > target * (1 + settings.hpaTolerance)) {
    hpaBasis.push(`at planned peak utilisation is ${Math.round((100 * meanAtPlanned) / request.cores)}%: the HPA will add replicas above minReplicas at peak`);
  }

  const recommendation: Omit<TargetRecommendation, 'comparison'> = {
    target: evidence.name,
    container: evidence.container ?? evidence.name,
    replicas,
    reachesPeak,
    perReplicaCapacityRps,
    cpu: { request, limit },
    memory: { request: memoryAmount, limit: memoryAmount },
    hpa: { targetCPUUtilizationPercentage: target, minReplicas, maxReplicas },
    basis: { replicas: replicaBasis.join('; '), cpuRequest: cpuRequestBasis, cpuLimit: cpuLimitBasis, memory: memoryBasis, hpa: hpaBasis.join('; ') },
    confidence: confidenceOf(reasons),
    scaling: countsMeasured >= 2 ? scalingSummary(fit, linearWithinResolution) : null,
    sizing: {
      targetPeakRps: targetPeak,
      requiredRps: required,
      predictedCapacityRps: capacity(replicas),
      plannedRpsPerReplica,
      sampledRpsPerReplica: sampledStep?.rpsPerReplica ?? null,
      cpuSamples: sampledStep ? cpuValues(sampledStep.samples).length : 0,
      cpuAtPlannedLoadCores: cpuAtPlanned,
      kneeRpsPerReplica,
      cpuAtKneeCores: cpuAtKnee,
      peakWorkingSetBytes: peakWorkingSet,
      cpuPerRequestCoreSeconds: cpuCostModel(steps)?.coresPerRps ?? null,
    },
    reference: referenceRecommendations(steps.flatMap((s) => s.samples)),
  };
  return { ...recommendation, comparison: explainDifference(recommendation, recommendation.reference) };
}

function scalingSummary(fit: UslFit, linearWithinResolution: boolean): TargetRecommendation['scaling'] {
  const verdict = linearWithinResolution
    ? `scales linearly within the searches' resolution: one capacity of ${fmt(fit.gamma)} req/s per replica lies inside every knee's bracket (highest rate held, lowest failed, ±${BRACKET_TOLERANCE * 100}%), so no contention is read into their differences`
    : scalingVerdict(fit);
  return { alpha: fit.alpha, beta: fit.beta, gamma: fit.gamma, peakReplicas: fit.peakReplicas, rSquared: fit.rSquared, verdict, linearWithinResolution };
}

function confidenceOf(reasons: ReadonlyArray<{ level: ConfidenceLevel; text: string }>): Confidence {
  const level: ConfidenceLevel = reasons.some((r) => r.level === 'low') ? 'low' : reasons.some((r) => r.level === 'medium') ? 'medium' : 'high';
  return { level, reasons: reasons.length > 0 ? reasons.map((r) => r.text) : ['knees from fine searches, a good fit and enough samples'] };
}

function cpuAmount(cores: number): CpuAmount {
  return { cores, quantity: cpuQuantity(cores) };
}

function countsLabel(counts: number[]): string {
  return [...new Set(counts)].sort((a, b) => a - b).join(', ');
}

function fmt(value: number): string {
  return String(Number(value.toFixed(value >= 100 ? 0 : 2)));
}
