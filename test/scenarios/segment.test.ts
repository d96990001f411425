import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConstantArrivalRate } from '../../scenarios/executors/constant-arrival-rate.js';
import { ConstantVus } from '../../scenarios/executors/constant-vus.js';
import { createExecutor, segmentProblem } from '../../scenarios/executors/create-executor.js';
import { RampingArrivalRate, rampOffsetMs } from '../../scenarios/executors/ramping-arrival-rate.js';
import { RampingVus, targetVus } from '../../scenarios/executors/ramping-vus.js';
import { createFeeder } from '../../scenarios/language/feeders.js';
import type { FeederSpec, PhaseSpec } from '../../scenarios/model.js';
import { globalIndex, ownsVu, parseSegment, segmentSchedule, vuShare, type Segment } from '../../scenarios/segment.js';
import { parseStartTime } from '../../scenarios/start-time.js';
import { recordingContext } from './recording-context.js';

// Execution segments: N workers' shares of a phase add up to the whole at every instant, interleave
// instead of bunching, and never hand one unique row to two workers.

const segments = (count: number): Segment[] => Array.from({ length: count }, (_, index) => ({ index, count }));

/** Iterations due per 100 ms window of a schedule, up to `durationMs`. */
function perWindow(offsets: number[], durationMs: number): number[] {
  const counts = new Array<number>(Math.ceil(durationMs / 100)).fill(0);
  for (const offset of offsets) counts[Math.floor(offset / 100)]!++;
  return counts;
}

async function launchedOffsets(phase: PhaseSpec, segment: Segment): Promise<number[]> {
  const rec = recordingContext(1);
  await createExecutor(phase, segment).run(rec.context);
  // To the microsecond: each offset is (phase start + due) − phase start in floating point.
  return rec.launches.map((l) => Math.round(l.offsetMs * 1000) / 1000);
}

describe('segments of an arrival schedule', () => {
  const phases: PhaseSpec[] = [
    { name: 'constant', executor: 'constant-arrival-rate', rate: 300, durationMs: 400, maxInFlight: 10_000 },
    { name: 'ramp', executor: 'ramping-arrival-rate', from: 50, to: 700, durationMs: 400, maxInFlight: 10_000 },
  ];
  for (const phase of phases) {
    for (const count of [2, 3, 8]) {
      it(`${phase.executor}: ${count} segments add up to the whole, window by window, each within one iteration of its share`, async () => {
        const whole = await launchedOffsets(phase, { index: 0, count: 1 });
        const shares = await Promise.all(segments(count).map((s) => launchedOffsets(phase, s)));
        // Exactly the same due times: a partition of the whole schedule.
        assert.deepEqual(shares.flat().sort((a, b) => a - b), whole);
        const wholeWindows = perWindow(whole, phase.durationMs);
        const shareWindows = shares.map((offsets) => perWindow(offsets, phase.durationMs));
        wholeWindows.forEach((n, w) => {
          assert.equal(shareWindows.reduce((sum, s) => sum + s[w]!, 0), n, `window ${w}`);
          // Interleaved, not bunched: every worker has its share of every window, give or take one.
          for (const s of shareWindows) assert.ok(Math.abs(s[w]! - n / count) <= 1, `window ${w}: ${s[w]} of ${n} for one of ${count}`);
        });
      });
    }
  }

  it('a segment\'s j-th iteration is the whole schedule\'s (jN + i)-th', () => {
    const offset = (i: number): number => rampOffsetMs(i, 10, 100, 10_000);
    const third = segmentSchedule(offset, { index: 2, count: 5 });
    for (const j of [0, 1, 7, 40]) assert.equal(third(j), offset(j * 5 + 2));
    assert.equal(globalIndex(3, { index: 2, count: 5 }), 17);
  });

  it('the executors take the segment through their constructors too', async () => {
    const rec = recordingContext(1);
    await new ConstantArrivalRate({ name: 'p', executor: 'constant-arrival-rate', rate: 100, durationMs: 200, maxInFlight: 100 }, { index: 1, count: 4 }).run(rec.context);
    assert.deepEqual(rec.launches.map((l) => Math.round(l.offsetMs * 1000) / 1000), [10, 50, 90, 130, 170]);
    const ramp = recordingContext(1);
    await new RampingArrivalRate({ name: 'p', executor: 'ramping-arrival-rate', from: 100, to: 100, durationMs: 100, maxInFlight: 100 }, { index: 0, count: 2 }).run(ramp.context);
    assert.deepEqual(ramp.launches.map((l) => Math.round(l.offsetMs)), [0, 20, 40, 60, 80]);
  });
});

