// Quantities are rounded up, never down, and written the way a manifest would write them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuQuantity, memoryQuantity, roundCpuCoresUp, roundMemoryBytesUp } from '../../../reports/capacity/quantity.js';

const MiB = 1024 * 1024;

test('CPU rounds up to millicores, to 5m steps above 100m', () => {
  assert.equal(roundCpuCoresUp(0.0421), 0.043);
  assert.equal(roundCpuCoresUp(0.4213), 0.425);
  assert.equal(roundCpuCoresUp(0.25), 0.25);
  assert.equal(roundCpuCoresUp(0), 0.001);
  assert.equal(cpuQuantity(0.425), '425m');
  assert.equal(cpuQuantity(2), '2');
});

test('memory rounds up to 4Mi below 1Gi and 64Mi above', () => {
  assert.equal(roundMemoryBytesUp(253 * MiB), 256 * MiB);
  assert.equal(roundMemoryBytesUp(256 * MiB), 256 * MiB);
  assert.equal(roundMemoryBytesUp(1100 * MiB), 1152 * MiB);
  assert.equal(memoryQuantity(256 * MiB), '256Mi');
  assert.equal(memoryQuantity(2048 * MiB), '2Gi');
  assert.equal(memoryQuantity(1500000), '1500000');
});
