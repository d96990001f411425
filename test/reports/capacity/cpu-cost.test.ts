import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuCostModel } from '../../../reports/capacity/cpu-cost.js';
import type { LoadStepUsage } from '../../../reports/capacity/recommendation-types.js';

// CPU per request from the levels that held: the slope of mean CPU over load. A level pinned at the
// CPU quota says what the quota is, not what the requests cost, so throttled levels are left out
// while two or more free ones remain.

function step(rpsPerReplica: number, cores: number[], throttledPct = 0): LoadStepUsage {
  return { rpsPerReplica, samples: cores.map((cpuCores) => ({ replica: 'a', cpuCores, workingSetBytes: null })), throttledPct };
}

describe('cpuCostModel', () => {
  it('splits CPU into a cost per request and an idle share', () => {
    // 4 ms a request and 20 millicores idle, exactly.
    const model = cpuCostModel([step(10, [0.06, 0.06]), step(20, [0.1]), step(40, [0.17, 0.19])])!;
    assert.ok(Math.abs(model.coresPerRps - 0.004) < 1e-12, String(model.coresPerRps));
    assert.ok(Math.abs(model.idleCores - 0.02) < 1e-12, String(model.idleCores));
  });

  it('leaves out levels throttled at the quota while two free ones remain', () => {
    // A 200m quota: demand at 50 and 55/s (0.22, 0.24 cores) is held to 0.2.
    const capped = [step(10, [0.06]), step(20, [0.1]), step(50, [0.2], 60), step(55, [0.2], 100)];
    assert.ok(Math.abs(cpuCostModel(capped)!.coresPerRps - 0.004) < 1e-12);
    // With one free level only, every level is used: a flatter line is better than none.
    const mostlyCapped = [step(10, [0.06]), step(50, [0.2], 60), step(55, [0.2], 100)];
    assert.ok(cpuCostModel(mostlyCapped)!.coresPerRps < 0.004);
  });

  it('needs two distinct loads with CPU samples', () => {
    assert.equal(cpuCostModel([step(10, [0.06]), step(10, [0.07])]), null);
    assert.equal(cpuCostModel([step(10, [0.06]), step(20, [])]), null);
    assert.equal(cpuCostModel([]), null);
  });
});
