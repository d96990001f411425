// The recommendation document (`recommendation.json`): the plan's inputs and, per target, every
// recommended figure with the data and rule it came from, the confidence in it, and what KRR and
// the VPA would have said from the same samples. Stamped with a schema id and major version under
// the project's rule (see reports/outputs/summary-document.ts): keys may be added without a bump;
// removing or renaming one, or changing a value's meaning or unit, bumps schemaVersion.
import type { ReferenceRecommendation } from './reference-recommenders.js';
import type { PlanInputs, SizingEvidence, TargetRecommendation } from './recommendation-types.js';

export const RECOMMENDATION_SCHEMA = 'loadtest-recommendation';
export const RECOMMENDATION_SCHEMA_VERSION = 1;

/** A target's recommendation as written: the figures as recommended, keyed by target name instead of carrying it. */
export interface RecommendationTargetJson
  extends Pick<TargetRecommendation, 'container' | 'replicas' | 'reachesPeak' | 'perReplicaCapacityRps' | 'cpu' | 'memory' | 'hpa' | 'basis' | 'confidence' | 'sizing' | 'comparison'> {
  reference: { krrSimple: ReferenceRecommendation; vpa: ReferenceRecommendation };
  /** Present when knees at two or more replica counts allowed a USL fit. */
  scaling?: { alpha: number; beta: number; gamma: number; peakReplicas: number | null; rSquared: number | null; verdict: string; linearWithinResolution?: boolean };
}

export interface RecommendationDocument {
  schema: typeof RECOMMENDATION_SCHEMA;
  schemaVersion: number;
  generatedAt: string;
  inputs: { peakRps: number; slo: string; headroom: number; nPlusOne: boolean };
  targets: Record<string, RecommendationTargetJson>;
}

export function recommendationDocument(plan: PlanInputs, recommendations: readonly TargetRecommendation[], generatedAt: Date): RecommendationDocument {
  const targets: Record<string, RecommendationTargetJson> = {};
  for (const r of [...recommendations].sort((a, b) => a.target.localeCompare(b.target))) {
    targets[r.target] = {
      container: r.container,
      replicas: r.replicas,
      reachesPeak: r.reachesPeak,
      perReplicaCapacityRps: round(r.perReplicaCapacityRps, 2),
      cpu: r.cpu,
      memory: r.memory,
      hpa: r.hpa,
      basis: r.basis,
      confidence: r.confidence,
      sizing: roundedSizing(r.sizing),
      reference: { krrSimple: roundedReference(r.reference.krrSimple), vpa: roundedReference(r.reference.vpa) },
      comparison: r.comparison,
      ...(r.scaling === null
        ? {}
        : {
            scaling: {
              alpha: round(r.scaling.alpha, 6),
              beta: round(r.scaling.beta, 8),
              gamma: round(r.scaling.gamma, 3),
              peakReplicas: r.scaling.peakReplicas === null ? null : round(r.scaling.peakReplicas, 2),
              rSquared: r.scaling.rSquared === null ? null : round(r.scaling.rSquared, 4),
              verdict: r.scaling.verdict,
              ...(r.scaling.linearWithinResolution === undefined ? {} : { linearWithinResolution: r.scaling.linearWithinResolution }),
            },
          }),
    };
  }
  return {
    schema: RECOMMENDATION_SCHEMA,
    schemaVersion: RECOMMENDATION_SCHEMA_VERSION,
    generatedAt: generatedAt.toISOString(),
    inputs: { peakRps: plan.peakRps, slo: plan.slo, headroom: plan.headroom, nPlusOne: plan.nPlusOne },
    targets,
  };
}

function roundedSizing(s: SizingEvidence): SizingEvidence {
  return {
    targetPeakRps: round(s.targetPeakRps, 2),
    requiredRps: round(s.requiredRps, 2),
    predictedCapacityRps: round(s.predictedCapacityRps, 2),
    plannedRpsPerReplica: round(s.plannedRpsPerReplica, 2),
    sampledRpsPerReplica: s.sampledRpsPerReplica === null ? null : round(s.sampledRpsPerReplica, 2),
    cpuSamples: s.cpuSamples,
    cpuAtPlannedLoadCores: round(s.cpuAtPlannedLoadCores, 4),
    kneeRpsPerReplica: round(s.kneeRpsPerReplica, 2),
    cpuAtKneeCores: round(s.cpuAtKneeCores, 4),
    peakWorkingSetBytes: Math.round(s.peakWorkingSetBytes),
    cpuPerRequestCoreSeconds: s.cpuPerRequestCoreSeconds === null ? null : round(s.cpuPerRequestCoreSeconds, 6),
  };
}

function roundedReference(r: ReferenceRecommendation): ReferenceRecommendation {
  const cores = (v: number | null): number | null => (v === null ? null : round(v, 4));
  const bytes = (v: number | null): number | null => (v === null ? null : Math.ceil(v));
  return {
    cpuRequestCores: cores(r.cpuRequestCores),
    cpuLimitCores: cores(r.cpuLimitCores),
    memoryRequestBytes: bytes(r.memoryRequestBytes),
    memoryLimitBytes: bytes(r.memoryLimitBytes),
    rule: r.rule,
    notes: r.notes,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
