import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickWeighted, withCumulativeWeights } from '../../../scenarios/flow/weighted-pick.js';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('picks in proportion to weight; zero weight is never picked', () => {
  const items = withCumulativeWeights([
    { name: 'a', weight: 1 },
    { name: 'zero', weight: 0 },
    { name: 'b', weight: 3 },
  ]);
  const counts: Record<string, number> = { a: 0, zero: 0, b: 0 };
  const random = seeded(42);
  for (let i = 0; i < 40_000; i++) counts[pickWeighted(items, random).name]!++;
  assert.equal(counts['zero'], 0);
  const ratio = counts['b']! / counts['a']!;
  assert.ok(ratio > 2.8 && ratio < 3.2, `ratio ${ratio}`);
});

test('boundaries of random() map to the first and last items', () => {
  const items = withCumulativeWeights([{ weight: 1 }, { weight: 1 }]);
  assert.equal(pickWeighted(items, () => 0), items[0]);
  assert.equal(pickWeighted(items, () => 0.999999), items[1]);
  assert.equal(pickWeighted(items, () => 0.5), items[1]);
});

test('single item, all-zero weights, empty list', () => {
  const one = withCumulativeWeights([{ weight: 0 }]);
  assert.equal(pickWeighted(one), one[0]);
  const zeros = withCumulativeWeights([{ weight: 0 }, { weight: 0 }]);
  assert.equal(pickWeighted(zeros, () => 0.7), zeros[0]);
  assert.throws(() => pickWeighted([]), RangeError);
});
