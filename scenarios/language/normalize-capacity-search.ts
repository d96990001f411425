// A capacity-search phase: the ladder of rates, how long each level is held and judged, and the SLO
// a level must meet. Its duration is the longest the search can take (every level, every
// bisection), so the header and the fault timeline can plan around it; it ends sooner.

import type { CapacitySearchPhase, SearchSlo } from '../model.js';
import type { IssueCollector } from './issue-collector.js';
import { durationAt, integerOr, type RawObject } from './normalize-fields.js';
import { ERROR_RATIO_HINT, LATENCY_METRICS, parseRatio } from './threshold-expression.js';
import type { ValuePath } from './value-path.js';
import { searchLevels } from '../executors/search-ladder.js';

const DEFAULT_LEVEL_MS = 20_000;
const DEFAULT_REFINE = 2;
const DEFAULT_MAX_ERROR_RATE = 0.01;

export function normalizeCapacitySearch(
  phase: RawObject,
  name: string,
  path: ValuePath,
  issues: IssueCollector,
  rate: (key: string, positive: boolean) => number | undefined,
  maxInFlight: number,
): CapacitySearchPhase {
  const from = rate('from', true) ?? 1;
  const to = rate('to', true) ?? from;
  if (to < from) issues.addUnlessReported([...path, 'to'], `must be at least from (${from}/s), got ${JSON.stringify(phase.to)}`);
  if (phase.step !== undefined && phase.factor !== undefined) issues.addUnlessReported([...path, 'factor'], 'give step or factor, not both');
  const ladder: CapacitySearchPhase['ladder'] =
    typeof phase.factor === 'number' ? { kind: 'factor', factor: phase.factor } : { kind: 'step', step: rate('step', true) ?? from };
  const levelMs = durationAt(issues, [...path, 'levelDuration'], phase.levelDuration, true) ?? DEFAULT_LEVEL_MS;
  const warmupMs = durationAt(issues, [...path, 'warmup'], phase.warmup, false) ?? Math.round(levelMs / 4);
  if (warmupMs >= levelMs) issues.addUnlessReported([...path, 'warmup'], `must be shorter than levelDuration (${levelMs} ms): nothing would be judged`);
  const refine = integerOr(phase.refine, DEFAULT_REFINE, 0);
  const slo = normalizeSlo(phase.slo, [...path, 'slo'], issues);
  const levels = searchLevels(from, to, ladder).length + refine;
  return { name, executor: 'capacity-search', durationMs: levels * levelMs, from, to, ladder, levelMs, warmupMs, refine, slo, maxInFlight };
}

/** A `slo:` map (a search phase's or the `capacity:` section's); absent: latency unbounded, errors 1%. */
export function normalizeSlo(raw: unknown, path: ValuePath, issues: IssueCollector): SearchSlo {
  const slo: SearchSlo = { latency: [], maxErrorRate: DEFAULT_MAX_ERROR_RATE };
  if (typeof raw !== 'object' || raw === null) return slo;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    // The same words as thresholds: "errors: 0.1%" as in "errors<0.1%", latencies as durations.
    if (key === 'errors') {
      const ratio = parseRatio(String(value));
      if (ratio === null) issues.addUnlessReported([...path, key], `errors needs ${ERROR_RATIO_HINT}, got ${JSON.stringify(String(value))}`);
      else slo.maxErrorRate = ratio;
    } else if ((LATENCY_METRICS as readonly string[]).includes(key)) {
      const maxMs = durationAt(issues, [...path, key], value, true);
      if (maxMs !== undefined) slo.latency.push({ metric: key, percentile: Number(key.slice(1)), maxMs });
    }
  }
  return slo;
}
