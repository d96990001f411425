// Synthetic evidence for the recommendation tests: a stateless tier whose CPU grows linearly with
// load (5 millicores per req/s + 20 millicores idle, ±10% seeded jitter) and whose memory grows
// with load, measured in steps at one replica; knees wherever a test wants them.
import type { KneeMeasurement, LoadStepUsage, TargetEvidence } from '../../../reports/capacity/recommendation-types.js';
import { seededRandom, withNoise } from './seeded-random.js';

export const MiB = 1024 * 1024;

export function cpuAt(rpsPerReplica: number): number {
  return 0.005 * rpsPerReplica + 0.02;
}

export function steps(loads: number[], samplesPerStep = 40, seed = 42): LoadStepUsage[] {
  const random = seededRandom(seed);
  return loads.map((rpsPerReplica) => ({
    rpsPerReplica,
    throttledPct: 0,
    samples: Array.from({ length: samplesPerStep }, (_, i) => ({
      replica: `pod-${i % 2}`,
      cpuCores: withNoise(cpuAt(rpsPerReplica), 0.1, random),
      workingSetBytes: Math.round(100 * MiB + rpsPerReplica * 0.5 * MiB + i * 1000),
    })),
  }));
}

export function linearKnees(perReplica: number, counts: number[], searchSteps = 8): KneeMeasurement[] {
  return counts.map((replicas) => ({ replicas, kneeRps: perReplica * replicas, searchSteps }));
}

export function statelessTier(overrides: Partial<TargetEvidence> = {}): TargetEvidence {
  return { name: 'api', knees: linearKnees(100, [1, 2, 4]), steps: steps([20, 40, 60, 80, 100]), ...overrides };
}
