// The per-target resource summary: per-replica statistics over samples, time-weighted average,
// nearest-rank p95, throttling as a share of CFS periods, the whole target's total.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summariseResources } from '../../reports/resource-summary.js';
import type { ResourceRecord } from '../../scenarios/results/results-format.js';

function sample(replica: string, t: number, cpuCores: number, workingSetBytes: number, periods = 10, throttled = 0): ResourceRecord {
  return {
    type: 'resource', t, dur: 1, target: 'kv', replica, source: 'cgroup', cpuCores, cpuThrottledSeconds: 0, cpuPeriods: periods,
    cpuThrottledPeriods: throttled, memoryUsageBytes: workingSetBytes + 100, workingSetBytes, rssBytes: workingSetBytes, pageCacheBytes: 100,
    oomKills: 0, limits: { cpuCores: 0.5, memoryBytes: 256 * 1048576 },
  };
}

test('per replica statistics, throttling share, and the target total', () => {
  const records: ResourceRecord[] = [];
  for (let t = 0; t < 20; t++) {
    records.push(sample('n1', t, t === 19 ? 0.5 : 0.1, 50e6 + t * 1e6, 10, t < 5 ? 5 : 0));
    records.push(sample('n2', t, 0.2, 40e6));
  }
  const kv = summariseResources(records).kv!;
  assert.equal(kv.replicas, 2);
  assert.equal(kv.samples, 40);
  assert.equal(kv.source, 'cgroup');
  assert.equal(kv.cpu.max, 0.5);
  assert.equal(kv.cpu.avg, 0.16); // (19 × 0.1 + 0.5 + 20 × 0.2) / 40
  assert.equal(kv.cpu.p95, 0.2); // rank 38 of 40
  assert.equal(kv.throttledPct, 6.25); // 25 of 400 periods
  assert.equal(kv.memory.max, 69e6);
  assert.equal(kv.byReplica.n1!.throttledPct, 12.5);
  assert.equal(kv.byReplica.n2!.cpu.avg, 0.2);
  assert.equal(kv.totalCpu.max, 0.7);
  assert.equal(kv.totalCpu.avg, 0.32);
  assert.deepEqual(kv.limits, { cpuCores: 0.5, memoryBytes: 256 * 1048576 });
});

test('a source without CFS figures reports throttling as unknown, not as zero', () => {
  const r = sample('p1', 0, 0.3, 1e6);
  const kv = summariseResources([{ ...r, cpuPeriods: null, cpuThrottledPeriods: null }]).kv!;
  assert.equal(kv.throttledPct, null);
  assert.equal(kv.cpu.avg, 0.3);
});
