// The scenarios a capacity plan runs besides the one written: the same scenario with its sized
// target at another replica count (a scaling experiment), and the verification of a recommendation
// (the recommended replicas and resources, held at peak). Each is a copy; the loaded scenario is
// never changed, so every variant starts from what the user wrote.

import type { ResourceSpec, TargetSpec } from '../environment-model.js';
import type { CapacityPlanSpec, PhaseSpec, Scenario } from '../model.js';

/**
 * `scenario` with `target` launched at `replicas` (Raft nodes for a raft target). With
 * `ladderFactor` ≠ 1 every capacity-search phase's rates are multiplied by it, so a search at four
 * replicas looks around four times the rate of one.
 */
export function scenarioAtReplicas(scenario: Scenario, target: string, replicas: number, ladderFactor = 1): Scenario {
  const spec = scenario.environment.targets[target];
  if (spec === undefined) throw new Error(`target ${target} is not under targets:`);
  const phases = scenario.phases.map((phase): PhaseSpec => {
    if (phase.executor !== 'capacity-search' || ladderFactor === 1) return phase;
    const ladder = phase.ladder.kind === 'step' ? { kind: 'step' as const, step: phase.ladder.step * ladderFactor } : phase.ladder;
    return { ...phase, from: phase.from * ladderFactor, to: phase.to * ladderFactor, ladder, maxInFlight: Math.ceil(phase.maxInFlight * ladderFactor) };
  });
  return withTarget({ ...scenario, phases }, target, withCount(spec, replicas));
}

export interface VerificationSettings {
  replicas: number;
  resources: ResourceSpec;
  peakRps: number;
  /** The ramp from a tenth of peak, not judged: the target warms up as a rollout would. */
  rampMs: number;
  holdMs: number;
}

export const VERIFY_PHASE = 'peak';

/**
 * The verification run: the sized target at the recommended replicas and resources, a ramp to peak,
 * then peak held for `holdMs`; judged by the plan's SLO over the held phase only. The scenario's
 * own phases, thresholds and faults are left out: they belong to the search, not to this question.
 */
export function verificationScenario(scenario: Scenario, plan: CapacityPlanSpec, settings: VerificationSettings): Scenario {
  const spec = scenario.environment.targets[plan.target];
  if (spec === undefined) throw new Error(`target ${plan.target} is not under targets:`);
  const maxInFlight = Math.max(100, Math.ceil(settings.peakRps * 10));
  const phases: PhaseSpec[] = [
    { name: 'ramp', executor: 'ramping-arrival-rate', durationMs: settings.rampMs, from: settings.peakRps / 10, to: settings.peakRps, maxInFlight },
    { name: VERIFY_PHASE, executor: 'constant-arrival-rate', durationMs: settings.holdMs, rate: settings.peakRps, maxInFlight },
  ];
  const thresholds = sloThresholds(plan.slo, VERIFY_PHASE);
  const sized: TargetSpec = { ...withCount(spec, settings.replicas), resources: settings.resources };
  const variant = withTarget({ ...scenario, phases, thresholds, abortOnFail: [] }, plan.target, sized);
  return { ...variant, environment: { ...variant.environment, faults: [] } };
}

/**
 * The SLO as thresholds on one phase: "phase:peak.p99<=100ms", "phase:peak.errors<=1%". At most, as
 * the search judges a level (it fails one only above the bound), so both say the same of one value.
 */
export function sloThresholds(slo: CapacityPlanSpec['slo'], phase: string): string[] {
  return [
    ...slo.latency.map((l) => `phase:${phase}.${l.metric}<=${l.maxMs}ms`),
    `phase:${phase}.errors<=${+(slo.maxErrorRate * 100).toFixed(6)}%`,
  ];
}

function withCount(spec: TargetSpec, replicas: number): TargetSpec {
  return spec.kind === 'raft' ? { ...spec, nodes: replicas } : { ...spec, replicas };
}

function withTarget(scenario: Scenario, name: string, spec: TargetSpec): Scenario {
  return { ...scenario, environment: { ...scenario.environment, targets: { ...scenario.environment.targets, [name]: spec } } };
}
