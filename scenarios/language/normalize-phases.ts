// Normalises the load phases. The schema has already checked each phase against its executor's keys;
// this parses rates and durations, fills defaults and checks what a schema cannot (unique names, a ramp
// that would start nothing).

import type { PhaseSpec } from '../model.js';
import { EXECUTOR_NAMES } from '../model.js';
import type { IssueCollector } from './issue-collector.js';
import { asRecord, durationAt, integerOr, parseAt, type RawObject } from './normalize-fields.js';
import { parseRate } from './rate.js';
import { normalizeCapacitySearch } from './normalize-capacity-search.js';
import { formatPath, type ValuePath } from './value-path.js';

export const DEFAULT_MAX_IN_FLIGHT = 1000;

export function normalizePhases(raw: unknown, issues: IssueCollector): PhaseSpec[] {
  if (!Array.isArray(raw)) return [];
  const firstUse = new Map<string, ValuePath>();
  const phases: PhaseSpec[] = [];
  raw.forEach((item, index) => {
    const path: ValuePath = ['phases', index];
    const phase = asRecord(item);
    const explicit = typeof phase.name === 'string';
    const name = explicit ? (phase.name as string) : `phase-${index + 1}`;
    const first = firstUse.get(name);
    if (first) {
      issues.addUnlessReported(explicit ? [...path, 'name'] : path, `duplicate phase name ${JSON.stringify(name)} (also at ${formatPath(first)})`);
    } else {
      firstUse.set(name, path);
    }
    const spec = normalizePhase(phase, name, path, issues);
    if (spec) phases.push(spec);
  });
  return phases;
}

function normalizePhase(phase: RawObject, name: string, path: ValuePath, issues: IssueCollector): PhaseSpec | undefined {
  const executor = EXECUTOR_NAMES.find((known) => known === phase.executor);
  if (!executor) return undefined; // reported by the schema, with a suggestion
  const durationMs = durationAt(issues, [...path, 'duration'], phase.duration, true) ?? 0;
  const rate = (key: string, positive: boolean): number | undefined => {
    const value = parseAt(issues, [...path, key], phase[key], parseRate);
    if (value !== undefined && positive && value <= 0) issues.addUnlessReported([...path, key], `must be greater than 0, got ${JSON.stringify(phase[key])}`);
    return value;
  };
  const maxInFlight = integerOr(phase.maxInFlight, DEFAULT_MAX_IN_FLIGHT);
  switch (executor) {
    case 'constant-arrival-rate':
      return { name, executor, durationMs, rate: rate('rate', true) ?? 0, maxInFlight };
    case 'ramping-arrival-rate': {
      const from = rate('from', false);
      const to = rate('to', false);
      if (from === 0 && to === 0) issues.addUnlessReported(path, 'from and to are both 0: this phase would start no iterations');
      return { name, executor, durationMs, from: from ?? 0, to: to ?? 0, maxInFlight };
    }
    case 'constant-vus':
      return { name, executor, durationMs, vus: integerOr(phase.vus, 1) };
    case 'ramping-vus': {
      const spec = { name, executor, durationMs, from: integerOr(phase.from, 0, 0), to: integerOr(phase.to, 0, 0) };
      if (phase.from === 0 && phase.to === 0) issues.addUnlessReported(path, 'from and to are both 0: this phase would run no virtual users');
      return spec;
    }
    case 'capacity-search':
      return normalizeCapacitySearch(phase, name, path, issues, rate, maxInFlight);
  }
}
