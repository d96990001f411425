import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConstantArrivalRate } from '../../scenarios/executors/constant-arrival-rate.js';
import { ConstantVus } from '../../scenarios/executors/constant-vus.js';
import { RampingArrivalRate, rampOffsetMs } from '../../scenarios/executors/ramping-arrival-rate.js';
import { RampingVus, targetVus } from '../../scenarios/executors/ramping-vus.js';
import { recordingContext } from './recording-context.js';

describe('constant-arrival-rate', () => {
  it('starts rate × duration iterations, each due at i / rate', async () => {
    const rec = recordingContext(2);
    await new ConstantArrivalRate({ name: 'p', executor: 'constant-arrival-rate', rate: 200, durationMs: 500, maxInFlight: 1000 }).run(rec.context);
    assert.equal(rec.launches.length, 100);
    rec.launches.forEach((launch, i) => assert.ok(Math.abs(launch.offsetMs - i * 5) < 1e-9, `iteration ${i} due at ${launch.offsetMs}`));
    assert.deepEqual(rec.drops, []);
  });

  it('drops iterations that would exceed maxInFlight, and counts them', async () => {
    const rec = recordingContext(10_000);
    await new ConstantArrivalRate({ name: 'p', executor: 'constant-arrival-rate', rate: 100, durationMs: 300, maxInFlight: 5 }).run(rec.context);
    assert.equal(rec.launches.length, 5);
    assert.equal(rec.drops.length, 25);
    assert.ok(rec.drops.every((d) => d === 'max_in_flight'));
  });

  it('stops scheduling as soon as the run is asked to stop', async () => {
    const rec = recordingContext(1);
    const running = new ConstantArrivalRate({ name: 'p', executor: 'constant-arrival-rate', rate: 10, durationMs: 60_000, maxInFlight: 10 }).run(rec.context);
    setTimeout(() => rec.requestStop(), 150);
    await running;
    assert.ok(rec.launches.length >= 1 && rec.launches.length <= 3, `${rec.launches.length} launches`);
  });
});

describe('ramping-arrival-rate', () => {
  it('is due where the area under the rate line reaches i', () => {
    // from 0 to 100/s over 10 s: N(t) = 5 t², so iteration 500 (the last) is due at 10 s
    assert.equal(rampOffsetMs(0, 0, 100, 10_000), 0);
    assert.ok(Math.abs(rampOffsetMs(500, 0, 100, 10_000) - 10_000) < 1e-6);
    assert.ok(Math.abs(rampOffsetMs(125, 0, 100, 10_000) - 5_000) < 1e-6);
    // a flat ramp is a constant rate
    assert.ok(Math.abs(rampOffsetMs(37, 50, 50, 1_000) - 740) < 1e-9);
    // ramping down from 100 to 0 over 2 s: 100 iterations in all, none after
    assert.ok(Math.abs(rampOffsetMs(100, 100, 0, 2_000) - 2_000) < 1e-6);
    assert.equal(rampOffsetMs(101, 100, 0, 2_000), Infinity);
  });

  it('starts the integral of the rate over the phase', async () => {
    const rec = recordingContext(1);
    await new RampingArrivalRate({ name: 'p', executor: 'ramping-arrival-rate', from: 100, to: 300, durationMs: 500, maxInFlight: 1000 }).run(rec.context);
    // (100 + 300) / 2 per second × 0.5 s = 100
    assert.equal(rec.launches.length, 100);
    const gaps = rec.launches.slice(1).map((l, i) => l.offsetMs - rec.launches[i]!.offsetMs);
    assert.ok(gaps[0]! > gaps[gaps.length - 1]!, 'arrivals get closer together as the rate rises');
  });
});

describe('constant-vus', () => {
  it('keeps exactly `vus` iterations running back to back for the duration', async () => {
    const rec = recordingContext(20);
    await new ConstantVus({ name: 'p', executor: 'constant-vus', vus: 4, durationMs: 300 }).run(rec.context);
    assert.equal(rec.maxConcurrent(), 4);
    assert.deepEqual(new Set(rec.launches.map((l) => l.vu)), new Set([1, 2, 3, 4]));
    // each VU fits about 300 / 20 = 15 iterations; timers only ever run late, so never more
    assert.ok(rec.launches.length <= 4 * 16 && rec.launches.length >= 4 * 5, `${rec.launches.length} iterations`);
    assert.equal(rec.vus.at(-1), 0);
  });
});

describe('ramping-vus', () => {
  it('computes the target count linearly', () => {
    assert.equal(targetVus(0, 0, 10, 1000), 0);
    assert.equal(targetVus(500, 0, 10, 1000), 5);
    assert.equal(targetVus(1000, 0, 10, 1000), 10);
    assert.equal(targetVus(2000, 10, 2, 1000), 2);
  });

  it('adds users as the target rises', async () => {
    const rec = recordingContext(10);
    await new RampingVus({ name: 'p', executor: 'ramping-vus', from: 1, to: 6, durationMs: 600 }).run(rec.context);
    const firstSeen = new Map<number, number>();
    for (const launch of rec.launches) if (!firstSeen.has(launch.vu)) firstSeen.set(launch.vu, launch.offsetMs);
    assert.ok(firstSeen.has(1) && firstSeen.has(5), `users seen: ${[...firstSeen.keys()].join(',')}`);
    assert.ok(firstSeen.get(1)! < firstSeen.get(5)!, 'user 5 joins after user 1');
    assert.ok(rec.maxConcurrent() <= 6);
  });
});
