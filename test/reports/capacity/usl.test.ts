// The USL fit recovers known coefficients from synthetic knees, keeps α and β non-negative, fits
// fewer parameters when fewer replica counts were measured, and says in words what the curve means.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bestWholeReplicas, fitUsl, scalingVerdict, type UslPoint } from '../../../reports/capacity/usl.js';
import { seededRandom, withNoise } from './seeded-random.js';

function usl(gamma: number, alpha: number, beta: number, n: number): number {
  return (gamma * n) / (1 + alpha * (n - 1) + beta * n * (n - 1));
}

function synthetic(gamma: number, alpha: number, beta: number, counts: number[], noise = 0, seed = 1): UslPoint[] {
  const random = seededRandom(seed);
  return counts.map((replicas) => ({ replicas, throughput: withNoise(usl(gamma, alpha, beta, replicas), noise, random) }));
}

describe('fitUsl', () => {
  it('recovers γ, α and β exactly from noiseless data', () => {
    const fit = fitUsl(synthetic(1000, 0.05, 0.002, [1, 2, 4, 8, 12, 16, 24, 32]));
    assert.ok(Math.abs(fit.gamma - 1000) < 0.5, `γ ${fit.gamma}`);
    assert.ok(Math.abs(fit.alpha - 0.05) < 1e-4, `α ${fit.alpha}`);
    assert.ok(Math.abs(fit.beta - 0.002) < 1e-6, `β ${fit.beta}`);
    assert.ok(fit.rSquared! > 0.999999);
    assert.equal(fit.parametersFitted, 3);
    // N* = sqrt((1 − 0.05) / 0.002) ≈ 21.79
    assert.ok(Math.abs(fit.peakReplicas! - Math.sqrt(0.95 / 0.002)) < 0.05, `N* ${fit.peakReplicas}`);
  });

  it('recovers the coefficients within tolerance from data with ±3% seeded noise', () => {
    const counts = [1, 1, 2, 2, 4, 4, 8, 8, 12, 12, 16, 16, 24, 24, 32, 32];
    for (const seed of [1, 2, 3]) {
      const fit = fitUsl(synthetic(500, 0.08, 0.001, counts, 0.03, seed));
      assert.ok(Math.abs(fit.gamma - 500) / 500 < 0.05, `seed ${seed}: γ ${fit.gamma}`);
      assert.ok(Math.abs(fit.alpha - 0.08) < 0.03, `seed ${seed}: α ${fit.alpha}`);
      assert.ok(Math.abs(fit.beta - 0.001) < 0.0005, `seed ${seed}: β ${fit.beta}`);
      assert.ok(fit.rSquared! > 0.95, `seed ${seed}: R² ${fit.rSquared}`);
    }
  });

  it('finds a linear tier linear: α and β near zero, no peak', () => {
    const fit = fitUsl(synthetic(200, 0, 0, [1, 2, 3, 4, 6, 8]));
    assert.ok(fit.alpha < 1e-6 && fit.beta < 1e-8, `α ${fit.alpha} β ${fit.beta}`);
    assert.equal(fit.peakReplicas, null);
    assert.ok(Math.abs(fit.predicted(10) - 2000) < 0.01);
    assert.match(scalingVerdict(fit), /^scales nearly linearly \(α 0\.000, β 0\.000\)/);
  });

  it('a noisy linear tier is still called nearly linear', () => {
    const fit = fitUsl(synthetic(200, 0.01, 0, [1, 2, 4, 8], 0.02, 7));
    assert.ok(fit.alpha >= 0 && fit.beta >= 0);
    assert.match(scalingVerdict(fit), /^scales nearly linearly/);
  });

  it('a retrograde tier has a peak, and the verdict says adding replicas past it lowers throughput', () => {
    const fit = fitUsl(synthetic(100, 0.02, 0.02, [1, 2, 3, 4, 6, 8, 10, 12]));
    assert.ok(Math.abs(fit.peakReplicas! - 7) < 0.05, `N* ${fit.peakReplicas}`); // sqrt(0.98 / 0.02) = 7
    assert.equal(bestWholeReplicas(fit, 100), 7);
    assert.ok(fit.predicted(12) < fit.predicted(7));
    assert.match(scalingVerdict(fit), /^adding replicas beyond N\* ≈ 7\.0 lowers throughput \(β 0\.020/);
  });

  it('contention without crosstalk: throughput flattens towards γ/α, no peak', () => {
    const fit = fitUsl(synthetic(100, 0.3, 0, [1, 2, 4, 8, 16]));
    assert.equal(fit.peakReplicas, null);
    assert.ok(Math.abs(fit.alpha - 0.3) < 1e-4);
    assert.match(scalingVerdict(fit), /^contention limits it \(α 0\.300, β 0\.000\).*γ\/α ≈ 333 req\/s/);
  });

  it('with one point fits γ alone and predicts linear scaling', () => {
    const fit = fitUsl([{ replicas: 2, throughput: 300 }]);
    assert.equal(fit.gamma, 150);
    assert.equal(fit.alpha, 0);
    assert.equal(fit.beta, 0);
    assert.equal(fit.parametersFitted, 1);
    assert.equal(fit.rSquared, null);
    assert.equal(fit.predicted(4), 600);
    assert.match(scalingVerdict(fit), /^scaling unknown: only 2 replicas measured/);
  });

  it('with two replica counts fits γ and α, β held at zero', () => {
    // X(1) = 100, X(4) = 4·100/(1 + 3α) = 250 → α = 0.2
    const fit = fitUsl([{ replicas: 1, throughput: 100 }, { replicas: 4, throughput: 250 }]);
    assert.equal(fit.parametersFitted, 2);
    assert.equal(fit.beta, 0);
    assert.ok(Math.abs(fit.alpha - 0.2) < 1e-6, `α ${fit.alpha}`);
    assert.ok(Math.abs(fit.gamma - 100) < 1e-3);
    assert.equal(fit.degreesOfFreedom, 0);
  });

  it('throughput that falls with N: a tier that does not scale, peak at one replica', () => {
    // A Raft cluster: each write waits for a majority, so 3 and 5 voters commit fewer writes than 1.
    const fit = fitUsl([{ replicas: 1, throughput: 1000 }, { replicas: 3, throughput: 700 }, { replicas: 5, throughput: 560 }]);
    assert.ok(fit.alpha >= 0 && fit.beta >= 0);
    assert.ok(fit.predicted(3) < fit.predicted(1));
    assert.equal(fit.peakReplicas, 1);
    assert.equal(bestWholeReplicas(fit, 10), 1);
    assert.match(scalingVerdict(fit), /^does not scale: 5 replicas carry less than 1 \(/);
  });

  it('never returns negative coefficients, even for super-linear data', () => {
    const fit = fitUsl([{ replicas: 1, throughput: 100 }, { replicas: 2, throughput: 230 }, { replicas: 4, throughput: 480 }]);
    assert.equal(fit.alpha, 0);
    assert.equal(fit.beta, 0);
  });

  it('rejects empty input and impossible points', () => {
    assert.throws(() => fitUsl([]), RangeError);
    assert.throws(() => fitUsl([{ replicas: 0, throughput: 10 }]), RangeError);
    assert.throws(() => fitUsl([{ replicas: 1, throughput: Number.NaN }]), RangeError);
  });
});
