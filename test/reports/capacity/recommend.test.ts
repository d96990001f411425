// The recommendation rules, one at a time, on synthetic tiers whose right answer is known.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nearestRankPercentile, mean } from '../../../reports/percentile.js';
import { roundCpuCoresUp } from '../../../reports/capacity/quantity.js';
import { explainDifference, recommendTarget, type PlanInputs } from '../../../reports/capacity/recommend.js';
import { cpuValues } from '../../../reports/capacity/usage-sample.js';
import { MiB, statelessTier, steps } from './capacity-fixtures.js';

const plan: PlanInputs = { peakRps: 300, headroom: 0.3, nPlusOne: false, slo: 'p99 < 250 ms, errors < 0.1%' };

function uslKnees(gamma: number, alpha: number, beta: number, counts: number[]) {
  return counts.map((n) => ({ replicas: n, kneeRps: (gamma * n) / (1 + alpha * (n - 1) + beta * n * (n - 1)), searchSteps: 8 }));
}

describe('replicas', () => {
  it('are the smallest count whose predicted capacity covers peak × (1 + headroom)', () => {
    const r = recommendTarget(plan, statelessTier()); // needs 390 req/s at 100 per replica
    assert.equal(r.replicas, 4);
    assert.equal(r.reachesPeak, true);
    assert.ok(Math.abs(r.perReplicaCapacityRps - 100) < 1e-6);
    assert.match(r.basis.replicas, /^4 is the smallest count predicted to carry peak 300 req\/s × 1.3 headroom = 390 req\/s/);
  });

  it('add one for N+1 when losing a replica would drop below peak, and not otherwise', () => {
    const tight = recommendTarget({ ...plan, peakRps: 350, headroom: 0.1, nPlusOne: true }, statelessTier()); // 4 for 385; 3 carry 300 < 350
    assert.equal(tight.replicas, 5);
    assert.match(tight.basis.replicas, /\+1 for N\+1: losing one of 4 would leave 300 req\/s, below peak/);
    const loose = recommendTarget({ ...plan, peakRps: 320, nPlusOne: true }, statelessTier()); // 5 for 416; 4 carry 400 ≥ 320
    assert.equal(loose.replicas, 5);
    assert.match(loose.basis.replicas, /N\+1 already met/);
  });

  it('never go past the USL peak, and say when the peak cannot be reached at any count', () => {
    const evidence = statelessTier({ knees: uslKnees(100, 0.02, 0.02, [1, 2, 4, 6, 8]) }); // N* = 7, X(7) ≈ 357
    const r = recommendTarget(plan, evidence);
    assert.equal(r.replicas, 7);
    assert.equal(r.reachesPeak, false);
    assert.equal(r.confidence.level, 'low');
    assert.match(r.basis.replicas, /no replica count carries .* the most is 357 req\/s at 7 \(the USL peak\)/);
    assert.equal(r.hpa.maxReplicas, 7);
    assert.ok(Math.abs(r.scaling!.peakReplicas! - 7) < 0.05);
  });

  it('do not add the N+1 replica past the USL peak, and say so', () => {
    const evidence = statelessTier({ knees: uslKnees(100, 0.02, 0.02, [1, 2, 4, 6, 8]) });
    const r = recommendTarget({ ...plan, peakRps: 355, headroom: 0, nPlusOne: true }, evidence); // 7 carry 357; 6 carry 353 < 355
    assert.equal(r.replicas, 7);
    assert.match(r.basis.replicas, /N\+1 not added: 8 replicas would pass the USL peak/);
  });

  it('a tier that does not scale stays at one replica and gets no useful HPA range', () => {
    const raft = statelessTier({ name: 'kv', knees: [{ replicas: 1, kneeRps: 1000, searchSteps: 8 }, { replicas: 3, kneeRps: 700, searchSteps: 8 }, { replicas: 5, kneeRps: 560, searchSteps: 8 }] });
    const r = recommendTarget({ ...plan, peakRps: 400, nPlusOne: true }, raft);
    assert.equal(r.replicas, 1);
    assert.equal(r.hpa.minReplicas, 1);
    assert.equal(r.hpa.maxReplicas, 1);
    assert.match(r.scaling!.verdict, /^does not scale: 5 replicas carry less than 1/);
    assert.match(r.basis.hpa, /an HPA cannot help/);
    assert.match(r.basis.replicas, /N\+1 not added/);
    assert.match(r.basis.replicas, /any count above 1 is a fault-tolerance choice .* 1: 1000 req\/s, 3: 700 req\/s, 5: 560 req\/s/);
  });
});

