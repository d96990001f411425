// cgroup counters from real file contents (v1 and v2 layouts as the kernel writes them), and the
// interval arithmetic that turns two readings into a sample.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseV1, parseV2, type CgroupCounters } from '../../collectors/cgroup-counters.js';
import { sampleBetween } from '../../collectors/counters-to-sample.js';

const V1_MEMORY_STAT = `cache 1048576
rss 2097152
inactive_file 524288
total_cache 3145728
total_rss 8388608
total_inactive_file 1048576
total_active_file 2097152
`;

test('v1: CPU, throttling, quota, memory (hierarchical totals) and OOM kills', () => {
  const c = parseV1({
    cpuacctUsage: '123456789000\n',
    cpuStat: 'nr_periods 200\nnr_throttled 37\nthrottled_time 4100000000\n',
    cfsQuotaUs: '50000\n',
    cfsPeriodUs: '100000\n',
    memoryUsage: '12582912\n',
    memoryStat: V1_MEMORY_STAT,
    memoryLimit: '268435456\n',
    oomControl: 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n',
  });
  assert.deepEqual(c, {
    cpuUsageNs: 123456789000,
    periods: 200,
    throttledPeriods: 37,
    throttledNs: 4100000000,
    memoryUsageBytes: 12582912,
    inactiveFileBytes: 1048576,
    rssBytes: 8388608,
    pageCacheBytes: 3145728,
    oomKills: 2,
    cpuLimitCores: 0.5,
    memoryLimitBytes: 268435456,
  });
});

test('v1: no quota (-1) and the "unlimited" memory limit are no limit', () => {
  const c = parseV1({ cpuacctUsage: '1\n', cfsQuotaUs: '-1\n', cfsPeriodUs: '100000\n', memoryLimit: '9223372036854771712\n' });
  assert.equal(c.cpuLimitCores, null);
  assert.equal(c.memoryLimitBytes, null);
  assert.equal(c.periods, null);
});

test('v2: usec units, cpu.max, memory.current/stat/max/events', () => {
  const c = parseV2({
    cpuStat: 'usage_usec 5000000\nuser_usec 4000000\nsystem_usec 1000000\nnr_periods 50\nnr_throttled 10\nthrottled_usec 250000\n',
    cpuMax: '25000 100000\n',
    memoryCurrent: '10485760\n',
    memoryStat: 'anon 6291456\nfile 4194304\nactive_file 1048576\ninactive_file 3145728\n',
    memoryMax: '536870912\n',
    memoryEvents: 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n',
  });
  assert.equal(c.cpuUsageNs, 5e9);
  assert.equal(c.throttledNs, 2.5e8);
  assert.equal(c.cpuLimitCores, 0.25);
  assert.equal(c.memoryUsageBytes, 10485760);
  assert.equal(c.inactiveFileBytes, 3145728);
  assert.equal(c.rssBytes, 6291456);
  assert.equal(c.pageCacheBytes, 4194304);
  assert.equal(c.memoryLimitBytes, 536870912);
  assert.equal(c.oomKills, 1);
  const unlimited = parseV2({ cpuStat: 'usage_usec 1\n', cpuMax: 'max 100000\n', memoryMax: 'max\n' });
  assert.equal(unlimited.cpuLimitCores, null);
  assert.equal(unlimited.memoryLimitBytes, null);
});

test('a sample is the interval between two readings; working set = usage − inactive file', () => {
  const base: CgroupCounters = parseV1({ cpuacctUsage: '1000000000\n', cpuStat: 'nr_periods 10\nnr_throttled 1\nthrottled_time 1000000\n', cfsQuotaUs: '50000', cfsPeriodUs: '100000', memoryUsage: '1000', memoryStat: 'total_inactive_file 100\n', oomControl: 'oom_kill 0\n' });
  const later: CgroupCounters = { ...base, cpuUsageNs: 1.75e9, periods: 30, throttledPeriods: 9, throttledNs: 301000000, memoryUsageBytes: 5000, inactiveFileBytes: 1200, oomKills: 1 };
  const s = sampleBetween('kv', 'n1', { at: 10_000, counters: base }, { at: 11_500, counters: later });
  assert.equal(s.time, 11_500);
  assert.equal(s.cpuCores, 0.5, '0.75 s of CPU in 1.5 s');
  assert.equal(s.cpuPeriods, 20);
  assert.equal(s.cpuThrottledPeriods, 8);
  assert.equal(s.cpuThrottledSeconds, 0.3);
  assert.equal(s.workingSetBytes, 3800);
  assert.equal(s.oomKills, 1);
  assert.deepEqual(s.limits, { cpuCores: 0.5, memoryBytes: null });
});
