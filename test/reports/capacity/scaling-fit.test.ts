// Which scaling model the knees support: linear when one per-replica capacity fits inside every
// knee's bracket (widened by the tolerance), the USL otherwise.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KneeMeasurement } from '../../../reports/capacity/recommendation-types.js';
import { BRACKET_TOLERANCE, scalingFit } from '../../../reports/capacity/scaling-fit.js';

function knee(replicas: number, kneeRps: number, failedRps?: number | null): KneeMeasurement {
  return { replicas, kneeRps, searchSteps: 8, ...(failedRps === undefined ? {} : { failedRps }) };
}

function usl(gamma: number, alpha: number, beta: number, n: number): number {
  return (gamma * n) / (1 + alpha * (n - 1) + beta * n * (n - 1));
}

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected} ± ${tolerance}`);
}

describe('scalingFit', () => {
  it('the tolerance is 5%', () => {
    assert.equal(BRACKET_TOLERANCE, 0.05);
  });

  it('calls knees linear when one per-replica capacity fits every bracket, and fits γ alone', () => {
    // Per replica: [57.5, 61.25) at 1 and [53.75, 57.5) at 2; widened by 5% they share [54.625, 60.375].
    const { fit, linearWithinResolution } = scalingFit([knee(1, 57.5, 61.25), knee(2, 107.5, 115)]);
    assert.equal(linearWithinResolution, true);
    assert.equal(fit.alpha, 0);
    assert.equal(fit.beta, 0);
    // γ = Σ N·X / Σ N² = (57.5 + 215) / 5
    const gamma = (1 * 57.5 + 2 * 107.5) / (1 + 4);
    close(fit.gamma, gamma, 1e-9, 'γ');
    close(fit.predicted(5), 5 * gamma, 1e-9, 'X(5)');
    assert.equal(fit.peakReplicas, null);
    assert.equal(fit.parametersFitted, 1);
  });

  it('does not call knees linear when a search never found its failing rate', () => {
    const { fit, linearWithinResolution } = scalingFit([knee(1, 57.5), knee(2, 107.5)]);
    assert.equal(linearWithinResolution, false);
    assert.equal(fit.parametersFitted, 2);
    assert.ok(fit.alpha > 0, `α ${fit.alpha}`);
    // Two points, two parameters: the curve passes through both; 107.5 = 2·57.5 / (1 + α).
    close(fit.alpha, 115 / 107.5 - 1, 1e-3, 'α');
    assert.equal(fit.beta, 0);
    // One bracket known and one not is still not enough.
    assert.equal(scalingFit([knee(1, 57.5, 61.25), knee(2, 107.5, null)]).linearWithinResolution, false);
  });

  it('widens the brackets by exactly the tolerance', () => {
    // [100, 105) and [110, 115) per replica: apart, but 105·1.05 = 110.25 ≥ 110·0.95 = 104.5.
    assert.equal(scalingFit([knee(1, 100, 105), knee(2, 220, 230)]).linearWithinResolution, true);
    // [120, 125) at 2: 120·0.95 = 114 > 110.25.
    assert.equal(scalingFit([knee(1, 100, 105), knee(2, 240, 250)]).linearWithinResolution, false);
  });

  it('a Raft-like tier that loses throughput with more nodes is not linear and predicts less at 3', () => {
    const { fit, linearWithinResolution } = scalingFit([knee(1, 1000, 1100), knee(3, 700, 770)]);
    assert.equal(linearWithinResolution, false);
    assert.ok(fit.predicted(3) < fit.predicted(1), `X(3) ${fit.predicted(3)} ≥ X(1) ${fit.predicted(1)}`);
    close(fit.predicted(1), 1000, 1, 'X(1)');
    close(fit.predicted(3), 700, 1, 'X(3)');
    // 700 = 3·1000 / (1 + 2α)
    close(fit.alpha, (3000 / 700 - 1) / 2, 1e-3, 'α');
  });

  it('recovers α and β from knees of a known USL, bracketed ±2%', () => {
    const [gamma, alpha, beta] = [100, 0.05, 0.001];
    const knees = [1, 2, 4, 8].map((n) => knee(n, usl(gamma, alpha, beta, n) * 0.98, usl(gamma, alpha, beta, n) * 1.02));
    const { fit, linearWithinResolution } = scalingFit(knees);
    assert.equal(linearWithinResolution, false);
    assert.equal(fit.parametersFitted, 3);
    close(fit.alpha, alpha, alpha * 0.1, 'α');
    close(fit.beta, beta, beta * 0.1, 'β');
    close(fit.gamma, gamma * 0.98, gamma * 0.98 * 0.1, 'γ');
  });

  it('with a single replica count fits γ alone and does not call it linear', () => {
    // Documented: linearity is only asked with knees at two or more counts; fitUsl with one count fits only γ.
    const { fit, linearWithinResolution } = scalingFit([knee(2, 107.5, 115)]);
    assert.equal(linearWithinResolution, false);
    assert.equal(fit.parametersFitted, 1);
    assert.equal(fit.alpha, 0);
    assert.equal(fit.beta, 0);
    close(fit.gamma, 53.75, 1e-9, 'γ');
    close(fit.predicted(4), 215, 1e-9, 'X(4)');
    assert.equal(fit.degreesOfFreedom, 0);
  });
});
