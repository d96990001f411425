// Latency against achieved throughput: seconds pooled by throughput with exactly merged
// histograms, and the knee found against an SLO or from the shape of the curve.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ThroughputPoint } from '../../../reports/analysis/analysis-types.js';
import { findKnee, kneeVerdict, throughputCurve } from '../../../reports/analysis/throughput-curve.js';
import type { ThroughputSample } from '../../../reports/analysis/throughput-curve.js';
import { addInto, newHistogram, recordMicros } from '../../../scenarios/results/histogram.js';
import { mulberry32 } from '../../helpers/mulberry32.js';

/** A bucket whose requests all took `latencyUs`. */
function uniformSecond(rps: number, latencyUs: number, errors = 0): ThroughputSample {
  const latency = newHistogram();
  latency.recordValueWithCount(latencyUs, rps);
  return { rps, errors, requests: rps, addLatencyTo: (target) => addInto(target, latency) };
}

/** A bucket of `rps` requests with latencies drawn from `draw` (µs); the values are kept for checking. */
function randomSecond(rps: number, draw: () => number, into: number[]): ThroughputSample {
  const latency = newHistogram();
  for (let i = 0; i < rps; i++) {
    const us = draw();
    recordMicros(latency, us);
    into.push(us);
  }
  return { rps, errors: 0, requests: rps, addLatencyTo: (target) => addInto(target, latency) };
}

function histogramOf(values: readonly number[]) {
  const h = newHistogram();
  for (const v of values) recordMicros(h, v);
  return h;
}

/** Equal to HDR precision: three significant digits, so within 0.1%. */
function assertNear(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= expected * 0.001, `${what}: ${actual} ≠ ${expected}`);
}

function point(rps: number, p99: number, errorRate = 0): ThroughputPoint {
  return { rps, p50: p99 / 2, p99, errorRate, seconds: 10 };
}

test('a curve flat at 5 ms up to 800/s and steep above it has its knee at about 800/s', () => {
  const samples: ThroughputSample[] = [];
  for (let rps = 100; rps <= 1000; rps += 10) samples.push(uniformSecond(rps, rps <= 800 ? 5_000 : 5_000 + (rps - 800) * 500));
  const curve = throughputCurve(samples, {});
  assert.equal(curve.points.length, 30, '900/s of range in the default 30 bins of 30/s');
  const binWidth = 30;
  assert.equal(curve.knee?.method, 'curvature');
  assert.ok(Math.abs(curve.knee!.rps - 800) <= binWidth, `knee at ${curve.knee!.rps}/s`);
  assertNear(curve.knee!.p99Ms, 5, 'the last point of the flat part');
  assert.equal(curve.knee!.sloMs, undefined);
  assert.match(curve.knee!.note, /latency turns upward at about \d+\/s: p99 5 ms there, 105 ms at 985\/s/);
  for (let i = 1; i < curve.points.length; i++) assert.ok(curve.points[i]!.rps > curve.points[i - 1]!.rps, 'points ascend');
});

test('a flat curve has no knee, and says so', () => {
  const random = mulberry32(11);
  const samples: ThroughputSample[] = [];
  for (let rps = 100; rps <= 1000; rps += 10) samples.push(uniformSecond(rps, Math.round(5_000 + random() * 2_000)));
  const curve = throughputCurve(samples, {});
  assert.ok(curve.points.length >= 4);
  assert.equal(curve.knee, null);
  assert.match(kneeVerdict(curve.points).note, /^p99 stays between [\d.]+ and [\d.]+ ms from \d+\/s to \d+\/s: no knee$/);
});

test('a curve that rises evenly from the start has no knee; nor do fewer than four points', () => {
  const linear = [100, 200, 300, 400, 500, 600].map((rps) => point(rps, rps / 10));
  assert.equal(findKnee(linear), null);
  assert.match(kneeVerdict(linear).note, /without a clear knee/);
  const three = [point(100, 5), point(200, 5), point(300, 80)];
  assert.equal(findKnee(three), null);
  assert.match(kneeVerdict(three).note, /too few/);
});

test('with an SLO: the highest passing point below the first failure', () => {
  const points = [point(100, 50), point(200, 80), point(300, 120), point(400, 300), point(500, 200)];
  const knee = findKnee(points, 250);
  assert.deepEqual(
    { rps: knee?.rps, p99Ms: knee?.p99Ms, method: knee?.method, sloMs: knee?.sloMs },
    { rps: 300, p99Ms: 120, method: 'slo', sloMs: 250 },
    '500/s passing after 400/s failed does not count',
  );
  assert.equal(knee!.note, 'highest throughput with p99 within 250 ms and errors under 1%: 300/s (next, 400/s had p99 300 ms and 0% errors)');
});