describe('CPU', () => {
  it('request = p95 of the samples at the lowest step at or above the planned per-replica load, rounded up', () => {
    const evidence = statelessTier();
    const r = recommendTarget(plan, evidence); // 4 replicas → 75 req/s each → the 80 req/s step
    const step = evidence.steps.find((s) => s.rpsPerReplica === 80)!;
    const p95 = nearestRankPercentile(cpuValues(step.samples), 95)!;
    assert.equal(r.sizing.sampledRpsPerReplica, 80);
    assert.equal(r.sizing.plannedRpsPerReplica, 75);
    assert.equal(r.cpu.request.cores, roundCpuCoresUp(p95));
    assert.ok(r.cpu.request.cores >= p95);
    assert.match(r.cpu.request.quantity, /^\d+m$/);
    assert.match(r.basis.cpuRequest, /^p95 of 40 per-replica CPU samples at 80 req\/s per replica/);
  });

  it('has no limit by default; as a multiple of the request it is never below the highest sample at the knee', () => {
    assert.equal(recommendTarget(plan, statelessTier()).cpu.limit, null);
    const r = recommendTarget(plan, statelessTier(), { cpuLimit: { kind: 'multiple-of-request', multiple: 1 } });
    const knee = statelessTier().steps.at(-1)!;
    assert.ok(r.cpu.limit!.cores >= Math.max(...cpuValues(knee.samples)));
    assert.ok(r.cpu.limit!.cores > r.cpu.request.cores);
    const doubled = recommendTarget(plan, statelessTier(), { cpuLimit: { kind: 'multiple-of-request', multiple: 2 } });
    assert.equal(doubled.cpu.limit!.cores, roundCpuCoresUp(doubled.cpu.request.cores * 2));
  });

  it('falls back to the linear cost model when there are no CPU samples', () => {
    const noCpu = steps([20, 40, 60, 80, 100]).map((s) => ({ ...s, samples: s.samples.map((x) => ({ ...x, cpuCores: null })) }));
    const r = recommendTarget(plan, statelessTier({ steps: noCpu, cpuModel: { coresPerRps: 0.005, idleCores: 0.02 } }));
    assert.equal(r.cpu.request.cores, 0.395); // 0.005 × 75 + 0.02
    assert.equal(r.confidence.level, 'medium');
    assert.throws(() => recommendTarget(plan, statelessTier({ steps: noCpu })), /no CPU samples and no CPU model/);
  });
});

describe('memory', () => {
  it('request = limit = peak working set × 1.15, rounded up to 4 MiB', () => {
    const r = recommendTarget(plan, statelessTier());
    const peak = 150 * MiB + 39 * 1000; // the 100 req/s step's last sample
    assert.equal(r.sizing.peakWorkingSetBytes, peak);
    assert.equal(r.memory.request.bytes, 176 * MiB); // 172.5 MiB → 176 MiB
    assert.equal(r.memory.request.quantity, '176Mi');
    assert.deepEqual(r.memory.limit, r.memory.request);
  });
});

