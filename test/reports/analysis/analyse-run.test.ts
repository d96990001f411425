import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseRun } from '../../../reports/analysis/analyse-run.js';
import type { GateVerdict } from '../../../reports/gates/gate-types.js';
import { summarise } from '../../../reports/summary.js';
import { encodeHistogram, newHistogram, recordMicros } from '../../../scenarios/results/histogram.js';
import type { BodyRecord } from '../../../scenarios/results/results-format.js';
import type { Results } from '../../../scenarios/results/results-reader.js';
import { testHeader } from '../../helpers/stream-header.js';

// A ten-second stream written record by record, so every figure the analysis should find is known:
// second s has 100 ok requests of "login" at (s + 1) ms and 50 of "order" at 2 ms, except seconds 4
// and 5, where the leader kill made "order" slow (400 ms) and 20 of them fail. Interval starts carry
// the timer jitter real streams have (0.998, 2.003). CPU of the one replica rises with latency.

const SECONDS = 10;

function histogramOf(ms: number, count: number): string {
  const h = newHistogram();
  for (let i = 0; i < count; i++) recordMicros(h, ms * 1000);
  return encodeHistogram(h);
}

function stream(): Results {
  const header = testHeader({
    scenario: { thresholds: ['p99<100ms'] },
    phases: [{ name: 'steady', executor: 'constant-arrival-rate', startS: 0, durationS: SECONDS, params: { rate: 100 } }],
    flows: [{ name: 'buy', weight: 1, steps: ['login', 'order'] }],
  });
  const records: BodyRecord[] = [{ type: 'phase', t: 0, phase: 'steady', index: 0, event: 'start' }];
  for (let s = 0; s < SECONDS; s++) {
    const t = s === 1 ? 0.998 : s === 2 ? 2.003 : s;
    const faulty = s === 4 || s === 5;
    const step = (name: string, outcome: 'ok' | 'http_5xx', count: number, ms: number): BodyRecord => ({
      type: 'step', t, dur: 1, phase: 'steady', step: name, outcome, count, bytesIn: 0, bytesOut: 0, latency: histogramOf(ms, count), service: histogramOf(ms, count),
    });
    records.push(step('login', 'ok', 100, s + 1));
    records.push(step('order', 'ok', faulty ? 30 : 50, faulty ? 400 : 2));
    if (faulty) records.push(step('order', 'http_5xx', 20, 400));
    records.push({
      type: 'iterations', t, dur: 1, phase: 'steady', started: 100, ok: 100, failed: 0, interrupted: 0,
      dropped: { max_in_flight: s === 5 ? 3 : 0, data_exhausted: 0 }, inFlight: 2, maxInFlight: faulty ? 40 : 5, vus: 0, lag: null, duration: null,
    });
    records.push({
      type: 'resource', t, dur: 1, target: 'kv', replica: 'n1', source: 'cgroup', cpuCores: faulty ? 0.45 : 0.1 + s * 0.001,
      cpuThrottledSeconds: 0, cpuPeriods: 10, cpuThrottledPeriods: faulty ? 5 : 0, memoryUsageBytes: 2e7, workingSetBytes: 1e7 + s, rssBytes: 1e7, pageCacheBytes: 0, oomKills: 0,
      limits: { cpuCores: 0.5, memoryBytes: 268435456 },
    });
    if (s === 4) {
      records.push({ type: 'fault', t: 4, event: 'start', action: 'kill', target: 'kv', replicas: ['n2'], label: 'faults[0]', detail: 'SIGKILL to kv/leader (n2)' });
      records.push({ type: 'outage', t: 4.1, end: 5.6, durationS: 1.5, failed: 40, ok: 60, afterFault: 'faults[0] kill kv' });
    }
    if (s === 7) records.push({ type: 'fault', t: 7, event: 'end', action: 'restart', target: 'kv', replicas: ['n2'], label: 'faults[0]', detail: 'restarted n2' });
  }
  records.push({ type: 'phase', t: SECONDS, phase: 'steady', index: 0, event: 'end' });
  records.push({ type: 'end', t: SECONDS, status: 'completed' });
  return { header, records, tornTail: false };
}

const windowGate = (expression: string, failing: Array<{ startS: number; endS: number }>): GateVerdict => ({
  kind: 'threshold', expression, passed: failing.length === 0, actual: 1, actualText: '1', limitText: '< 1', window: { seconds: 2, worstStartS: null, evaluated: 8, failed: failing.length, failing },
});

