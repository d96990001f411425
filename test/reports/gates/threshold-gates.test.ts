import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { flowsOf } from '../../../reports/stream-flows.js';
import { gateDetailParts } from '../../../reports/gates/gate-detail.js';
import type { GateVerdict } from '../../../reports/gates/gate-types.js';
import { judgeRun } from '../../../reports/gates/judge-run.js';
import { parseRegressionLimits } from '../../../reports/gates/regression-limits.js';
import { evaluateThresholdGates } from '../../../reports/gates/threshold-gates.js';
import type { GateInputs } from '../../../reports/gates/threshold-gates.js';
import { runVerdict } from '../../../reports/outputs/summary-document.js';
import { summarise } from '../../../reports/summary.js';
import type { RunSummary } from '../../../reports/summary.js';
import type { Results } from '../../../scenarios/results/results-reader.js';
import { KnownStream } from './known-stream.js';

// Every threshold form judged on one stream whose figures were chosen by hand:
//   phases warm (0–2 s) and peak (2–4 s); every second 100 "login" at 10 ms, 100 "order" at 20 ms
//   of which 2 fail (http_5xx), 100 "search" at 40 ms (warm) or 80 ms (peak); 100 iterations
//   started a second, one dropped at 3 s; flows buy = login + order, browse = search.
//   So: 1200 requests in 4 s (300/s), 8 errors (0.667%), p99 80 ms; warm p99 40 ms; flow buy 1%
//   errors. Target kv: two replicas, CPU samples 0.1–0.4 and 0.2–0.6 cores (p95 0.6), working
//   set up to 300 MiB, 5 of every 100 CFS periods throttled.

const MiB = 1024 ** 2;
const CPU = { n1: [0.1, 0.2, 0.3, 0.4], n2: [0.2, 0.3, 0.5, 0.6] } as const;
const MEMORY = { n1: [100, 110, 120, 130], n2: [200, 250, 300, 280] } as const;

function knownStream(options: ConstructorParameters<typeof KnownStream>[0] = {}): KnownStream {
  const stream = new KnownStream({
    phases: ['warm', 'peak'],
    flows: [
      { name: 'buy', weight: 2, steps: ['login', 'order'] },
      { name: 'browse', weight: 1, steps: ['search'] },
    ],
    ...options,
  });
  stream.phase(0, 'warm', 0, 'start').phase(2, 'warm', 0, 'end').phase(2, 'peak', 1, 'start').phase(4, 'peak', 1, 'end');
  for (let t = 0; t < 4; t++) {
    const phase = t < 2 ? 'warm' : 'peak';
    stream.step(t, { phase, step: 'login', latencies: [[10, 100]] });
    stream.step(t, { phase, step: 'order', latencies: [[20, 98]] });
    stream.step(t, { phase, step: 'order', outcome: 'http_5xx', latencies: [[20, 2]] });
    stream.step(t, { phase, step: 'search', latencies: [[phase === 'warm' ? 40 : 80, 100]] });
    stream.iterations(t, 100, { phase, dropped: t === 3 ? 1 : 0 });
    for (const replica of ['n1', 'n2'] as const) {
      stream.resource(t, { replica, cpuCores: CPU[replica][t]!, workingSetBytes: MEMORY[replica][t]! * MiB, cpuPeriods: 100, cpuThrottledPeriods: 5 });
    }
  }
  return stream;
}

let dir: string;
let results: Results;
let summary: RunSummary;
let inputs: GateInputs;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'loadtest-threshold-gates-'));
  results = knownStream().end(4).write(dir);
  summary = summarise(results);
  inputs = { summary, records: results.records, flows: flowsOf(results) };
});
after(() => rmSync(dir, { recursive: true, force: true }));

function judge(expression: string, extra: Partial<GateInputs> = {}): GateVerdict {
  return evaluateThresholdGates({ ...inputs, ...extra }, [{ expression }])[0]!;
}

function near(actual: number | null, expected: number, tolerance = 0.01): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= expected * tolerance, `${actual} is not within ${tolerance * 100}% of ${expected}`);
}

function assertJudged(expression: string, passed: boolean): GateVerdict {
  const gate = judge(expression);
  assert.equal(gate.passed, passed, `${expression}: actual ${gate.actualText}, limit ${gate.limitText}${gate.reason === undefined ? '' : `, ${gate.reason}`}`);
  assert.equal(gate.kind, 'threshold');
  assert.equal(gate.expression, expression);
  return gate;
}

