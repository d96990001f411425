// The verification of a recommendation, on streams whose every figure was chosen by hand:
//   phases ramp (0–2 s) and peak (2–6 s); ramp carries 20 requests a second at 10 ms, peak
//   `perSecond` requests a second at `latencyMs`; target api has five replicas sampled each second
//   of peak with CPU 0.20, 0.21, …, 0.39 cores (20 samples: nearest-rank p95 = the 19th = 0.38) and
//   working set up to 300 MiB. Outside peak (during the ramp, straddling its end, after it, and for
//   another target) the samples read 5–9 cores and 900 MiB: none of them may count.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VerificationOutcome } from '../../../reports/capacity/capacity-study-types.js';
import { recommendTarget } from '../../../reports/capacity/recommend.js';
import type { TargetRecommendation } from '../../../reports/capacity/recommendation-types.js';
import { renderVerification } from '../../../reports/capacity/render-verification.js';
import { verificationOutcome } from '../../../reports/capacity/verification.js';
import { judgeRun } from '../../../reports/gates/judge-run.js';
import { summarise } from '../../../reports/summary.js';
import type { ResourceRecord } from '../../../scenarios/results/results-format.js';
import { KnownStream } from '../gates/known-stream.js';
import { MiB, statelessTier } from './capacity-fixtures.js';

const THRESHOLDS = ['phase:peak.p99<=100ms', 'phase:peak.errors<=1%'];
const REPLICAS = ['pod-0', 'pod-1', 'pod-2', 'pod-3', 'pod-4'];

interface StreamOptions {
  latencyMs?: number;
  perSecond?: number;
  errorsPerSecond?: number;
  dropped?: number;
  oomKillAt?: number;
  /** Extra thresholds, judged by the run but not about the peak phase. */
  extraThresholds?: string[];
}

let dir: string;
let recommendation: TargetRecommendation;
let streams = 0;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'loadtest-verification-'));
  // 100/s per replica, peak 100 × 1.3 → 2 replicas.
  recommendation = recommendTarget({ peakRps: 100, headroom: 0.3, nPlusOne: false, slo: 'p99 < 100 ms, errors <= 1%' }, statelessTier());
});
after(() => rmSync(dir, { recursive: true, force: true }));

function outcomeOf(options: StreamOptions = {}, peakRps = 100): VerificationOutcome {
  const { latencyMs = 50, perSecond = 100, errorsPerSecond = 0, dropped = 0, oomKillAt } = options;
  const stream = new KnownStream({ phases: ['ramp', 'peak'], thresholds: [...THRESHOLDS, ...(options.extraThresholds ?? [])] });
  stream.phase(0, 'ramp', 0, 'start').phase(2, 'ramp', 0, 'end').phase(2, 'peak', 1, 'start').phase(6, 'peak', 1, 'end');
  for (let t = 0; t < 2; t++) {
    stream.step(t, { phase: 'ramp', latencies: [[10, 20]] });
    stream.iterations(t, 20, { phase: 'ramp' });
    for (const replica of REPLICAS) stream.resource(t, { target: 'api', replica, cpuCores: 5, workingSetBytes: 900 * MiB });
  }
  for (let t = 2; t < 6; t++) {
    stream.step(t, { phase: 'peak', latencies: [[latencyMs, perSecond - errorsPerSecond]] });
    if (errorsPerSecond > 0) stream.step(t, { phase: 'peak', outcome: 'http_5xx', latencies: [[latencyMs, errorsPerSecond]] });
    stream.iterations(t, perSecond, { phase: 'peak', dropped: t === 4 ? dropped : 0 });
    REPLICAS.forEach((replica, i) => {
      const index = (t - 2) * REPLICAS.length + i; // 0…19
      stream.resource(t, { target: 'api', replica, cpuCores: 0.2 + index / 100, workingSetBytes: (200 + 5 * index) * MiB, cpuPeriods: 100, cpuThrottledPeriods: 5 });
      if (oomKillAt === t && i === 0) (stream.records.at(-1) as ResourceRecord).oomKills = 1;
    });
    stream.resource(t, { target: 'db', replica: 'db-0', cpuCores: 9, workingSetBytes: 900 * MiB });
  }
  // Straddling the end of peak, and after it.
  stream.resource(5.5, { target: 'api', replica: 'pod-0', cpuCores: 7, workingSetBytes: 900 * MiB });
  stream.resource(6, { target: 'api', replica: 'pod-0', cpuCores: 8, workingSetBytes: 900 * MiB });
  const results = stream.end(7).write(dir, `results-${streams++}.ndjson`);
  const summary = summarise(results);
  const gates = judgeRun(results, summary);
  return verificationOutcome({ results, summary, gates, recommendation, peakRps, phase: 'peak' });
}

