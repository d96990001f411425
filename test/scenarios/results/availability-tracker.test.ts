// Outages from request outcomes: when they start and end, what closes them, and that verdicts wait
// until every request that could still land in a bucket has ended.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AvailabilityTracker } from '../../../scenarios/results/availability-tracker.js';

/** 100 requests per second due from `from` to `to` (s), each ok or not by `ok(t)`. */
function traffic(tracker: AvailabilityTracker, from: number, to: number, ok: (t: number) => boolean): void {
  for (let i = Math.round(from * 100); i < Math.round(to * 100); i++) tracker.request(i / 100, ok(i / 100));
}

test('an outage runs from the first failing request to the first one served again', () => {
  const tracker = new AvailabilityTracker(1000);
  tracker.faultStarted(9.9, 'faults[0] kill kv');
  traffic(tracker, 0, 20, (t) => t < 10.03 || t >= 11.52);
  const outages = tracker.finish(20);
  assert.equal(outages.length, 1);
  const [o] = outages;
  assert.equal(o!.t, 10.03);
  assert.equal(o!.end, 11.52);
  assert.equal(o!.durationS, 1.49);
  // 149 failed in all; the two due at 11.50–11.51 s share a bucket with eight served requests, which ends the outage
  assert.equal(o!.failed, 147);
  assert.equal(o!.afterFault, 'faults[0] kill kv');
});

test('a single stray failure is not an outage; a mostly-served bucket ends one', () => {
  const tracker = new AvailabilityTracker(1000);
  traffic(tracker, 0, 5, (t) => Math.abs(t - 1.5) > 0.001);
  assert.deepEqual(tracker.finish(5), []);
  const mixed = new AvailabilityTracker(1000);
  // 3.0–3.5 s: everything fails; 3.5–4 s: one request in four fails (served, if badly)
  traffic(mixed, 0, 6, (t) => !(t >= 3 && t < 3.5) && !(t >= 3.5 && t < 4 && Math.round(t * 100) % 4 === 0));
  const [o] = mixed.finish(6);
  assert.equal(o!.t, 3);
  assert.equal(o!.end, 3.5);
});

test('verdicts wait for the slowest request: nothing is judged within the timeout', () => {
  const tracker = new AvailabilityTracker(5000);
  traffic(tracker, 0, 3, (t) => t < 1 || t >= 2);
  assert.deepEqual(tracker.drain(3), [], 'requests due at 2 s may still be running until 7 s');
  const closed = tracker.drain(8);
  assert.equal(closed.length, 1);
  assert.equal(closed[0]!.t, 1);
  assert.equal(closed[0]!.end, 2);
  assert.deepEqual(tracker.finish(8), [], 'each outage is reported once');
});

test('an outage still open when the run ends closes at the end', () => {
  const tracker = new AvailabilityTracker(1000);
  traffic(tracker, 0, 4, (t) => t < 3);
  const [o] = tracker.finish(4.5);
  assert.equal(o!.t, 3);
  assert.equal(o!.end, 4.5);
  assert.equal(o!.afterFault, undefined);
});
