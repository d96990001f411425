// What two usage-only recommenders would ask for, from the same samples, so a person can see how
// far our latency-aware figures are from the tools they may already run.
//
// KRR "simple" strategy (robusta-dev/krr, robusta_krr/strategies/simple.py): CPU request = the 95th
// percentile of CPU usage over all pods' samples (numpy percentile, i.e. linear interpolation), no
// CPU limit; memory request = memory limit = the highest working set of any pod plus a 15% buffer.
// It declines to recommend with fewer than 100 data points (its `points_required` default). Older
// releases used the 99th percentile and a 5% buffer; these are the current defaults.
//
// VPA recommender (kubernetes/autoscaler, vertical-pod-autoscaler/pkg/recommender/logic): target =
// the 90th percentile of usage plus a 15% safety margin (`--target-cpu-percentile 0.9`,
// `--target-memory-percentile 0.9`, `--recommendation-margin-fraction 0.15`), floored at 25
// millicores and 250 MiB per pod. CPU percentiles come from every usage sample; memory from one
// peak per container per aggregation interval (24 h by default), so a test shorter than a day gives
// one peak per replica. VPA reads percentiles off a decaying histogram with ~5%-wide buckets and
// weighs CPU samples by the request; here the exact nearest-rank percentile with equal weights is used,
// which can sit up to one bucket below what VPA reports. VPA sets requests only (limits keep their
// existing ratio to the request), so no limit is given for it.
import { interpolatedPercentile, nearestRankPercentile } from '../percentile.js';
import { MEBIBYTE } from './quantity.js';
import { cpuValues, memoryPeaksByReplica, memoryValues, type UsageSample } from './usage-sample.js';

export interface ReferenceRecommendation {
  cpuRequestCores: number | null;
  cpuLimitCores: number | null;
  memoryRequestBytes: number | null;
  memoryLimitBytes: number | null;
  /** The rule, in words, with the figures it was applied to. */
  rule: string;
  /** Where the tool itself would behave differently on these samples. */
  notes: string[];
}

export interface ReferenceRecommendations {
  krrSimple: ReferenceRecommendation;
  vpa: ReferenceRecommendation;
}

export const KRR_CPU_PERCENTILE = 95;
export const KRR_MEMORY_BUFFER = 0.15;
export const KRR_POINTS_REQUIRED = 100;
export const VPA_TARGET_PERCENTILE = 90;
export const VPA_SAFETY_MARGIN = 0.15;
export const VPA_MIN_CPU_CORES = 0.025;
export const VPA_MIN_MEMORY_BYTES = 250 * MEBIBYTE;

export function referenceRecommendations(samples: readonly UsageSample[]): ReferenceRecommendations {
  return { krrSimple: krrSimple(samples), vpa: vpaTarget(samples) };
}

function krrSimple(samples: readonly UsageSample[]): ReferenceRecommendation {
  const cpu = cpuValues(samples);
  const memory = memoryValues(samples);
  const cpuP95 = interpolatedPercentile(cpu, KRR_CPU_PERCENTILE);
  const memoryMax = memory.length > 0 ? Math.max(...memory) : null;
  const memoryRecommendation = memoryMax === null ? null : memoryMax * (1 + KRR_MEMORY_BUFFER);
  const notes: string[] = [];
  if (cpu.length < KRR_POINTS_REQUIRED) notes.push(`KRR would decline: ${cpu.length} CPU samples, it needs ${KRR_POINTS_REQUIRED} by default`);
  return {
    cpuRequestCores: cpuP95,
    cpuLimitCores: null,
    memoryRequestBytes: memoryRecommendation,
    memoryLimitBytes: memoryRecommendation,
    rule: `CPU request = p95 of ${cpu.length} CPU samples, no CPU limit; memory request = limit = max working set × ${1 + KRR_MEMORY_BUFFER}`,
    notes,
  };
}

function vpaTarget(samples: readonly UsageSample[]): ReferenceRecommendation {
  const cpu = cpuValues(samples);
  const peaks = memoryPeaksByReplica(samples);
  const cpuP90 = nearestRankPercentile(cpu, VPA_TARGET_PERCENTILE);
  const peakP90 = nearestRankPercentile(peaks, VPA_TARGET_PERCENTILE);
  const notes: string[] = [];
  let cpuTarget = cpuP90 === null ? null : cpuP90 * (1 + VPA_SAFETY_MARGIN);
  let memoryTarget = peakP90 === null ? null : peakP90 * (1 + VPA_SAFETY_MARGIN);
  if (cpuTarget !== null && cpuTarget < VPA_MIN_CPU_CORES) {
    cpuTarget = VPA_MIN_CPU_CORES;
    notes.push('CPU raised to VPA’s 25m per-pod minimum');
  }
  if (memoryTarget !== null && memoryTarget < VPA_MIN_MEMORY_BYTES) {
    memoryTarget = VPA_MIN_MEMORY_BYTES;
    notes.push('memory raised to VPA’s 250Mi per-pod minimum');
  }
  return {
    cpuRequestCores: cpuTarget,
    cpuLimitCores: null,
    memoryRequestBytes: memoryTarget,
    memoryLimitBytes: null,
    rule: `target = ${1 + VPA_SAFETY_MARGIN} × p90: CPU over ${cpu.length} samples, memory over ${peaks.length} per-replica peaks`,
    notes,
  };
}
