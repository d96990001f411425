// Pearson and Spearman over timeline buckets, and how the report grades what they find: a lone
// shared spike must not pass for a relation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Series } from '../../../reports/analysis/analysis-types.js';
import { correlate, correlationStrength, pearson, spearman } from '../../../reports/analysis/correlation.js';
import { mulberry32 } from '../../helpers/mulberry32.js';

function noise(seed: number, n: number): number[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, () => random());
}

const close = (actual: number | null | undefined, expected: number, what: string): void => {
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);
};

test('a perfectly linear relation has r = rho = 1 and is strong', () => {
  const xs = Array.from({ length: 20 }, (_, i) => i);
  const ys = xs.map((x) => 3 * x + 7);
  const linear = pearson(xs, ys);
  assert.equal(linear?.points, 20);
  close(linear?.r, 1, 'r');
  close(spearman(xs, ys), 1, 'rho');
  assert.equal(correlationStrength(linear!.r, 1, 20), 'strong');
});

test('an anti-correlated relation has r = rho = −1 and is strong', () => {
  const xs = Array.from({ length: 20 }, (_, i) => i);
  const ys = xs.map((x) => 100 - 2 * x);
  close(pearson(xs, ys)?.r, -1, 'r');
  close(spearman(xs, ys), -1, 'rho');
  assert.equal(correlationStrength(-1, -1, 20), 'strong');
});

test('independent seeded noise correlates weakly at most', () => {
  const xs = noise(1, 200);
  const ys = noise(2, 200);
  const r = pearson(xs, ys)!.r;
  const rho = spearman(xs, ys)!;
  assert.ok(Math.abs(r) < 0.2, `r = ${r}`);
  assert.ok(Math.abs(rho) < 0.2, `rho = ${rho}`);
  assert.ok(['none', 'weak'].includes(correlationStrength(r, rho, 200)));
});

test('nulls are skipped pairwise: only buckets where both series have a value count', () => {
  const xs: Series = [1, null, 3, 4, 5, 6, null];
  const ys: Series = [2, 100, null, 8, 10, 12, 14];
  const linear = pearson(xs, ys);
  assert.equal(linear?.points, 4, 'indices 0, 3, 4, 5');
  close(linear?.r, 1, 'r over the shared buckets (y = 2x there)');
  close(spearman(xs, ys), 1, 'rho over the shared buckets');
  assert.equal(pearson([1, null, 3], [1, 2, null]), null, 'one shared bucket is not enough');
  assert.equal(pearson([1, 2, 3, 4], [2, 4]), null, 'series of different lengths pair up to the shorter');
});

test('a constant series, or fewer than three pairs, gives null', () => {
  assert.equal(pearson([1, 2, 3, 4], [5, 5, 5, 5]), null);
  assert.equal(spearman([1, 2, 3, 4], [5, 5, 5, 5]), null);
  assert.equal(pearson([7, 7, 7], [1, 2, 3]), null);
  assert.equal(pearson([1, 2], [3, 4]), null);
  assert.equal(spearman([1, 2], [3, 4]), null);
});

test('one spike shared by two otherwise independent series fools Pearson but not the grading', () => {
  const xs = noise(3, 60);
  const ys = noise(4, 60);
  xs[30] = 100;
  ys[30] = 100;
  const r = pearson(xs, ys)!.r;
  const rho = spearman(xs, ys)!;
  assert.ok(r > 0.9, `the spike dominates r: ${r}`);
  assert.ok(Math.abs(rho) < 0.3, `ranks see one bucket among sixty: ${rho}`);
  assert.notEqual(correlationStrength(r, rho, 60), 'strong');
  assert.notEqual(correlationStrength(r, rho, 60), 'moderate');
  const [only] = correlate(ys, [{ target: 'api', replica: null, metric: 'cpuCores', values: xs }]);
  assert.equal(only?.strength, 'weak');
});

