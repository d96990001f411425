import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scenarioAtReplicas, sloThresholds, VERIFY_PHASE, verificationScenario } from '../../../scenarios/capacity/scenario-variants.js';
import { loadScenario } from '../../../scenarios/language/load-scenario.js';
import { parseThreshold } from '../../../scenarios/language/threshold-expression.js';
import type { CapacityPlanSpec, Scenario } from '../../../scenarios/model.js';
import { tempDir } from '../load-helpers.js';

// The scenarios a capacity plan runs besides the one written: the sized target at another replica
// count, and the verification run. Each is a copy: the loaded scenario must come out unchanged.

const COMMAND = `name: t
target: api
targets:
  api: { command: [node, x.js], replicas: 1, resources: { requests: { cpu: 250m, memory: 128Mi } } }
  other: { command: [node, y.js], replicas: 2 }
flows: [ { steps: [ { request: { url: / } } ] } ]
phases:
  - { name: warm, executor: constant-arrival-rate, rate: 10, duration: 5s }
  - { name: step, executor: capacity-search, from: 50, to: 400, step: 50, slo: { p99: 100ms } }
  - { name: factor, executor: capacity-search, from: 20, to: 640, factor: 2, slo: { p99: 100ms } }
thresholds: [ "p99<500ms" ]
faults:
  - { at: 1s, kill: api, for: 1s }
capacity: { peak: 150/s, slo: { p99: 100ms, errors: 1% } }
`;

const RAFT = `name: r
target: kv
targets: { kv: { fixture: raft, nodes: 3 } }
flows: [ { steps: [ { request: { url: / } } ] } ]
phases:
  - { name: search, executor: capacity-search, from: 100, to: 800, step: 100, slo: { p99: 50ms } }
`;

