import { performance } from 'node:perf_hooks';
import { newHistogram, recordMicros } from '../results/histogram.js';
import type { CapacitySearchPhase } from '../model.js';
import type { SearchLevelRecord } from '../results/results-format.js';
import { runArrivalSchedule } from './arrival-schedule.js';
import type { PhaseContext } from './phase-context.js';

// One level of a capacity search: hold an arrival rate, then judge the requests that were due in
// the level after its warm-up — wherever they completed, so an overloaded target that answers late
// is judged by its late answers. While the level's last iterations finish, load goes on at the same
// rate (the target must not cool down before it is judged); those still running after the settle
// time are counted as slower than it. The level holds when every percentile and the error ratio
// meet the SLO, nothing was dropped, and the target kept up with the rate.

/** The target must complete at least this share of the offered rate for a level to hold. */
export const MIN_ACHIEVED_SHARE = 0.95;

export async function holdLevel(context: PhaseContext, phase: CapacitySearchPhase, rate: number, stage: SearchLevelRecord['stage']): Promise<SearchLevelRecord> {
  const startMs = performance.now();
  const windowFrom = startMs + phase.warmupMs;
  const windowTo = startMs + phase.levelMs;
  const settleMs = settleTime(phase);
  const inWindow = (ms: number): boolean => ms >= windowFrom && ms < windowTo;
  const fromS = context.nowS() + phase.warmupMs / 1000;

  const latency = newHistogram();
  let requests = 0;
  let errors = 0;
  const unwatch = context.watchRequests((latencyUs, ok) => {
    if (!inWindow(performance.now() - latencyUs / 1000)) return;
    requests++;
    if (!ok) errors++;
    recordMicros(latency, latencyUs);
  });

  let pending = 0;
  let completed = 0;
  let dropped = 0;
  const level: PhaseContext = {
    ...context,
    startMs,
    launch: (intendedMs, vu) => {
      const launched = context.launch(intendedMs, vu);
      if (!inWindow(intendedMs)) return launched;
      pending++;
      return launched.finally(() => {
        pending--;
        completed++;
      });
    },
    dropped: (reason) => {
      if (inWindow(performance.now())) dropped++;
      context.dropped(reason);
    },
  };
  const intervalMs = 1000 / rate;
  await runArrivalSchedule(level, phase.levelMs + settleMs, (i) => i * intervalMs, phase.maxInFlight, () => {
    const elapsed = performance.now() - startMs;
    return elapsed < phase.levelMs || (pending > 0 && elapsed < phase.levelMs + settleMs);
  });
  unwatch();

  const unfinished = pending;
  // Still running after the settle time: slower than it, whatever they come to.
  if (unfinished > 0) latency.recordValueWithCount(Math.round(settleMs * 1000), unfinished);
  const windowS = (phase.levelMs - phase.warmupMs) / 1000;
  const ms = (percentile: number): number | null => (latency.totalCount === 0 ? null : Math.round(latency.getValueAtPercentile(percentile)) / 1000);
  const record: SearchLevelRecord = {
    type: 'search-level',
    t: context.nowS(),
    phase: phase.name,
    rate,
    stage,
    from: round(fromS),
    to: round(fromS + windowS),
    requests,
    errors,
    dropped,
    unfinished,
    achievedRps: round(completed / windowS),
    p50: ms(50),
    p99: ms(99),
    latency: Object.fromEntries(phase.slo.latency.map((l) => [l.metric, ms(l.percentile)])),
    passed: true,
  };
  const reason = failure(record, phase, rate);
  if (reason !== undefined) {
    record.passed = false;
    record.reason = reason;
  }
  return record;
}

function failure(level: SearchLevelRecord, phase: CapacitySearchPhase, rate: number): string | undefined {
  if (level.requests === 0 && level.unfinished === 0) return 'no request was due and completed in the judged window';
  if (level.dropped > 0) return `${level.dropped} iterations could not start (${phase.maxInFlight} already in flight)`;
  const errorRate = level.requests === 0 ? 1 : level.errors / level.requests;
  if (errorRate > phase.slo.maxErrorRate) return `errors ${pct(errorRate)} > ${pct(phase.slo.maxErrorRate)}`;
  for (const { metric, maxMs } of phase.slo.latency) {
    const value = level.latency[metric];
    if (value !== null && value !== undefined && value > maxMs) return `${metric} ${value} ms > ${maxMs} ms`;
  }
  if (level.achievedRps < rate * MIN_ACHIEVED_SHARE) return `completed ${level.achievedRps}/s of ${rate}/s offered`;
  return undefined;
}

/** How long a level's last iterations may take to finish: a few times the slowest the SLO allows, 1–10 s. */
function settleTime(phase: CapacitySearchPhase): number {
  const slowest = Math.max(0, ...phase.slo.latency.map((l) => l.maxMs));
  return Math.min(10_000, Math.max(1_000, 3 * slowest));
}

function pct(ratio: number): string {
  return `${Number((ratio * 100).toFixed(3))}%`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
