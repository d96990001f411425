import type { ReferenceRecommendation } from './reference-recommenders.js';
import { formatCores, formatMebibytes } from './quantity.js';
import type { PlanInputs, TargetRecommendation } from './recommendation-types.js';

// A recommendation for a terminal: the figures to paste, each with the data behind it, the
// confidence, the scaling verdict, and what usage-only recommenders would have said.

export function renderRecommendation(plan: PlanInputs, r: TargetRecommendation): string {
  const lines: string[] = [];
  lines.push(`${r.target}: peak ${plan.peakRps}/s, headroom ${Math.round(plan.headroom * 100)}%${plan.nPlusOne ? ', N+1' : ''}, SLO ${plan.slo}`);
  lines.push('');
  lines.push(`  replicas          ${r.replicas}${r.reachesPeak ? '' : '  (does NOT reach the peak at any replica count)'}        ${r.basis.replicas}`);
  lines.push(`  capacity/replica  ${round(r.perReplicaCapacityRps)}/s`);
  lines.push(`  cpu request       ${r.cpu.request.quantity}        ${r.basis.cpuRequest}`);
  lines.push(`  cpu limit         ${r.cpu.limit?.quantity ?? 'none'}        ${r.basis.cpuLimit}`);
  lines.push(`  memory            ${r.memory.request.quantity} (request = limit)        ${r.basis.memory}`);
  lines.push(`  hpa               target ${r.hpa.targetCPUUtilizationPercentage}% cpu, ${r.hpa.minReplicas}–${r.hpa.maxReplicas} replicas        ${r.basis.hpa}`);
  if (r.scaling !== null) lines.push(`  scaling           ${r.scaling.verdict}`);
  lines.push(`  confidence        ${r.confidence.level}: ${r.confidence.reasons.join('; ')}`);
  lines.push('');
  lines.push('  from the same samples, by usage alone:');
  lines.push(`    KRR simple      ${reference(r.reference.krrSimple)}`);
  lines.push(`    VPA target      ${reference(r.reference.vpa)}`);
  lines.push(`  ${r.comparison}`);
  return lines.join('\n') + '\n';
}

function reference(ref: ReferenceRecommendation): string {
  const cpu = ref.cpuRequestCores === null ? '–' : formatCores(ref.cpuRequestCores);
  const memory = ref.memoryRequestBytes === null ? '–' : formatMebibytes(ref.memoryRequestBytes);
  return `cpu ${cpu}, memory ${memory}${ref.notes.length > 0 ? ` (${ref.notes.join('; ')})` : ''}`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
