import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capacityStudy, planFromHeader, sloText, type StudyRun } from '../../../reports/capacity/capacity-study.js';
import { summarise } from '../../../reports/summary.js';
import type { BodyRecord, CapacityPlanRecord, ResourceRecord, SearchLevelRecord } from '../../../scenarios/results/results-format.js';
import type { Results } from '../../../scenarios/results/results-reader.js';
import { testHeader } from '../../helpers/stream-header.js';

// From streams to a study: the plan read back from the header, each search placed at the replica
// count its run launched, the per-replica load of each level, and why no recommendation when none
// can be made — a stream without a search, or a search cut short, whose knee is only a lower bound.

const PLAN: CapacityPlanRecord = {
  target: 'api',
  peakRps: 300,
  slo: { latency: [{ metric: 'p99', maxMs: 100 }], maxErrorRate: 0.01 },
  headroom: 0.3,
  nPlusOne: true,
  cpuLimit: { kind: 'none' },
};

/** A run of `replicas` replicas whose search held every rate up to `kneePerReplica × replicas` and failed the next. */
function searchRun(replicas: number, kneePerReplica: number, options: { finished?: boolean } = {}): StudyRun {
  const records: BodyRecord[] = [];
  const rates = [0.25, 0.5, 0.75, 1, 1.25].map((f) => f * kneePerReplica * replicas);
  rates.forEach((rate, i) => {
    const from = i * 4 + 1;
    const level: SearchLevelRecord = {
      type: 'search-level', t: from + 3, phase: 'search', rate, stage: 'climb', from, to: from + 3,
      requests: rate * 3, errors: 0, dropped: 0, unfinished: 0, achievedRps: rate, p50: 5, p99: i < 4 ? 20 : 400,
      latency: { p99: i < 4 ? 20 : 400 }, passed: i < 4, ...(i < 4 ? {} : { reason: 'p99 400 ms > 100 ms' }),
    };
    records.push(level);
    for (let r = 1; r <= replicas; r++) {
      for (let s = from; s < from + 3; s++) records.push(resource(`api-${r}`, s, 0.004 * (rate / replicas) + 0.01));
    }
  });
  if (options.finished !== false) {
    records.push({ type: 'search-result', t: 21, phase: 'search', kneeRps: rates[3]!, failedRps: rates[4]!, slo: PLAN.slo, levels: 5 });
  }
  records.push({ type: 'end', t: 22, status: options.finished === false ? 'interrupted' : 'completed' });
  const header = testHeader({
    scenario: { capacity: PLAN, targetRef: 'api' },
    targets: { api: { kind: 'command', replicas: Array.from({ length: replicas }, (_, i) => `api-${i + 1}`), requests: {}, limits: { cpuCores: 0.5 }, enforced: true } },
  });
  const results: Results = { header, records, tornTail: false };
  return { results, summary: summarise(results), source: `replicas-${replicas}/results.ndjson` };
}

function resource(replica: string, t: number, cpuCores: number): ResourceRecord {
  return {
    type: 'resource', t, dur: 1, target: 'api', replica, source: 'cgroup', cpuCores, cpuThrottledSeconds: 0, cpuPeriods: 10, cpuThrottledPeriods: 0,
    memoryUsageBytes: 64 * 2 ** 20, workingSetBytes: 50 * 2 ** 20, rssBytes: 40 * 2 ** 20, pageCacheBytes: 0, oomKills: 0, limits: { cpuCores: 0.5, memoryBytes: null },
  };
}

describe('capacityStudy', () => {
  const plan = planFromHeader(searchRun(1, 100).results.header)!;

  it('reads the plan back from the header, the SLO in words', () => {
    assert.deepEqual(plan, {
      target: 'api',
      plan: { peakRps: 300, headroom: 0.3, nPlusOne: true, slo: 'p99 < 100 ms, errors < 1%' },
      options: { cpuLimit: { kind: 'none' } },
    });
    assert.equal(sloText({ latency: [{ metric: 'p99.9', maxMs: 250 }, { metric: 'p50', maxMs: 20 }], maxErrorRate: 0.001 }), 'p99.9 < 250 ms, p50 < 20 ms, errors < 0.1%');
    assert.equal(planFromHeader(testHeader()), undefined);
  });

  it('places each search at its run\'s replica count and sizes from all of them', () => {
    const study = capacityStudy(plan, [searchRun(2, 100), searchRun(1, 100)]);
    assert.deepEqual(study.searches.map((s) => [s.replicas, s.search.kneeRps, s.source]), [
      [1, 100, 'replicas-1/results.ndjson'],
      [2, 200, 'replicas-2/results.ndjson'],
    ]);
    assert.equal(study.problem, null);
    const r = study.recommendation!;
    // 100/s per replica, linear: 300 × 1.3 = 390 needs 4; losing one leaves 300 ≥ peak, so no +1.
    assert.equal(r.replicas, 4);
    assert.equal(r.perReplicaCapacityRps, 100);
    assert.equal(r.scaling?.linearWithinResolution, true);
    assert.equal(r.sizing.plannedRpsPerReplica, 75);
  });

  it('says why there is no recommendation: no search, or a search cut short', () => {
    const plain = searchRun(1, 100);
    const noSearch = { ...plain, results: { ...plain.results, records: plain.results.records.filter((r) => r.type !== 'search-level' && r.type !== 'search-result') } };
    const none = capacityStudy(plan, [{ ...noSearch, summary: summarise(noSearch.results) }]);
    assert.equal(none.recommendation, null);
    assert.equal(none.problem, 'no capacity search of api in the results: add a capacity-search phase');

    const cut = capacityStudy(plan, [searchRun(1, 100, { finished: false })]);
    assert.equal(cut.searches.length, 1, 'the search is still shown');
    assert.equal(cut.searches[0]!.search.finished, false);
    assert.equal(cut.recommendation, null);
    assert.match(cut.problem ?? '', /no finished capacity search with a knee for target "api".*run to its end/);
  });
});
