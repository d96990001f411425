import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { flowsOf } from '../../../reports/stream-flows.js';
import type { GateVerdict } from '../../../reports/gates/gate-types.js';
import { gateDetailParts } from '../../../reports/gates/gate-detail.js';
import { scopeFilter } from '../../../reports/gates/scope-filter.js';
import { evaluateThresholdGates } from '../../../reports/gates/threshold-gates.js';
import { WindowGate } from '../../../reports/gates/window-gate.js';
import { summarise } from '../../../reports/summary.js';
import { parseThreshold } from '../../../scenarios/language/threshold-expression.js';
import type { Results } from '../../../scenarios/results/results-reader.js';
import { KnownStream } from './known-stream.js';

// Sliding-window gates on streams whose every second is known, so each failing stretch and worst
// window can be worked out by hand: a window is [end − length, end) and is judged as each second
// closes, once the scope has run for a whole window.

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'loadtest-window-gate-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

let streams = 0;
function written(stream: KnownStream): Results {
  return stream.write(dir, `results-${++streams}.ndjson`);
}

function judge(results: Results, expression: string): GateVerdict {
  const summary = summarise(results);
  return evaluateThresholdGates({ summary, records: results.records, flows: flowsOf(results) }, [{ expression }])[0]!;
}

function near(actual: number | null, expected: number, tolerance = 0.01): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= expected * tolerance, `${actual} is not within ${tolerance * 100}% of ${expected}`);
}

/** When only a few requests complete, and slowly: seconds 10, 11 and 12 of the stall run. */
const STALL: Record<number, number> = { 10: 600, 11: 1000, 12: 700 };

/**
 * 30 s of 1000 requests a second at 5 ms, except a three-second stall (10–12 s) in which 50
 * requests a second complete, at 600, 1000 and 700 ms: 150 slow requests of 27,150, under 1%.
 */
function stallRun(): Results {
  const stream = new KnownStream().phase(0, 'main', 0, 'start');
  for (let t = 0; t < 30; t++) {
    const stalledMs = STALL[t];
    stream.step(t, { latencies: stalledMs === undefined ? [[5, 1000]] : [[stalledMs, 50]] });
  }
  return written(stream.phase(30, 'main', 0, 'end').end(30));
}

describe('sliding-window gates', () => {
  let stall: Results;
  before(() => {
    stall = stallRun();
  });

  it('a p99 window catches a stall that the whole-run p99 hides, and says where it was', () => {
    const whole = judge(stall, 'p99<100ms');
    assert.equal(whole.passed, true, whole.actualText);
    near(whole.actual, 5);

    const gate = judge(stall, 'p99[2s]<100ms');
    assert.equal(gate.passed, false);
    // Every 2 s window that holds a stalled second fails: those starting at 9, 10, 11 and 12.
    assert.deepEqual(gate.window, { seconds: 2, worstStartS: 10, evaluated: 29, failed: 4, failing: [{ startS: 9, endS: 14 }] });
    // The worst windows hold the 1000 ms second; the first of them starts when the stall did.
    near(gate.actual, 1000);
    assert.match(gate.actualText, /^1000(\.\d+)? ms \(worst window\)$/);
    assert.deepEqual(gateDetailParts(gate), ['2 s windows: 4 of 29 failed, worst from 10 s', 'failing 9–14 s']);
  });

  it('judges error rate per window: a burst fails the window gate, not the whole-run one', () => {
    const stream = new KnownStream();
    for (let t = 0; t < 30; t++) {
      const burst = t === 20 || t === 21;
      stream.step(t, { latencies: [[5, burst ? 500 : 1000]] });
      if (burst) stream.step(t, { latencies: [[5, 500]], outcome: 'http_5xx' });
    }
    const results = written(stream.end(30));
    assert.equal(judge(results, 'errors<5%').passed, true);
    const gate = judge(results, 'errors[5s]<5%');
    assert.equal(gate.passed, false);
    // Windows holding one burst second have 10% errors, those holding both 20%.
    assert.deepEqual(gate.window?.failing, [{ startS: 16, endS: 26 }]);
    assert.equal(gate.window?.worstStartS, 17);
    assert.equal(gate.actual, 0.2);
    assert.equal(gate.window?.failed, 6);
  });

  it('judges throughput per window: the stall is a dip the whole-run rate hides', () => {
    assert.equal(judge(stall, 'rps>=500').passed, true);
    const gate = judge(stall, 'rps[3s]>=500');
    assert.equal(gate.passed, false);
    // [9,12) and [11,14) complete 1100 requests (367/s), [10,13) only 150 (50/s).
    assert.deepEqual(gate.window?.failing, [{ startS: 9, endS: 14 }]);
    assert.equal(gate.window?.worstStartS, 10);
    assert.equal(gate.actual, 50);
    assert.equal(gate.window?.failed, 3);
  });

  it('counts dropped iterations per window, as a count and as a share of those due', () => {
    const stream = new KnownStream();
    for (let t = 0; t < 30; t++) {
      stream.step(t, { latencies: [[5, 100]] });
      stream.iterations(t, 100, { dropped: t === 15 ? 3 : 0 });
    }
    const results = written(stream.end(30));
    assert.equal(judge(results, 'dropped<5').passed, true);
    const count = judge(results, 'dropped[2s]==0');
    assert.equal(count.passed, false);
    assert.deepEqual(count.window?.failing, [{ startS: 14, endS: 17 }]);
    assert.equal(count.actual, 3);
    assert.equal(count.window?.worstStartS, 14);

    assert.equal(judge(results, 'dropped<2%').passed, true);
    const share = judge(results, 'dropped[1s]<2%');
    assert.equal(share.passed, false);
    assert.deepEqual(share.window?.failing, [{ startS: 15, endS: 16 }]);
    near(share.actual, 3 / 103);
  });

  it('takes the max and the mean per window', () => {
    const max = judge(stall, 'max[2s]<500ms');
    assert.equal(max.passed, false);
    assert.deepEqual(max.window?.failing, [{ startS: 9, endS: 14 }]);
    assert.equal(max.window?.worstStartS, 10);
    near(max.actual, 1000);

    assert.equal(judge(stall, 'mean<50ms').passed, true);
    const mean = judge(stall, 'mean[2s]<50ms');
    assert.equal(mean.passed, false);
    // [10,12) averages 800 ms and [11,13) 850 ms; [9,11) and [12,14) are diluted by a fast second.
    assert.deepEqual(mean.window?.failing, [{ startS: 10, endS: 13 }]);
    assert.equal(mean.window?.worstStartS, 11);
    near(mean.actual, 850);
  });
});