describe('segments of the closed model', () => {
  it('constant-vus: the users of N workers add up to the phase\'s, none run twice', async () => {
    for (const count of [2, 3, 7]) {
      const owned = await Promise.all(
        segments(count).map(async (segment) => {
          const rec = recordingContext(20);
          await new ConstantVus({ name: 'p', executor: 'constant-vus', vus: 10, durationMs: 60 }, segment).run(rec.context);
          assert.equal(rec.vus[0], vuShare(10, segment));
          return [...new Set(rec.launches.map((l) => l.vu))];
        }),
      );
      assert.deepEqual(owned.flat().sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], `${count} workers`);
    }
  });

  it('ramping-vus: at every instant the workers\' users add up to the target', () => {
    for (const count of [2, 3, 8]) {
      for (let ms = 0; ms <= 10_000; ms += 100) {
        const target = targetVus(ms, 0, 37, 10_000);
        const sum = segments(count).reduce((total, s) => total + vuShare(target, s), 0);
        assert.equal(sum, target, `${count} workers at ${ms} ms`);
        for (let vu = 1; vu <= target; vu++) assert.equal(segments(count).filter((s) => ownsVu(vu, s)).length, 1);
      }
    }
  });

  it('ramping-vus runs only this worker\'s users', async () => {
    const rec = recordingContext(30);
    await new RampingVus({ name: 'p', executor: 'ramping-vus', from: 6, to: 6, durationMs: 150 }, { index: 1, count: 3 }).run(rec.context);
    assert.deepEqual([...new Set(rec.launches.map((l) => l.vu))].sort(), [2, 5]);
    assert.ok(rec.vus.every((n) => n <= 2));
  });
});

describe('segments of the data', () => {
  const rows = Array.from({ length: 10 }, (_, i) => ({ id: i }));
  const spec = (order: FeederSpec['order']): FeederSpec => ({ name: 'users', file: 'users.csv', order, rows });

  it('unique rows are never used by two workers, and all are used', () => {
    for (const count of [2, 3, 4]) {
      const used = segments(count).map((segment) => {
        const feeder = createFeeder(spec('unique'), Math.random, segment);
        const got: number[] = [];
        for (let row = feeder.next(); row !== undefined; row = feeder.next()) got.push(row.id as number);
        return got;
      });
      assert.deepEqual(used.flat().sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], `${count} workers`);
    }
  });

  it('a sequential feeder gives each iteration the row a single generator would', () => {
    const whole = createFeeder(spec('sequential'), Math.random);
    const expected = Array.from({ length: 25 }, () => whole.next()!.id);
    const feeder = createFeeder(spec('sequential'), Math.random, { index: 2, count: 3 });
    const got = Array.from({ length: 8 }, () => feeder.next()!.id);
    assert.deepEqual(got, [2, 5, 8, 11, 14, 17, 20, 23].map((i) => expected[i]));
  });
});

describe('segment and start-time parsing', () => {
  it('reads i/N, refusing what cannot be a share', () => {
    assert.deepEqual(parseSegment('2/8'), { index: 2, count: 8 });
    assert.deepEqual(parseSegment(' 0 / 1 '), { index: 0, count: 1 });
    for (const bad of ['8/8', '1/0', '-1/4', '1', 'a/b', '1/2/3']) assert.throws(() => parseSegment(bad), /a share such as 0\/4/, bad);
  });

  it('reads ISO times, epoch milliseconds and +seconds', () => {
    assert.equal(parseStartTime('2030-01-01T00:00:00Z'), Date.UTC(2030, 0, 1));
    assert.equal(parseStartTime('1893456000000'), 1893456000000);
    assert.equal(parseStartTime('+30s', 1000), 31_000);
    assert.throws(() => parseStartTime('soon'), /expected a start time/);
  });

  it('refuses to split a capacity search', () => {
    const search: PhaseSpec = {
      name: 'find', executor: 'capacity-search', durationMs: 1, from: 1, to: 2, ladder: { kind: 'step', step: 1 }, levelMs: 1, warmupMs: 0, refine: 0, slo: { latency: [], maxErrorRate: 0.01 }, maxInFlight: 1,
    };
    assert.match(segmentProblem([search], { index: 0, count: 2 }) ?? '', /phase find is a capacity-search/);
    assert.equal(segmentProblem([search], { index: 0, count: 1 }), undefined);
  });
});
