import type { CapacityStudy, StudySearch, VerificationOutcome } from '../../../reports/capacity/capacity-study-types.js';
import { recommendTarget } from '../../../reports/capacity/recommend.js';
import type { PlanInputs } from '../../../reports/capacity/recommendation-types.js';
import type { CapacitySearchSummary } from '../../../reports/summary-types.js';
import { steps } from '../capacity/capacity-fixtures.js';
import { HOSTILE_STRINGS } from './sample-analysis.js';

// A capacity study for the report's tests: capacity searches run the way the search runs them
// (climb by doubling until a level fails, then bisect), against a tier whose p99 is 20 ms unloaded
// and reaches the 100 ms SLO at a knee set per replica count; the recommendation is the real one,
// from recommendTarget on those knees and the synthetic usage of the recommendation tests.

export const SLO_MS = 100;
const BASE_MS = 20;
const LEVEL_S = 30;

/** The true knee at each replica count: sublinear, as a tier with some contention is. */
export const TRUE_KNEES: Record<number, number> = { 1: 160, 2: 300, 3: 420, 4: 520 };

export interface StudyOptions {
  /** Replica counts searched; default 1 and 2. */
  replicas?: number[];
  /** false: no recommendation, and the study's problem says why. */
  recommendation?: boolean;
  verification?: 'held' | 'failed' | 'none';
  hostile?: boolean;
}

export const SAMPLE_PLAN: PlanInputs = { peakRps: 400, headroom: 0.3, nPlusOne: true, slo: 'p99 ≤ 100 ms, errors ≤ 1%' };

export function buildSampleStudy(options: StudyOptions = {}): CapacityStudy {
  const hostile = options.hostile ?? false;
  const h = (i: number, text: string): string => (hostile ? `${HOSTILE_STRINGS[i % HOSTILE_STRINGS.length]} ${text}` : text);
  const target = h(0, 'checkout-api');
  const plan: PlanInputs = { ...SAMPLE_PLAN, slo: h(1, SAMPLE_PLAN.slo) };
  const searches: StudySearch[] = (options.replicas ?? [1, 2]).map((replicas, i) => ({
    replicas,
    source: i === 0 ? '' : h(2, `results/search-${replicas}.ndjson`),
    search: runSearch(TRUE_KNEES[replicas] ?? 130 * replicas, 25 * replicas, (text) => h(3, text)),
  }));
  const wanted = options.recommendation ?? true;
  const recommendation = wanted
    ? recommendTarget(plan, {
        name: target,
        knees: searches.map((s) => ({ replicas: s.replicas, kneeRps: s.search.kneeRps as number, searchSteps: s.search.levels.length })),
        steps: steps([25, 50, 75, 100, 125, 150]),
      })
    : null;
  const verification = options.verification ?? 'held';
  return {
    target,
    plan,
    searches,
    recommendation,
    problem: wanted ? null : h(4, 'no CPU or memory samples were collected during the searches: nothing to size requests from'),
    verification: verification === 'none' ? null : sampleVerification(verification === 'held', recommendation?.replicas ?? 4, h),
  };
}

function runSearch(trueKnee: number, start: number, name: (text: string) => string): CapacitySearchSummary {
  // p99 = BASE / (1 − rate/limit) reaches the SLO exactly at the true knee.
  const limit = trueKnee / (1 - BASE_MS / SLO_MS);
  const levels: CapacitySearchSummary['levels'] = [];
  const run = (rate: number, stage: 'climb' | 'refine'): boolean => {
    const load = rate / limit;
    const p99 = load < 0.99 ? BASE_MS / (1 - load) : 2500 + rate;
    const requests = Math.round(Math.min(rate, limit) * LEVEL_S);
    const errors = load < 1 ? 0 : Math.round(requests * 0.05);
    const passed = p99 <= SLO_MS + 1e-9 && errors <= requests * 0.01;
    const t = levels.length * LEVEL_S;
    levels.push({
      t: t + LEVEL_S,
      rate,
      stage,
      from: t,
      to: t + LEVEL_S,
      requests,
      errors,
      dropped: 0,
      unfinished: 0,
      achievedRps: requests / LEVEL_S,
      p50: p99 / 3,
      p99,
      latency: { p99 },
      passed,
      ...(passed ? {} : { reason: name(`p99 ${Math.round(p99)} ms > ${SLO_MS} ms${errors > 0 ? `, errors ${errors}` : ''}`) }),
    });
    return passed;
  };
  let lo = 0;
  let hi = 0;
  for (let rate = start; hi === 0; rate *= 2) {
    if (run(rate, 'climb')) lo = rate;
    else hi = rate;
  }
  for (let i = 0; i < 4; i++) {
    const mid = Math.round((lo + hi) / 2);
    if (run(mid, 'refine')) lo = mid;
    else hi = mid;
  }
  return { phase: name('search'), kneeRps: lo > 0 ? lo : null, failedRps: hi, finished: true, slo: { latency: [{ metric: 'p99', maxMs: SLO_MS }], maxErrorRate: 0.01 }, levels };
}

function sampleVerification(held: boolean, replicas: number, h: (i: number, text: string) => string): VerificationOutcome {
  return {
    replicas,
    peakRps: SAMPLE_PLAN.peakRps,
    durationS: 600,
    sloHeld: held,
    checks: [
      { name: h(5, 'p99 latency'), predicted: 'p99 ≤ 100 ms (SLO)', observed: held ? 'p99 71 ms' : 'p99 184 ms', outcome: held ? 'pass' : 'fail', note: held ? h(0, 'held with 29 ms to spare') : h(0, 'breached in 3 of 20 windows') },
      { name: 'error rate', predicted: 'errors ≤ 1% (SLO)', observed: '0.02%', outcome: 'pass' },
      { name: h(2, 'cpu per replica'), predicted: 'cpu 525m per replica', observed: 'p95 0.49 cores', outcome: 'info', note: 'within the request' },
      { name: 'memory per replica', predicted: 'memory 224Mi', observed: 'peak 181 MiB', outcome: 'info' },
    ],
  };
}