describe('scoped sliding windows', () => {
  let results: Results;
  before(() => {
    // Two phases of 10 s; "login" is always fast, "search" stalls at 14–15 s, in the peak phase.
    const stream = new KnownStream({
      phases: ['warm', 'peak'],
      flows: [
        { name: 'auth', weight: 1, steps: ['login'] },
        { name: 'browse', weight: 1, steps: ['search'] },
      ],
    });
    stream.phase(0, 'warm', 0, 'start').phase(10, 'warm', 0, 'end').phase(10, 'peak', 1, 'start').phase(20, 'peak', 1, 'end');
    for (let t = 0; t < 20; t++) {
      const phase = t < 10 ? 'warm' : 'peak';
      stream.step(t, { step: 'login', phase, latencies: [[5, 100]] });
      stream.step(t, { step: 'search', phase, latencies: [[t === 14 || t === 15 ? 900 : 5, 100]] });
    }
    results = written(stream.end(20));
  });

  it('a step window sees only its step', () => {
    const search = judge(results, 'step:search.p99[2s]<100ms');
    assert.equal(search.passed, false);
    assert.deepEqual(search.window?.failing, [{ startS: 13, endS: 17 }]);
    assert.equal(search.window?.worstStartS, 13);
    near(search.actual, 900);
    const login = judge(results, 'step:login.p99[2s]<100ms');
    assert.equal(login.passed, true);
    assert.equal(login.window?.failed, 0);
    assert.equal(login.window?.evaluated, 19);
  });

  it('a phase window starts with its phase and sees only its seconds', () => {
    const peak = judge(results, 'phase:peak.p99[2s]<100ms');
    assert.equal(peak.passed, false);
    assert.deepEqual(peak.window?.failing, [{ startS: 13, endS: 17 }]);
    // Windows end at 12, 13, … 20: the phase began at 10 s.
    assert.equal(peak.window?.evaluated, 9);
    const warm = judge(results, 'phase:warm.p99[2s]<100ms');
    assert.equal(warm.passed, true);
    assert.equal(warm.window?.evaluated, 9);
  });

  it('a flow window sees the steps of its flow', () => {
    const browse = judge(results, 'flow:browse.p99[2s]<100ms');
    assert.equal(browse.passed, false);
    assert.deepEqual(browse.window?.failing, [{ startS: 13, endS: 17 }]);
    assert.equal(judge(results, 'flow:auth.p99[2s]<100ms').passed, true);
  });

  it('a scope missing from the run fails with the reason', () => {
    const gate = judge(results, 'step:nosuch.p99[2s]<100ms');
    assert.equal(gate.passed, false);
    assert.equal(gate.actual, null);
    assert.match(gate.reason ?? '', /no step named "nosuch"/);
    assert.match(judge(results, 'flow:nosuch.p99[2s]<100ms').reason ?? '', /no flow named "nosuch"/);
  });
});