function check(outcome: VerificationOutcome, name: string) {
  const found = outcome.checks.find((c) => c.name === name);
  assert.ok(found, `no check "${name}" among ${outcome.checks.map((c) => c.name).join(', ')}`);
  return found;
}

describe('verificationOutcome', () => {
  it('the recommendation holds: SLO checks and peak carried pass', () => {
    assert.equal(recommendation.replicas, 2);
    assert.equal(recommendation.target, 'api');
    const outcome = outcomeOf({ errorsPerSecond: 1 });
    assert.equal(outcome.sloHeld, true);
    assert.deepEqual([outcome.replicas, outcome.peakRps, outcome.durationS], [2, 100, 4]);
    assert.deepEqual(
      outcome.checks.map((c) => [c.name, c.outcome]),
      [
        ['SLO p99<=100ms', 'pass'],
        ['SLO errors<=1%', 'pass'],
        ['peak carried', 'pass'],
        ['CPU per replica (p95)', 'info'],
        ['memory per replica (peak working set)', 'info'],
        ['CPU throttled', 'info'],
      ],
    );
    assert.equal(check(outcome, 'SLO errors<=1%').observed, '1%');
    assert.equal(check(outcome, 'peak carried').observed, '100/s completed, 0 iterations dropped');
    assert.equal(check(outcome, 'peak carried').predicted, `100/s offered to 2 replicas (50/s each; capacity ${Math.round(recommendation.perReplicaCapacityRps * 10) / 10}/s each)`);
  });

  it('reads CPU and memory only from the target\'s samples taken wholly inside the peak phase', () => {
    const outcome = outcomeOf();
    // p95 by nearest rank of 0.20…0.39 (20 samples) is the 19th: 0.38. Any sample outside peak would make it ≥ 5.
    const cpuRatio = (0.38 / recommendation.sizing.cpuAtPlannedLoadCores).toFixed(2);
    assert.equal(check(outcome, 'CPU per replica (p95)').observed, `0.38 cores (20 samples; ${cpuRatio}× the prediction)`);
    // Working sets 200…295 MiB inside peak; 900 MiB outside.
    const memoryRatio = ((295 * MiB) / recommendation.memory.limit.bytes).toFixed(2);
    assert.equal(check(outcome, 'memory per replica (peak working set)').observed, `295 MiB (${memoryRatio}× the limit)`);
    assert.equal(check(outcome, 'CPU throttled').observed, '5.0% of periods');
  });

  it('ignores gates about other phases', () => {
    const outcome = outcomeOf({ extraThresholds: ['phase:ramp.p99<1ms', 'p99<1ms'] });
    assert.equal(outcome.sloHeld, true);
    assert.deepEqual(outcome.checks.filter((c) => c.name.startsWith('SLO')).map((c) => c.name), ['SLO p99<=100ms', 'SLO errors<=1%']);
  });

  it('p99 above the bound: that SLO check fails and the SLO did not hold', () => {
    const outcome = outcomeOf({ latencyMs: 150 });
    assert.equal(outcome.sloHeld, false);
    assert.equal(check(outcome, 'SLO p99<=100ms').outcome, 'fail');
    assert.equal(check(outcome, 'SLO errors<=1%').outcome, 'pass');
    assert.equal(check(outcome, 'peak carried').outcome, 'pass');
  });

  it('errors above the bound fail their check', () => {
    const outcome = outcomeOf({ errorsPerSecond: 2 });
    assert.equal(outcome.sloHeld, false);
    assert.equal(check(outcome, 'SLO errors<=1%').outcome, 'fail');
    assert.equal(check(outcome, 'SLO errors<=1%').observed, '2%');
  });

  it('less than 95% of peak carried, or any iteration dropped, fails "peak carried"', () => {
    const short = outcomeOf({ perSecond: 94 });
    assert.equal(check(short, 'peak carried').outcome, 'fail');
    assert.equal(check(short, 'peak carried').observed, '94/s completed, 0 iterations dropped');
    assert.equal(check(short, 'SLO p99<=100ms').outcome, 'pass');
    assert.equal(short.sloHeld, false);
    // 95/s is exactly 95% of peak: enough.
    assert.equal(check(outcomeOf({ perSecond: 95 }), 'peak carried').outcome, 'pass');
    // The same stream judged against a higher peak.
    assert.equal(check(outcomeOf({}, 200), 'peak carried').outcome, 'fail');
    const dropped = outcomeOf({ dropped: 1 });
    assert.equal(check(dropped, 'peak carried').outcome, 'fail');
    assert.equal(check(dropped, 'peak carried').observed, '100/s completed, 1 iterations dropped');
    assert.equal(dropped.sloHeld, false);
  });

  it('an OOM kill while peak was held fails the memory check', () => {
    const outcome = outcomeOf({ oomKillAt: 3 });
    const memory = check(outcome, 'memory per replica (peak working set)');
    assert.equal(memory.outcome, 'fail');
    assert.match(memory.observed, /, 1 OOM kills$/);
    assert.equal(check(outcome, 'SLO p99<=100ms').outcome, 'pass');
    assert.equal(outcome.sloHeld, false);
  });

  it('without a peak phase nothing was tested', () => {
    const stream = new KnownStream({ phases: ['ramp'], thresholds: THRESHOLDS });
    stream.phase(0, 'ramp', 0, 'start').step(0, { phase: 'ramp', latencies: [[10, 20]] }).phase(1, 'ramp', 0, 'end');
    const results = stream.end(1).write(dir, 'no-peak.ndjson');
    const summary = summarise(results);
    const outcome = verificationOutcome({ results, summary, gates: judgeRun(results, summary), recommendation, peakRps: 100, phase: 'peak' });
    assert.equal(outcome.sloHeld, false);
    assert.equal(outcome.durationS, 0);
    assert.equal(check(outcome, 'peak carried').observed, 'the peak phase did not run');
    assert.equal(check(outcome, 'CPU per replica (p95)').observed, 'no CPU samples');
    assert.equal(check(outcome, 'memory per replica (peak working set)').observed, 'no memory samples');
  });
});

describe('renderVerification', () => {
  it('ends with verify: PASS when the SLO held', () => {
    const text = renderVerification('api', outcomeOf());
    const lines = text.split('\n');
    assert.equal(lines[1], 'prediction vs outcome (at peak):');
    assert.ok(lines.includes('verify: PASS: the SLO held for api at 2 replicas, 100/s for 4 s'), text);
    assert.doesNotMatch(text, /verify: FAIL/);
    assert.match(text, /^PASS +SLO p99<=100ms +≤ 100 ms \(held up to/m);
    assert.match(text, /^ +CPU per replica \(p95\) /m);
  });

  it('ends with verify: FAIL when it did not', () => {
    const text = renderVerification('api', outcomeOf({ latencyMs: 150 }));
    assert.ok(text.split('\n').includes('verify: FAIL: the recommendation for api (2 replicas) did not hold at 100/s'), text);
    assert.doesNotMatch(text, /verify: PASS/);
    assert.match(text, /^FAIL +SLO p99<=100ms /m);
  });
});