test('tied values share their average rank (hand-computed example)', () => {
  // x ranks: 10→1, the three 20s→(2+3+4)/3 = 3, 30→5; y ranks: the two 5s→1.5, 7→3, the two 9s→4.5.
  // Both rank vectors have mean 3: Σdx·dy = (−2)(−1.5) + 2·1.5 = 6, Σdx² = 8, Σdy² = 9, so rho = 6/√72 = 1/√2.
  const rho = spearman([10, 20, 20, 20, 30], [5, 5, 7, 9, 9]);
  close(rho, 1 / Math.SQRT2, 'rho with ties');
  // ties only on one side: x ranks 1, 2.5, 2.5, 4 against y ranks 1, 3, 2, 4 → 4.5/√(4.5·5) = √0.9
  close(spearman([1, 2, 2, 3], [1, 3, 2, 4]), Math.sqrt(0.9), 'rho with ties on one side');
});

test('grading: thresholds, agreement of sign, and too few points', () => {
  assert.equal(correlationStrength(0.8, 0.6, 30), 'strong');
  assert.equal(correlationStrength(0.8, 0.4, 30), 'moderate', 'rho too low for strong');
  assert.equal(correlationStrength(0.5, 0.35, 30), 'moderate');
  assert.equal(correlationStrength(0.25, 0.1, 30), 'weak');
  assert.equal(correlationStrength(0.1, 0.1, 30), 'none');
  assert.equal(correlationStrength(0.9, -0.6, 30), 'weak', 'measures that disagree on direction prove nothing');
  assert.equal(correlationStrength(0.99, 0.99, 8), 'weak', 'eight buckets are too few to call anything more');
  assert.equal(correlationStrength(-0.5, -0.4, 30), 'moderate', 'direction does not matter to strength');
});

test('correlate keeps candidates with data, strongest first', () => {
  const n = 60;
  const base = noise(5, n);
  const p99 = base.map((v) => 5 + 10 * v);
  const unrelated = noise(6, n);
  const random = mulberry32(7);
  const blurred = base.map((v) => v + 0.6 * (random() - 0.5) * 2); // related, with a lot of noise
  const candidates = [
    { target: 'db', replica: 'db-0', metric: 'workingSetBytes' as const, values: unrelated },
    { target: 'api', replica: null, metric: 'throttledPct' as const, values: blurred },
    { target: 'api', replica: 'api-1', metric: 'cpuCores' as const, values: base.map((v) => 0.2 + v) },
    { target: 'cache', replica: null, metric: 'cpuCores' as const, values: Array<number>(n).fill(0.5) },
    { target: 'gone', replica: null, metric: 'cpuCores' as const, values: [0.1, null, 0.2] },
  ];
  const found = correlate(p99, candidates);
  assert.deepEqual(
    found.map((c) => [c.target, c.metric]),
    [
      ['api', 'cpuCores'],
      ['api', 'throttledPct'],
      ['db', 'workingSetBytes'],
    ],
    'the constant series and the one with too little data are left out',
  );
  assert.deepEqual(found.slice(0, 2).map((c) => c.strength), ['strong', 'moderate']);
  assert.ok(['none', 'weak'].includes(found[2]!.strength));
  assert.equal(found[0]!.replica, 'api-1');
  assert.equal(found[0]!.points, n);
  for (let i = 1; i < found.length; i++) assert.ok(Math.abs(found[i - 1]!.r) >= Math.abs(found[i]!.r), 'within these classes |r| falls');

  // A lone spike shared with p99 (6 in a series of values in 0…1) gives the highest r of all, yet
  // sorts below a series that follows p99 everywhere but in that bucket.
  const spiky = noise(8, n);
  spiky[10] = 6;
  const p99Spiky = [...p99];
  p99Spiky[10] = 5 + 10 * 6;
  const withSpike = correlate(p99Spiky, [
    { target: 'spike', replica: null, metric: 'cpuCores', values: spiky },
    { target: 'api', replica: null, metric: 'cpuCores', values: base },
  ]);
  assert.deepEqual(withSpike.map((c) => [c.target, c.strength]), [['api', 'moderate'], ['spike', 'weak']]);
  assert.ok(withSpike[1]!.r > withSpike[0]!.r, `spike r ${withSpike[1]!.r} above the related series' ${withSpike[0]!.r}`);
});