describe('HPA', () => {
  it('trips before the knee: target × tolerance stays below the knee’s utilisation, with the margin', () => {
    const evidence = statelessTier();
    const r = recommendTarget(plan, evidence);
    const kneeMean = mean(cpuValues(evidence.steps.at(-1)!.samples))!;
    const expected = Math.floor((100 * (kneeMean / r.cpu.request.cores) * 0.8) / 1.1);
    assert.equal(r.hpa.targetCPUUtilizationPercentage, expected);
    const tripsAtCores = (r.hpa.targetCPUUtilizationPercentage / 100) * 1.1 * r.cpu.request.cores;
    assert.ok(tripsAtCores < kneeMean * 0.81, `trips at ${tripsAtCores} cores, knee uses ${kneeMean}`);
    assert.equal(r.hpa.minReplicas, r.replicas);
    assert.equal(r.hpa.maxReplicas, 100); // linear tier: the cap
  });

  it('maxReplicas is the USL’s best whole count when the fit has a peak', () => {
    const r = recommendTarget({ ...plan, peakRps: 150 }, statelessTier({ knees: uslKnees(100, 0.02, 0.02, [1, 2, 4, 6, 8]) }));
    assert.equal(r.hpa.maxReplicas, 7);
    assert.ok(r.hpa.minReplicas < 7);
  });
});

describe('confidence', () => {
  it('is high with fine searches, a checked fit and enough samples', () => {
    const r = recommendTarget(plan, statelessTier({ knees: statelessTier().knees.concat({ replicas: 8, kneeRps: 800, searchSteps: 8 }) }));
    assert.equal(r.confidence.level, 'high');
  });

  it('is medium when scaling was assumed from one replica count', () => {
    const r = recommendTarget(plan, statelessTier({ knees: [{ replicas: 1, kneeRps: 100, searchSteps: 8 }] }));
    assert.equal(r.confidence.level, 'medium');
    assert.match(r.confidence.reasons.join('\n'), /scaling assumed linear/);
    assert.equal(r.scaling, null);
  });

  it('is low when a search took few steps or samples are few', () => {
    const coarse = recommendTarget(plan, statelessTier({ knees: [{ replicas: 1, kneeRps: 100, searchSteps: 3 }] }));
    assert.equal(coarse.confidence.level, 'low');
    assert.match(coarse.confidence.reasons.join('\n'), /only 3 steps/);
    const sparse = recommendTarget(plan, statelessTier({ steps: steps([20, 40, 60, 80, 100], 5) }));
    assert.equal(sparse.confidence.level, 'low');
    assert.match(sparse.confidence.reasons.join('\n'), /only 5 CPU samples/);
  });

  it('is low when the USL fit is poor', () => {
    const scattered = [100, 260, 150, 420, 300, 700].map((kneeRps, i) => ({ replicas: [1, 2, 3, 4, 6, 8][i]!, kneeRps, searchSteps: 8 }));
    const r = recommendTarget(plan, statelessTier({ knees: scattered }));
    assert.ok(r.scaling!.rSquared! < 0.9);
    assert.match(r.confidence.reasons.join('\n'), /the USL fit is poor/);
  });
});

describe('reference recommenders and the explanation', () => {
  it('are computed from every sample of the run and compared in words', () => {
    const r = recommendTarget(plan, statelessTier());
    assert.ok(r.reference.krrSimple.cpuRequestCores! > 0);
    assert.equal(r.reference.krrSimple.cpuLimitCores, null);
    assert.equal(r.reference.krrSimple.memoryRequestBytes, r.sizing.peakWorkingSetBytes * 1.15);
    assert.match(r.comparison, /^Ours asks 0\.\d+ cores CPU: the load each of 4 replicas carries at peak is 75 req\/s, and the SLO held up to 100 req\/s per replica, where each replica used 0\.\d+ cores on average\./);
    assert.match(r.comparison, /KRR simple would ask 0\.\d+ cores \(CPU request = p95 of 200 CPU samples/);
    assert.match(r.comparison, /VPA would ask/);
    assert.equal(explainDifference(r, r.reference), r.comparison);
  });
});