describe('analysis of a results stream', () => {
  const results = stream();
  const summary = summarise(results);
  const gates = [windowGate('p99[2s]<100ms', [{ startS: 3, endS: 7 }]), windowGate('errors[2s]<1%', [{ startS: 0, endS: 3 }])];
  const analysis = analyseRun(results, summary, gates);
  const { timeline } = analysis;

  it('puts each jittered interval in its own one-second bucket', () => {
    assert.equal(timeline.bucketS, 1);
    assert.equal(timeline.t.length, SECONDS);
    assert.deepEqual(timeline.overall.rps, new Array(SECONDS).fill(150));
    assert.deepEqual(timeline.overall.errorsPerS, [0, 0, 0, 0, 20, 20, 0, 0, 0, 0]);
    assert.deepEqual(timeline.droppedPerS, [0, 0, 0, 0, 0, 3, 0, 0, 0, 0]);
  });

  it('gives each bucket the percentiles of its own requests, overall and per step', () => {
    // login's latency is s + 1 ms in second s: its p50 walks up one millisecond a second.
    assert.deepEqual(timeline.steps.login!.p50.map((v) => Math.round(v!)), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.ok(Math.abs(timeline.overall.p99[4]! - 400) < 1, `p99 of the fault second ${timeline.overall.p99[4]}`);
    assert.ok(timeline.overall.p99[0]! < 3);
    assert.ok(Math.abs(timeline.overall.max[9]! - 10) < 0.1);
  });

  it('aligns each replica\'s resources with the same buckets', () => {
    const kv = analysis.resources.find((r) => r.target === 'kv')!;
    assert.deepEqual(kv.limits, { cpuCores: 0.5, memoryBytes: 268435456 });
    const n1 = kv.replicas.find((r) => r.replica === 'n1')!;
    assert.equal(n1.cpuCores[4], 0.45);
    assert.deepEqual(n1.throttledPct, [0, 0, 0, 0, 50, 50, 0, 0, 0, 0]);
  });

  it('finds that CPU and throttling move with p99', () => {
    const cpu = analysis.correlations.find((c) => c.target === 'kv' && c.metric === 'cpuCores' && c.replica === null)!;
    assert.ok(cpu.r > 0.9, `r ${cpu.r}`);
    assert.equal(cpu.points, SECONDS);
    assert.equal(analysis.correlations[0]!.strength === 'strong' || analysis.correlations[0]!.strength === 'moderate', true);
  });

  it('adds a flow up from its steps, and keeps the run and step rows of the summary', () => {
    const flow = analysis.breakdown.find((r) => r.scope === 'flow' && r.name === 'buy')!;
    assert.equal(flow.requests, 1500);
    assert.equal(flow.errors, 40);
    const run = analysis.breakdown.find((r) => r.scope === 'run')!;
    assert.equal(run.requests, summary.overall.requests);
    assert.deepEqual(analysis.flows, [{ name: 'buy', weight: 1, steps: ['login', 'order'] }]);
  });

  it('tells the drill: the outage after the kill, recovery, what failed meanwhile, and the gate that caught it', () => {
    assert.equal(analysis.faultDrill.length, 1);
    const kill = analysis.faultDrill[0]!;
    assert.equal(kill.startS, 4);
    assert.equal(kill.endS, 7);
    assert.equal(kill.unavailableS, 1.5);
    assert.equal(kill.recoverS, 1.6);
    // Requests of the intervals overlapping [4, 5.6): seconds 4 and 5.
    assert.equal(kill.requestsDuring, 300);
    assert.equal(kill.errorsDuring, 40);
    // The errors window failed only before the fault: it did not catch it.
    assert.deepEqual(kill.caughtBy, ['p99[2s]<100ms']);
  });

  it('gives the percentile spectrum up to the slowest request, and warns about dropped iterations', () => {
    const spectrum = analysis.distribution;
    assert.equal(spectrum[0]!.percentile, 0);
    assert.equal(spectrum[spectrum.length - 1]!.percentile, 100);
    for (let i = 1; i < spectrum.length; i++) assert.ok(spectrum[i]!.ms >= spectrum[i - 1]!.ms);
    assert.ok(Math.abs(spectrum[spectrum.length - 1]!.ms - 400) < 1);
    assert.ok(analysis.warnings.some((w) => /3 iterations could not start/.test(w)), analysis.warnings.join('\n'));
  });
});
