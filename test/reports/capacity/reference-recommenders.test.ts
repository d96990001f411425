// KRR simple and the VPA target, computed from the same samples by their documented rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { referenceRecommendations } from '../../../reports/capacity/reference-recommenders.js';
import type { UsageSample } from '../../../reports/capacity/usage-sample.js';

const MiB = 1024 * 1024;

// CPU 0.01 … 1.00 cores over 100 samples on two replicas; memory peaks 400 MiB (a) and 300 MiB (b).
const samples: UsageSample[] = Array.from({ length: 100 }, (_, i) => ({
  replica: i % 2 === 0 ? 'a' : 'b',
  cpuCores: (i + 1) / 100,
  workingSetBytes: (i % 2 === 0 ? 400 : 300) * MiB - (i < 50 ? MiB : 0),
}));

test('KRR simple: CPU p95 (interpolated), no CPU limit, memory request = limit = max × 1.15', () => {
  const { krrSimple } = referenceRecommendations(samples);
  assert.ok(Math.abs(krrSimple.cpuRequestCores! - 0.9505) < 1e-9); // numpy: 0.01 + 0.95 × 99 / 100
  assert.equal(krrSimple.cpuLimitCores, null);
  assert.equal(krrSimple.memoryRequestBytes, 400 * MiB * 1.15);
  assert.equal(krrSimple.memoryLimitBytes, krrSimple.memoryRequestBytes);
  assert.deepEqual(krrSimple.notes, []);
});

test('VPA: 1.15 × p90 of CPU samples and of per-replica memory peaks, no limits', () => {
  const { vpa } = referenceRecommendations(samples);
  assert.ok(Math.abs(vpa.cpuRequestCores! - 0.9 * 1.15) < 1e-9); // nearest rank 90 of 100
  assert.equal(vpa.memoryRequestBytes, 400 * MiB * 1.15); // p90 of two peaks is the higher one
  assert.equal(vpa.memoryLimitBytes, null);
});

test('VPA floors at 25m and 250Mi; KRR declines below 100 points', () => {
  const small: UsageSample[] = [{ replica: 'a', cpuCores: 0.005, workingSetBytes: 50 * MiB }];
  const { krrSimple, vpa } = referenceRecommendations(small);
  assert.equal(vpa.cpuRequestCores, 0.025);
  assert.equal(vpa.memoryRequestBytes, 250 * MiB);
  assert.equal(vpa.notes.length, 2);
  assert.match(krrSimple.notes[0]!, /KRR would decline: 1 CPU samples, it needs 100/);
});

test('samples without figures give no recommendation rather than a zero', () => {
  const { krrSimple, vpa } = referenceRecommendations([{ replica: 'a', cpuCores: null, workingSetBytes: null }]);
  assert.equal(krrSimple.cpuRequestCores, null);
  assert.equal(vpa.memoryRequestBytes, null);
});
