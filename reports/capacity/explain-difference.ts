// Why our figures differ from the usage-only recommenders', in words. KRR and VPA size from whatever
// load their samples happened to see; ours sizes from the load each replica will carry at the
// planned peak, measured against the latency objective.
import { formatCores, formatMebibytes } from './quantity.js';
import type { ReferenceRecommendation, ReferenceRecommendations } from './reference-recommenders.js';
import type { TargetRecommendation } from './recommendation-types.js';

type Ours = Pick<TargetRecommendation, 'cpu' | 'memory' | 'sizing' | 'replicas'>;

export function explainDifference(ours: Ours, theirs: ReferenceRecommendations): string {
  const s = ours.sizing;
  const sentences: string[] = [];
  sentences.push(
    `Ours asks ${formatCores(ours.cpu.request.cores)} CPU: the load each of ${ours.replicas} replicas carries at peak is ${round(s.plannedRpsPerReplica)} req/s, ` +
      `and the SLO held up to ${round(s.kneeRpsPerReplica)} req/s per replica, where each replica used ${formatCores(s.cpuAtKneeCores)} on average.`,
  );
  sentences.push(compareCpu('KRR simple', theirs.krrSimple, ours.cpu.request.cores));
  sentences.push(compareCpu('VPA', theirs.vpa, ours.cpu.request.cores));
  sentences.push(
    'Both size from usage alone: they see whatever load the samples were taken at (here every step of the test, light and heavy) and know nothing of the latency objective; ' +
      'ours picks the samples at the planned per-replica load and sets the replica count from the knee.',
  );
  const memory = [theirs.krrSimple, theirs.vpa].map((r) => r.memoryRequestBytes);
  if (memory[0] !== null && memory[1] !== null) {
    sentences.push(
      `Memory: ours ${formatMebibytes(ours.memory.request.bytes)} (peak ${formatMebibytes(s.peakWorkingSetBytes)} plus margin, rounded up), KRR ${formatMebibytes(memory[0]!)}, VPA ${formatMebibytes(memory[1]!)}.`,
    );
  }
  for (const [name, r] of [['KRR', theirs.krrSimple], ['VPA', theirs.vpa]] as const) for (const n of r.notes) sentences.push(`${name}: ${n}.`);
  return sentences.join(' ');
}

function compareCpu(name: string, reference: ReferenceRecommendation, oursCores: number): string {
  if (reference.cpuRequestCores === null) return `${name} has no CPU samples to recommend from.`;
  const ratio = oursCores / reference.cpuRequestCores;
  const direction = ratio > 1.05 ? `ours is ${ratio.toFixed(1)}× higher` : ratio < 0.95 ? `ours is ${(1 / ratio).toFixed(1)}× lower` : 'about the same';
  return `${name} would ask ${formatCores(reference.cpuRequestCores)} (${reference.rule}): ${direction}.`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
