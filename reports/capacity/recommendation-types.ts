// The inputs and outputs of the recommendation rules (recommend.ts). Numbers are in cores and
// bytes; each amount also carries its Kubernetes quantity string, rounded up.
import type { CpuLimitPolicy } from '../../scenarios/language/cpu-limit-policy.js';
import type { ReferenceRecommendations } from './reference-recommenders.js';
import type { UsageSample } from './usage-sample.js';

export interface PlanInputs {
  /** The arrival rate to serve at peak, requests per second. */
  peakRps: number;
  /** Plan for this fraction above peak: 0.3 = capacity for 130% of peak. */
  headroom: number;
  /** Keep serving peak with one replica lost. */
  nPlusOne: boolean;
  /** The objective the knees were searched against, in words ("p99 < 250 ms, errors < 0.1%"). */
  slo: string;
}

/** One capacity search: the highest arrival rate at which the SLO held, at one replica count. */
export interface KneeMeasurement {
  replicas: number;
  kneeRps: number;
  /** Load steps the search took: a search of few steps places the knee coarsely. */
  searchSteps: number;
  /** The lowest rate that failed: the knee lies in [kneeRps, failedRps). Null or absent when unknown. */
  failedRps?: number | null;
}

/** Per-replica usage while one load step ran. */
export interface LoadStepUsage {
  /** Load each replica carried in this step (the step's rate ÷ replicas). */
  rpsPerReplica: number;
  samples: UsageSample[];
  /** Share of CFS periods throttled in this step, percent; null when unknown. */
  throttledPct?: number | null;
}

/** CPU by regression on throughput: cores = coresPerRps × rps + idleCores (per replica). */
export interface CpuCostModel {
  coresPerRps: number;
  idleCores: number;
}

export interface TargetEvidence {
  /** Deployment (and HPA) name. */
  name: string;
  /** Container to size; defaults to the target's name. */
  container?: string;
  /** This target's own peak when it differs from the plan's (e.g. a backend called twice per request). */
  peakRps?: number;
  /** Knees measured at one or more replica counts. Two or more distinct counts → a USL fit. */
  knees: KneeMeasurement[];
  /** Usage per load step, steps at or below the knee, the knee's step included. */
  steps: LoadStepUsage[];
  /** Used for CPU when the steps carry no CPU samples. */
  cpuModel?: CpuCostModel;
}

export type { CpuLimitPolicy };

export interface RecommendOptions {
  /** Percentile of per-replica CPU at the planned load used as the request. Default 95. */
  cpuRequestPercentile?: number;
  /** Default none (see recommend.ts for why). */
  cpuLimit?: CpuLimitPolicy;
  /** Added to the peak working set for memory request = limit. Default 0.15. */
  memoryMargin?: number;
  /** How far below the knee's utilisation the HPA should trip. Default 0.2. */
  hpaMargin?: number;
  /** The HPA controller's tolerance (kube-controller-manager default 0.1). */
  hpaTolerance?: number;
  /** Replica counts considered at most; also the HPA's ceiling for a tier with no USL peak. Default 100. */
  maxReplicasCap?: number;
}

export interface CpuAmount {
  cores: number;
  quantity: string;
}

export interface MemoryAmount {
  bytes: number;
  quantity: string;
}

export type ConfidenceLevel = 'high' | 'medium' | 'low';

export interface Confidence {
  level: ConfidenceLevel;
  reasons: string[];
}

export interface ScalingSummary {
  alpha: number;
  beta: number;
  gamma: number;
  peakReplicas: number | null;
  rSquared: number | null;
  verdict: string;
  /** True when linear scaling explained every knee within its search's bracket, so α and β were not fitted. */
  linearWithinResolution?: boolean;
}

/** The measured figures every recommended number was derived from. */
export interface SizingEvidence {
  targetPeakRps: number;
  requiredRps: number;
  predictedCapacityRps: number;
  /** Load on each replica at peak with all replicas up. */
  plannedRpsPerReplica: number;
  /** The load step whose samples sized CPU; null when the CPU model was used. */
  sampledRpsPerReplica: number | null;
  cpuSamples: number;
  cpuAtPlannedLoadCores: number;
  kneeRpsPerReplica: number;
  cpuAtKneeCores: number;
  peakWorkingSetBytes: number;
  /** CPU per request (core-seconds), the slope of mean CPU over load across the levels that held; null when fewer than two loads. */
  cpuPerRequestCoreSeconds: number | null;
}

export interface TargetRecommendation {
  target: string;
  container: string;
  replicas: number;
  /** False when no replica count reaches peak × (1 + headroom): the tier does not scale far enough. */
  reachesPeak: boolean;
  perReplicaCapacityRps: number;
  cpu: { request: CpuAmount; limit: CpuAmount | null };
  memory: { request: MemoryAmount; limit: MemoryAmount };
  hpa: { targetCPUUtilizationPercentage: number; minReplicas: number; maxReplicas: number };
  basis: { replicas: string; cpuRequest: string; cpuLimit: string; memory: string; hpa: string };
  confidence: Confidence;
  scaling: ScalingSummary | null;
  sizing: SizingEvidence;
  reference: ReferenceRecommendations;
  /** How and why ours differs from the reference recommenders, in words. */
  comparison: string;
}
