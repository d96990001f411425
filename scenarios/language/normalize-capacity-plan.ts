// The `capacity:` section: which launched target to size, for what peak and SLO, with what margins,
// at which replica counts. The SLO is shared with the run's capacity-search phases both ways: a
// search without its own `slo` holds the plan's, and a plan without one takes the first search's,
// so the knee and the recommendation are always judged against the same objective.

import type { TargetSpec } from '../environment-model.js';
import type { CapacityPlanSpec, PhaseSpec } from '../model.js';
import type { IssueCollector } from './issue-collector.js';
import { didYouMean } from './nearest-key.js';
import { asRecord, parseAt } from './normalize-fields.js';
import { normalizeSlo } from './normalize-capacity-search.js';
import { parseCpuLimitPolicy } from './cpu-limit-policy.js';
import { parseRate } from './rate.js';

const DEFAULT_HEADROOM = 0.3;

export interface PlanContext {
  /** The raw `phases:` list, to tell which searches wrote their own `slo`. */
  rawPhases: unknown;
  phases: PhaseSpec[];
  targets: Record<string, TargetSpec>;
  /** The launched target `target:` names, if it names one. */
  targetRef: string | undefined;
}

export function normalizeCapacityPlan(raw: unknown, context: PlanContext, issues: IssueCollector): CapacityPlanSpec | undefined {
  const searches = searchPhasesWithoutSlo(context);
  if (raw === undefined) {
    for (const index of searches.withoutSlo) issues.addUnlessReported(['phases', index], 'a capacity-search phase needs slo: (or a capacity: section with one)', 'key');
    return undefined;
  }
  const section = asRecord(raw);
  const target = planTarget(section.target, context, issues);
  const own = section.slo === undefined ? undefined : normalizeSlo(section.slo, ['capacity', 'slo'], issues);
  const slo = own ?? searches.firstSlo;
  if (slo === undefined) issues.addUnlessReported(['capacity'], 'capacity: needs slo: (or a capacity-search phase with one) to size against', 'key');
  const plan: CapacityPlanSpec = {
    target,
    peakRps: parseAt(issues, ['capacity', 'peak'], section.peak, parseRate) ?? 0,
    slo: slo ?? { latency: [], maxErrorRate: 0.01 },
    headroom: headroom(section.headroom, issues),
    nPlusOne: section.nPlusOne !== false,
    cpuLimit: cpuLimit(section.cpuLimit, issues),
    replicas: Array.isArray(section.replicas) ? section.replicas.filter((n): n is number => Number.isInteger(n) && n >= 1) : [],
    scaleLadder: typeof section.scaleLadder === 'boolean' ? section.scaleLadder : context.targets[target]?.kind !== 'raft',
  };
  if (plan.peakRps <= 0 && section.peak !== undefined) issues.addUnlessReported(['capacity', 'peak'], `must be above 0, got ${JSON.stringify(section.peak)}`);
  for (const phase of context.phases) if (phase.executor === 'capacity-search' && searches.withoutSloNames.has(phase.name)) phase.slo = plan.slo;
  if (!context.phases.some((p) => p.executor === 'capacity-search')) {
    issues.addUnlessReported(['capacity'], 'capacity: needs a capacity-search phase under phases: to find the knee it sizes from', 'key');
  }
  return plan;
}

function searchPhasesWithoutSlo(context: PlanContext): { withoutSlo: number[]; withoutSloNames: Set<string>; firstSlo: CapacityPlanSpec['slo'] | undefined } {
  const raw = Array.isArray(context.rawPhases) ? context.rawPhases : [];
  const withoutSlo: number[] = [];
  const withoutSloNames = new Set<string>();
  let firstSlo: CapacityPlanSpec['slo'] | undefined;
  context.phases.forEach((phase, index) => {
    if (phase.executor !== 'capacity-search') return;
    if (asRecord(raw[index]).slo === undefined) {
      withoutSlo.push(index);
      withoutSloNames.add(phase.name);
    } else {
      firstSlo ??= phase.slo;
    }
  });
  return { withoutSlo, withoutSloNames, firstSlo };
}

function planTarget(raw: unknown, context: PlanContext, issues: IssueCollector): string {
  const launched = Object.keys(context.targets);
  if (typeof raw === 'string') {
    if (!launched.includes(raw)) {
      issues.addUnlessReported(['capacity', 'target'], `expected the name of a target under targets: (known: ${launched.join(', ') || 'none'}), got ${JSON.stringify(raw)}${didYouMean(raw, launched)}`);
    }
    return raw;
  }
  if (context.targetRef !== undefined) return context.targetRef;
  if (launched.length === 1) return launched[0]!;
  issues.addUnlessReported(['capacity'], 'capacity: needs target: naming the launched target to size (target: at the top names a URL, not one of targets:)', 'key');
  return '';
}

function headroom(raw: unknown, issues: IssueCollector): number {
  if (raw === undefined) return DEFAULT_HEADROOM;
  const text = String(raw);
  // A headroom may exceed 100% (plan for double the peak), so it is not read as a ratio of 0–1 only.
  const percent = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  const fraction = /^\s*\d+(?:\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
  const value = percent ? Number(percent[1]) / 100 : fraction;
  if (!Number.isFinite(value) || value < 0) {
    issues.addUnlessReported(['capacity', 'headroom'], `expected a percentage such as 30% or a fraction such as 0.3, got ${JSON.stringify(raw)}`);
    return DEFAULT_HEADROOM;
  }
  return value;
}

function cpuLimit(raw: unknown, issues: IssueCollector): CapacityPlanSpec['cpuLimit'] {
  if (typeof raw !== 'string') return { kind: 'none' };
  // The schema has checked the form; what is left to refuse is a limit below the request.
  return parseAt(issues, ['capacity', 'cpuLimit'], raw, (text) => parseCpuLimitPolicy(String(text))) ?? { kind: 'none' };
}