test('with an SLO: errors of 1% or more fail a point however fast it was', () => {
  const points = [point(100, 50), point(200, 60, 0.004), point(300, 70, 0.01), point(400, 80)];
  assert.equal(findKnee(points, 250)?.rps, 200);
});

test('with an SLO: every point passing makes the highest the knee, and none passing gives a note', () => {
  const allPass = [point(100, 50), point(200, 80)];
  const knee = findKnee(allPass, 250);
  assert.equal(knee?.rps, 200);
  assert.match(knee!.note, /at every throughput measured, up to 200\/s: the limit lies higher/);

  const noneMet = [point(100, 380, 0.002), point(200, 500)];
  const verdict = kneeVerdict(noneMet, 250);
  assert.equal(verdict.knee, null);
  assert.equal(findKnee(noneMet, 250), null);
  assert.equal(verdict.note, 'p99 within 250 ms and errors under 1% not met even at the lowest throughput measured: 100/s had p99 380 ms and 0.2% errors');
  assert.equal(throughputCurve([uniformSecond(100, 400_000), uniformSecond(101, 400_000)], { p99SloMs: 250 }).knee, null);
});

test('pooling merges the seconds\' histograms exactly', () => {
  const random = mulberry32(21);
  const slow: number[] = [];
  const fast: number[] = [];
  const samples: ThroughputSample[] = [];
  for (let i = 0; i < 15; i++) {
    // heavy-tailed latencies, so p99 is decided by a handful of requests from a few seconds
    samples.push(randomSecond(100 + (i % 3), () => 1_000 + 200_000 * random() ** 8, fast));
    samples.push(randomSecond(1_000 + (i % 5), () => 3_000 + 900_000 * random() ** 12, slow));
  }
  const { points } = throughputCurve(samples, {});
  assert.equal(points.length, 2);
  for (const [p, values] of [[points[0]!, fast], [points[1]!, slow]] as const) {
    const all = histogramOf(values);
    assert.equal(p.seconds, 15);
    assert.equal(p.p99, all.getValueAtPercentile(99) / 1000);
    assert.equal(p.p50, all.getValueAtPercentile(50) / 1000);
  }
  assert.equal(points[0]!.rps, (5 * 100 + 5 * 101 + 5 * 102) / 15, 'the mean throughput of its seconds');
});

test('a steady run whose throughput wobbles by a percent is one point', () => {
  const values: number[] = [];
  const random = mulberry32(31);
  const samples = Array.from({ length: 20 }, (_, i) => randomSecond(990 + (i % 7) * 3, () => 2_000 + 50_000 * random() ** 6, values));
  const { points, knee } = throughputCurve(samples, {});
  assert.equal(points.length, 1);
  assert.equal(points[0]!.p99, histogramOf(values).getValueAtPercentile(99) / 1000);
  assert.equal(knee, null);
});

test('an odd single second joins the nearer neighbour instead of standing alone', () => {
  const samples = [
    ...Array.from({ length: 10 }, () => uniformSecond(100, 2_000)),
    ...Array.from({ length: 10 }, () => uniformSecond(500, 4_000, 5)),
    uniformSecond(400, 90_000, 4),
  ];
  const { points } = throughputCurve(samples, {});
  assert.deepEqual(points.map((p) => p.seconds), [10, 11]);
  assert.equal(points[1]!.rps, (10 * 500 + 400) / 11);
  assert.equal(points[1]!.errorRate, (10 * 5 + 4) / (10 * 500 + 400), 'errors over requests of the pooled seconds');
  assertNear(points[1]!.p99, 90, 'its slow requests are in the pooled histogram: 400 of 5400 is over 1%');
  assertNear(points[0]!.p99, 2, 'the 100/s point');
});

test('buckets without requests are ignored; no requests at all is an empty curve', () => {
  const idle: ThroughputSample = { rps: 0, errors: 0, requests: 0, addLatencyTo: () => {} };
  const { points } = throughputCurve([idle, uniformSecond(200, 3_000), uniformSecond(201, 3_000), idle], {});
  assert.equal(points.length, 1);
  assert.equal(points[0]!.seconds, 2);
  assert.deepEqual(throughputCurve([idle], { p99SloMs: 100 }), { points: [], knee: null, note: 'no requests completed: no throughput curve' });
  assert.match(kneeVerdict([], 100).note, /no requests completed/);
});

test('maxPoints bounds the number of points', () => {
  const samples: ThroughputSample[] = [];
  for (let rps = 10; rps <= 2_000; rps += 5) samples.push(uniformSecond(rps, 1_000 + rps));
  assert.equal(throughputCurve(samples, { maxPoints: 12 }).points.length, 12);
  assert.equal(throughputCurve(samples, {}).points.length, 30);
});