async function load(yaml: string): Promise<Scenario> {
  const dir = tempDir({ 'scenario.yaml': yaml });
  try {
    return await loadScenario(join(dir, 'scenario.yaml'), { env: {} });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const snapshot = (s: Scenario): string => JSON.stringify(s);

describe('scenarioAtReplicas', () => {
  it('sets a command target\'s replicas and scales every search\'s step ladder, leaving the rest', async () => {
    const scenario = await load(COMMAND);
    const before = snapshot(scenario);
    const variant = scenarioAtReplicas(scenario, 'api', 4, 4);
    assert.equal(snapshot(scenario), before, 'the input scenario was changed');

    const api = variant.environment.targets.api!;
    assert.ok(api.kind === 'command');
    assert.equal(api.replicas, 4);
    assert.deepEqual({ ...api, replicas: 1 }, scenario.environment.targets.api);
    assert.deepEqual(variant.environment.targets.other, scenario.environment.targets.other);

    const [warm, step, factor] = variant.phases;
    assert.deepEqual(warm, scenario.phases[0]);
    assert.ok(step?.executor === 'capacity-search' && factor?.executor === 'capacity-search');
    assert.deepEqual([step.from, step.to, step.ladder], [200, 1600, { kind: 'step', step: 200 }]);
    assert.deepEqual([factor.from, factor.to, factor.ladder], [80, 2560, { kind: 'factor', factor: 2 }]);
    // Everything else of the searches is kept.
    const original = scenario.phases[1]!;
    assert.ok(original.executor === 'capacity-search');
    assert.deepEqual([step.slo, step.levelMs, step.warmupMs, step.refine, step.name], [original.slo, original.levelMs, original.warmupMs, original.refine, 'step']);
    // The rest of the scenario is as written.
    assert.deepEqual(variant.thresholds, scenario.thresholds);
    assert.deepEqual(variant.environment.faults, scenario.environment.faults);
    assert.deepEqual(variant.capacity, scenario.capacity);
  });

  it('leaves the phases alone with a ladder factor of 1 (the default)', async () => {
    const scenario = await load(COMMAND);
    const variant = scenarioAtReplicas(scenario, 'api', 2);
    assert.deepEqual(variant.phases, scenario.phases);
    const api = variant.environment.targets.api!;
    assert.ok(api.kind === 'command');
    assert.equal(api.replicas, 2);
  });

  it('sets a raft target\'s nodes', async () => {
    const scenario = await load(RAFT);
    const before = snapshot(scenario);
    const variant = scenarioAtReplicas(scenario, 'kv', 5, 1);
    assert.equal(snapshot(scenario), before);
    const kv = variant.environment.targets.kv!;
    assert.ok(kv.kind === 'raft');
    assert.equal(kv.nodes, 5);
    assert.equal('replicas' in kv, false);
    assert.deepEqual(variant.phases, scenario.phases);
  });

  it('refuses a target that is not under targets:', async () => {
    const scenario = await load(COMMAND);
    assert.throws(() => scenarioAtReplicas(scenario, 'nope', 2), { message: 'target nope is not under targets:' });
  });
});

describe('verificationScenario', () => {
  const settings = {
    replicas: 3,
    resources: { requests: { cpuCores: 0.5, memoryBytes: 256 * 1024 ** 2 }, limits: { memoryBytes: 512 * 1024 ** 2 } },
    peakRps: 150,
    rampMs: 10_000,
    holdMs: 60_000,
  };

  it('ramps from a tenth of peak to peak, holds peak, judged by the SLO on the held phase only', async () => {
    const scenario = await load(COMMAND);
    const before = snapshot(scenario);
    const plan = scenario.capacity!;
    const v = verificationScenario(scenario, plan, settings);
    assert.equal(snapshot(scenario), before, 'the input scenario was changed');

    assert.equal(VERIFY_PHASE, 'peak');
    assert.equal(v.phases.length, 2);
    const [ramp, peak] = v.phases;
    assert.ok(ramp?.executor === 'ramping-arrival-rate');
    assert.deepEqual([ramp.name, ramp.from, ramp.to, ramp.durationMs], ['ramp', 15, 150, 10_000]);
    assert.ok(peak?.executor === 'constant-arrival-rate');
    assert.deepEqual([peak.name, peak.rate, peak.durationMs], ['peak', 150, 60_000]);

    assert.deepEqual(v.thresholds, ['phase:peak.p99<=100ms', 'phase:peak.errors<=1%']);
    assert.deepEqual(v.abortOnFail, []);
    assert.deepEqual(v.environment.faults, []);

    const api = v.environment.targets.api!;
    assert.ok(api.kind === 'command');
    assert.equal(api.replicas, 3);
    assert.deepEqual(api.resources, settings.resources);
    assert.deepEqual(v.environment.targets.other, scenario.environment.targets.other);
  });

  it('sets a raft target\'s nodes', async () => {
    const scenario = await load(RAFT);
    const plan: CapacityPlanSpec = {
      target: 'kv',
      peakRps: 100,
      slo: { latency: [{ metric: 'p99', percentile: 99, maxMs: 50 }], maxErrorRate: 0.001 },
      headroom: 0.3,
      nPlusOne: true,
      cpuLimit: { kind: 'none' },
      replicas: [],
      scaleLadder: false,
    };
    const v = verificationScenario(scenario, plan, { ...settings, replicas: 5, peakRps: 100 });
    const kv = v.environment.targets.kv!;
    assert.ok(kv.kind === 'raft');
    assert.equal(kv.nodes, 5);
    assert.deepEqual(kv.resources, settings.resources);
    assert.deepEqual(v.thresholds, ['phase:peak.p99<=50ms', 'phase:peak.errors<=0.1%']);
  });

  it('refuses a plan whose target is not under targets:', async () => {
    const scenario = await load(COMMAND);
    assert.throws(() => verificationScenario(scenario, { ...scenario.capacity!, target: 'gone' }, settings), { message: 'target gone is not under targets:' });
  });
});

describe('sloThresholds', () => {
  it('writes each latency bound and the error ratio as phase thresholds that parse', () => {
    const slo = {
      latency: [
        { metric: 'p99', percentile: 99, maxMs: 100 },
        { metric: 'p99.9', percentile: 99.9, maxMs: 250 },
        { metric: 'p50', percentile: 50, maxMs: 12.5 },
      ],
      maxErrorRate: 0.001,
    };
    const thresholds = sloThresholds(slo, 'peak');
    assert.deepEqual(thresholds, ['phase:peak.p99<=100ms', 'phase:peak.p99.9<=250ms', 'phase:peak.p50<=12.5ms', 'phase:peak.errors<=0.1%']);
    const parsed = thresholds.map((text) => {
      const t = parseThreshold(text);
      return [t.scope, t.metric, t.op, t.value, t.unit];
    });
    const peak = { kind: 'phase', name: 'peak' };
    assert.deepEqual(parsed, [
      [peak, 'p99', '<=', 100, 'ms'],
      [peak, 'p99.9', '<=', 250, 'ms'],
      [peak, 'p50', '<=', 12.5, 'ms'],
      [peak, 'errors', '<=', 0.001, 'ratio'],
    ]);
  });

  it('writes awkward error ratios without float noise', () => {
    assert.deepEqual(sloThresholds({ latency: [], maxErrorRate: 0.007 }, 'p'), ['phase:p.errors<=0.7%']);
    assert.deepEqual(sloThresholds({ latency: [], maxErrorRate: 0 }, 'p'), ['phase:p.errors<=0%']);
    // 0.7% parses as 0.7 / 100, one ulp below 0.007.
    assert.ok(Math.abs(parseThreshold('phase:p.errors<=0.7%').value - 0.007) < 1e-15);
    assert.equal(parseThreshold('phase:p.errors<=0%').value, 0);
  });
});
