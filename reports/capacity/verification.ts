// What a verification run says about the recommendation it ran: the SLO checks that decide it
// (the run's phase gates on the held peak), whether the peak was really offered and carried, and
// the predicted resource figures beside the ones measured while peak was held. Only the SLO, the
// load actually carried and OOM kills decide; the resource comparisons inform the next sizing.
import type { GateVerdict } from '../gates/gate-types.js';
import { nearestRankPercentile } from '../percentile.js';
import { throttledPct } from '../resource-summary.js';
import type { Results } from '../../scenarios/results/results-reader.js';
import type { PhaseRecord, ResourceRecord } from '../../scenarios/results/results-format.js';
import type { RunSummary } from '../summary-types.js';
import type { VerificationCheck, VerificationOutcome } from './capacity-study-types.js';
import { formatCores, formatMebibytes } from './quantity.js';
import type { TargetRecommendation } from './recommendation-types.js';
import { cpuValues, memoryValues, samplesWithin, usageSamples } from './usage-sample.js';

/** Below this share of the offered peak carried, the run did not test the peak. */
const MIN_CARRIED_SHARE = 0.95;

export interface VerificationInputs {
  results: Results;
  summary: RunSummary;
  gates: readonly GateVerdict[];
  recommendation: TargetRecommendation;
  peakRps: number;
  /** The phase that held peak. */
  phase: string;
}

export function verificationOutcome(inputs: VerificationInputs): VerificationOutcome {
  const { summary, recommendation: r, peakRps, phase } = inputs;
  const held = summary.phases.find((p) => p.name === phase);
  const checks: VerificationCheck[] = inputs.gates
    .filter((g) => g.kind === 'threshold' && g.expression.startsWith(`phase:${phase}.`))
    .map((g) => ({
      name: `SLO ${g.expression.slice(`phase:${phase}.`.length)}`,
      predicted: `${g.limitText} (held up to ${round(r.perReplicaCapacityRps)}/s per replica in the search)`,
      observed: g.actual === null ? (g.reason ?? 'no data') : g.actualText,
      outcome: g.passed ? 'pass' : 'fail',
    }));
  const carried = held === undefined ? 0 : held.rps;
  checks.push({
    name: 'peak carried',
    predicted: `${round(peakRps)}/s offered to ${r.replicas} replicas (${round(peakRps / r.replicas)}/s each; capacity ${round(r.perReplicaCapacityRps)}/s each)`,
    observed: held === undefined ? 'the peak phase did not run' : `${round(carried)}/s completed, ${held.dropped} iterations dropped`,
    outcome: held !== undefined && carried >= peakRps * MIN_CARRIED_SHARE && held.dropped === 0 ? 'pass' : 'fail',
    note: `at least ${MIN_CARRIED_SHARE * 100}% of the peak must complete, none dropped, or the SLO was not tested at peak`,
  });

  const samples = resourcesDuring(inputs.results, r.target, phase);
  const cpu = cpuValues(usageSamples(samples));
  const cpuP95 = nearestRankPercentile(cpu, 95);
  checks.push({
    name: 'CPU per replica (p95)',
    predicted: `${formatCores(r.sizing.cpuAtPlannedLoadCores)} for ${round(r.sizing.plannedRpsPerReplica)}/s per replica${sampledAt(r)} (request ${r.cpu.request.quantity})`,
    observed: cpuP95 === null ? 'no CPU samples' : `${formatCores(cpuP95)} (${cpu.length} samples; ${ratioText(cpuP95, r.sizing.cpuAtPlannedLoadCores)} the prediction)`,
    outcome: 'info',
  });
  const memory = memoryValues(usageSamples(samples));
  const memoryPeak = memory.length === 0 ? null : Math.max(...memory);
  const oomKills = samples.reduce((sum, s) => sum + (s.oomKills ?? 0), 0);
  checks.push({
    name: 'memory per replica (peak working set)',
    predicted: `${formatMebibytes(r.sizing.peakWorkingSetBytes)} measured in the search; limit ${r.memory.limit.quantity}`,
    observed: memoryPeak === null ? 'no memory samples' : `${formatMebibytes(memoryPeak)} (${ratioText(memoryPeak, r.memory.limit.bytes)} the limit)${oomKills > 0 ? `, ${oomKills} OOM kills` : ''}`,
    outcome: oomKills > 0 ? 'fail' : 'info',
  });
  const throttled = throttledPct(samples);
  if (throttled !== null) {
    checks.push({
      name: 'CPU throttled',
      predicted: r.cpu.limit === null ? 'no CPU limit: none' : `limit ${r.cpu.limit.quantity}: little`,
      observed: `${throttled.toFixed(1)}% of periods`,
      outcome: 'info',
    });
  }
  const sloHeld = checks.every((c) => c.outcome !== 'fail');
  return { replicas: r.replicas, peakRps, durationS: held?.durationS ?? 0, sloHeld, checks };
}

/** The target's resource samples taken wholly while `phase` ran. */
function resourcesDuring(results: Results, target: string, phase: string): ResourceRecord[] {
  const marks = results.records.filter((r): r is PhaseRecord => r.type === 'phase' && r.phase === phase);
  const start = marks.find((m) => m.event === 'start')?.t;
  const end = marks.find((m) => m.event === 'end')?.t ?? Infinity;
  if (start === undefined) return [];
  const resources = results.records.filter((r): r is ResourceRecord => r.type === 'resource' && r.target === target);
  return samplesWithin(resources, start, end);
}

/** Where the CPU figure was read: a step at or above the planned load, so it may sit above what peak needs. */
function sampledAt(r: TargetRecommendation): string {
  const at = r.sizing.sampledRpsPerReplica;
  return at === null ? ' (from the CPU cost model)' : at > r.sizing.plannedRpsPerReplica ? ` (measured at ${round(at)}/s, the nearest step above)` : '';
}

function ratioText(observed: number, predicted: number): string {
  return predicted > 0 ? `${(observed / predicted).toFixed(2)}×` : 'n/a';
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