describe('windows over a recorder\'s intervals', () => {
  // A live recorder's intervals start a few milliseconds after each whole second (timers run
  // late, by a different amount each time): a window must still hold whole seconds.
  const LATE_MS = [8, 1, 2, 10, 3, 1, 7, 2, 9, 1, 4];

  function lateIntervals(seconds: number, latencyMsAt: (second: number) => number): Results {
    const stream = new KnownStream();
    for (let k = 0; k < seconds; k++) {
      const t = k + LATE_MS[k % LATE_MS.length]! / 1000;
      const next = k + 1 + LATE_MS[(k + 1) % LATE_MS.length]! / 1000;
      stream.step(Math.round(t * 1000) / 1000, { dur: Math.round((next - t) * 1000) / 1000, latencies: [[latencyMsAt(k), 100]] });
    }
    return written(stream.end(seconds));
  }

  it('keeps every second of a window when the intervals start late by different amounts', () => {
    const results = lateIntervals(10, () => 5);
    const gate = judge(results, 'rps[2s]>=90');
    assert.equal(gate.passed, true, `worst window ${gate.actualText} from ${gate.window?.worstStartS} s`);
    near(gate.actual, 100);
    // Windows end with seconds 2 … 10.
    assert.equal(gate.window?.evaluated, 9);
  });

  it('judges the first window even when the first interval began a little after 0', () => {
    // Only the first second is slow: only the first window holds it.
    const gate = judge(lateIntervals(10, (second) => (second === 0 ? 900 : 5)), 'p99[2s]<100ms');
    assert.equal(gate.passed, false);
    assert.equal(gate.window?.failed, 1);
    assert.equal(gate.window?.failing.length, 1);
    assert.ok(gate.window!.failing[0]!.startS < 0.5, JSON.stringify(gate.window));
  });
});

describe('windows without enough run or requests', () => {
  it('judges a run shorter than the window once, over all of it, and says so', () => {
    const stream = new KnownStream();
    for (let t = 0; t < 3; t++) stream.step(t, { latencies: [[5, 100]] });
    const results = written(stream.end(3));
    const gate = judge(results, 'p99[10s]<100ms');
    assert.equal(gate.passed, true);
    assert.equal(gate.window?.evaluated, 1);
    assert.match(gate.reason ?? '', /ran 3 s, less than one 10 s window: judged once over all of it/);
    const strict = judge(results, 'p99[10s]<1ms');
    assert.equal(strict.passed, false);
    assert.deepEqual(strict.window?.failing, [{ startS: 0, endS: 3 }]);
  });

  it('skips a latency window with no requests, but an empty window has no throughput', () => {
    // Requests complete in 0–4 s only; iterations keep starting until 10 s (every request hangs).
    const stream = new KnownStream();
    for (let t = 0; t < 10; t++) {
      if (t < 5) stream.step(t, { latencies: [[5, 100]] });
      stream.iterations(t, 100);
    }
    const results = written(stream.end(10));
    const latency = judge(results, 'p99[2s]<100ms');
    assert.equal(latency.passed, true);
    // Windows end at 2 … 10; only those ending at 2 … 6 hold a request.
    assert.equal(latency.window?.evaluated, 5);
    const rps = judge(results, 'rps[2s]>=50');
    assert.equal(rps.passed, false);
    assert.deepEqual(rps.window?.failing, [{ startS: 5, endS: 10 }]);
    assert.equal(rps.actual, 0);
  });

  it('fails a window gate whose scope never had a request', () => {
    const stream = new KnownStream();
    for (let t = 0; t < 5; t++) stream.iterations(t, 10);
    const gate = judge(written(stream.end(5)), 'p99[2s]<100ms');
    assert.equal(gate.passed, false);
    assert.equal(gate.actual, null);
    assert.match(gate.reason ?? '', /no window had requests/);
  });
});

describe('cumulative mode (no window)', () => {
  function feedAll(results: Results, expression: string): { gate: WindowGate; result: ReturnType<WindowGate['finish']> } {
    const filter = scopeFilter(undefined, []);
    assert.equal(typeof filter, 'object');
    const gate = new WindowGate(parseThreshold(expression), filter as Exclude<typeof filter, string>);
    for (const record of results.records) gate.feed(record);
    return { gate, result: gate.finish() };
  }

  it('is judged after every second over everything so far, ending at the whole-run figure', () => {
    // Latency worsens every second, throughput falls and errors come last, so every running figure
    // only gets worse: the worst one judged is the last, which must be the whole run's.
    const stream = new KnownStream().phase(0, 'main', 0, 'start');
    for (let t = 0; t < 10; t++) {
      stream.step(t, { latencies: [[(t + 1) * 10, 100 - 5 * t]] });
      if (t >= 8) stream.step(t, { latencies: [[5, 10]], outcome: 'timeout' });
    }
    const results = written(stream.phase(10, 'main', 0, 'end').end(10));
    const summary = summarise(results);

    const p99 = feedAll(results, 'p99<1s').result;
    assert.equal(p99.evaluated, 10);
    assert.equal(p99.worst, summary.overall.latency.p99);
    assert.equal(p99.shortRunS, undefined);

    const errors = feedAll(results, 'errors<1%');
    near(errors.result.worst, summary.overall.errorRate, 1e-9);
    // Failing from 8 s, when the first errors came: the last judgement is over 0–10 s.
    assert.deepEqual(errors.result.failing, [{ startS: 0, endS: 10 }]);
    assert.equal(errors.result.failed, 2);
    assert.equal(errors.gate.failingNow, true);

    const rps = feedAll(results, 'rps>=50').result;
    assert.equal(summary.overall.rps, 79.5);
    assert.equal(rps.worst, summary.overall.rps);
    assert.equal(rps.failed, 0);
  });
});