describe('threshold gates, one per expression form', () => {
  it('p99<…: whole-run latency', () => {
    const gate = assertJudged('p99<100ms', true);
    near(gate.actual, 80);
    assert.equal(gate.limitText, '< 100 ms');
    assert.match(gate.actualText, /^80(\.\d+)? ms$/);
    assertJudged('p99<50ms', false);
    assertJudged('p99<=0.08s', false);
    // A sub-millisecond limit keeps its digits.
    assert.equal(assertJudged('p50<0.001ms', false).limitText, '< 0.001 ms');
  });

  it('errors<…%: the share of failed requests', () => {
    const gate = assertJudged('errors<1%', true);
    assert.equal(gate.actual, 8 / 1200);
    assert.equal(gate.actualText, '0.667%');
    assertJudged('errors<0.5%', false);
  });

  it('rps>=…: throughput over the run', () => {
    const gate = assertJudged('rps>=300', true);
    assert.equal(gate.actual, 300);
    assert.equal(gate.limitText, '≥ 300/s');
    assertJudged('rps>=301', false);
    assertJudged('rps<300', false);
  });

  it('dropped==0: iterations that were due and never started', () => {
    const gate = assertJudged('dropped==0', false);
    assert.equal(gate.actual, 1);
    assertJudged('dropped<=1', true);
    assertJudged('phase:warm.dropped==0', true);
    assertJudged('phase:peak.dropped==0', false);
  });

  it('step:x.p95<…: one step', () => {
    near(assertJudged('step:login.p95<15ms', true).actual, 10);
    near(assertJudged('step:order.p95<15ms', false).actual, 20);
    assert.equal(assertJudged('step:order.errors<2%', false).actual, 0.02);
  });

  it('phase:y.p99<…: one phase', () => {
    near(assertJudged('phase:warm.p99<50ms', true).actual, 40);
    near(assertJudged('phase:peak.p99<50ms', false).actual, 80);
  });

  it('flow:z.errors<…: the requests of a flow\'s steps (flows come from the header)', () => {
    // buy = login + order: 8 errors of 800 requests, exactly 1%.
    assert.equal(assertJudged('flow:buy.errors<1%', false).actual, 0.01);
    assertJudged('flow:buy.errors<=1%', true);
    assert.equal(assertJudged('flow:browse.errors<1%', true).actual, 0);
    near(assertJudged('flow:browse.p99<100ms', true).actual, 80);
    assert.equal(assertJudged('flow:buy.rps>=200', true).actual, 200);
  });

  it('target:kv.cpu.p95<…: cores per replica sample', () => {
    const gate = assertJudged('target:kv.cpu.p95<700m', true);
    assert.equal(gate.actual, 0.6);
    assert.equal(gate.actualText, '0.6 cores');
    assertJudged('target:kv.cpu.p95<500m', false);
    assert.equal(assertJudged('target:kv.cpu.avg<0.5', true).actual, 0.325);
  });

  it('target:kv.memory.max<…Mi: the largest working set', () => {
    const gate = assertJudged('target:kv.memory.max<512Mi', true);
    assert.equal(gate.actual, 300 * MiB);
    assert.equal(gate.actualText, '300 MiB');
    assertJudged('target:kv.memory.max<256Mi', false);
  });

  it('target:kv.throttled<…%: the share of CFS periods throttled', () => {
    assert.equal(assertJudged('target:kv.throttled<10%', true).actual, 0.05);
    assertJudged('target:kv.throttled<5%', false);
  });

  it('a scope that is not in the run fails, with the reason', () => {
    for (const [expression, reason] of [
      ['step:nosuch.p99<1s', /no step named "nosuch" in this run/],
      ['phase:nosuch.errors<1%', /no phase named "nosuch" in this run/],
      ['flow:nosuch.errors<1%', /no flow named "nosuch" in this run/],
      ['target:db.cpu.p95<1', /no target named "db" was sampled/],
    ] as const) {
      const gate = assertJudged(expression, false);
      assert.equal(gate.actual, null);
      assert.equal(gate.actualText, 'no data');
      assert.match(gate.reason ?? '', reason, expression);
    }
  });

  it('marks the gate that stopped the run failed, with when, even when its figure passes', () => {
    const [stopper, other] = evaluateThresholdGates({ ...inputs, abortedBy: { expression: 'p99<100ms', t: 3.5 } }, [
      { expression: 'p99<100ms', abortOnFail: true },
      { expression: 'errors<1%' },
    ]);
    assert.equal(stopper!.passed, false);
    assert.equal(stopper!.abortedAtS, 3.5);
    assert.equal(stopper!.abortOnFail, true);
    near(stopper!.actual, 80);
    assert.ok(gateDetailParts(stopper!).includes('stopped the run at 3.5 s'));
    assert.equal(other!.passed, true);
    assert.equal(other!.abortedAtS, undefined);
    assert.equal(other!.abortOnFail, undefined);
  });
});

describe('judgeRun', () => {
  it('judges the header\'s thresholds and the given ones once each, and marks the abort from the end record', () => {
    const stopped = knownStream({ thresholds: ['p99<100ms', 'errors<1%'], abortOnFail: ['p99<100ms'] }).end(3.5, 'interrupted', 'p99<100ms').write(dir, 'stopped.ndjson');
    const stoppedSummary = summarise(stopped);
    const gates = judgeRun(stopped, stoppedSummary, { thresholds: ['errors<1%', 'rps>=1'] });
    assert.deepEqual(
      gates.map((g) => [g.expression, g.passed, g.abortOnFail ?? false, g.abortedAtS ?? null]),
      [
        ['p99<100ms', false, true, 3.5],
        ['errors<1%', true, false, null],
        ['rps>=1', true, false, null],
      ],
    );
    assert.equal(runVerdict(stoppedSummary, gates), 'fail');
  });

  it('leaves the header\'s thresholds out when asked, and adds regression gates against a baseline', () => {
    const withThresholds = knownStream({ thresholds: ['p99<1ms'] }).end(4).write(dir, 'header-thresholds.ndjson');
    const own = summarise(withThresholds);
    assert.deepEqual(judgeRun(withThresholds, own).map((g) => g.passed), [false]);
    assert.deepEqual(judgeRun(withThresholds, own, { scenarioThresholds: false }), []);
    const gates = judgeRun(withThresholds, own, { scenarioThresholds: false, baseline: { summary: own, limits: parseRegressionLimits('p99:+10%,rps:-5%') } });
    assert.deepEqual(gates.map((g) => [g.kind, g.expression, g.passed]), [
      ['regression', 'p99:+10%', true],
      ['regression', 'rps:-5%', true],
    ]);
  });
});
