// The chaos drill end to end, with real processes: a scenario starts the bundled Raft cluster
// (under CPU/memory limits, in cgroups when this machine allows, else as plain processes sampled
// from /proc), drives a KV write flow at it, kills the leader at 4 s and brings it back 4 s later.
// The results stream must hold per-node resource samples, both fault events, and the outage the
// clients saw; and nothing the run made may be left on the machine.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadScenario } from '../../../scenarios/language/load-scenario.js';
import { readResults } from '../../../scenarios/results/results-reader.js';
import type { FaultRecord, OutageRecord, ResourceRecord } from '../../../scenarios/results/results-format.js';
import { startRun } from '../../../scenarios/run-scenario.js';
import { summarise } from '../../../reports/summary.js';
import { newSince, toolLeftovers } from './leftovers.js';

const DRILL = `name: kv-failover-drill
target: kv
targets:
  kv:
    fixture: raft
    nodes: 3
    heartbeat: 50ms
    election: 500ms
    resources: { cpu: 500m, memory: 256Mi }
defaults: { timeout: 2s }
flows:
  - name: write
    steps:
      - name: put
        request:
          method: POST
          url: /v3/kv/put
          json: { key: '{{base64 (concat "drill/" (randomInt 1 200))}}', value: "{{base64 (randomString 16)}}" }
        check: { status: 200 }
phases:
  - { executor: constant-arrival-rate, rate: 60, duration: 12s }
faults:
  - { at: 4s, kill: leader, of: kv, for: 4s }
`;

test('a leader kill in a scenario: per-node samples, fault events and the outage window are in the stream', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-drill-'));
  const before = toolLeftovers();
  try {
    writeFileSync(join(dir, 'drill.yaml'), DRILL);
    const scenario = await loadScenario(join(dir, 'drill.yaml'), { env: {} });
    const notes: string[] = [];
    const result = await startRun(scenario, { outDir: join(dir, 'out'), onNote: (_, m) => notes.push(m) }).done;
    if (process.env.KEEP_DRILL !== undefined) copyFileSync(result.resultsFile, process.env.KEEP_DRILL);
    assert.equal(result.status, 'completed', result.message);
    const { header, records } = readResults(result.resultsFile);
    assert.deepEqual(header.targets?.kv?.replicas, ['n1', 'n2', 'n3']);
    assert.equal(header.targets?.kv?.limits.cpuCores, 0.5);

    const samples = records.filter((r): r is ResourceRecord => r.type === 'resource' && r.target === 'kv');
    for (const node of ['n1', 'n2', 'n3']) {
      const mine = samples.filter((s) => s.replica === node);
      assert.ok(mine.length >= 5, `${node}: ${mine.length} samples`);
      assert.ok(mine.some((s) => (s.cpuCores ?? 0) > 0), `${node} used some CPU`);
      assert.ok(mine.every((s) => s.workingSetBytes === null || s.workingSetBytes > 5e6), `${node} has a working set`);
    }
    if (header.targets?.kv?.enforced) assert.ok(samples.every((s) => s.limits.cpuCores === 0.5 && s.limits.memoryBytes === 256 * 1048576), 'limits in force are reported');

    const faults = records.filter((r): r is FaultRecord => r.type === 'fault');
    const start = faults.find((f) => f.event === 'start');
    const end = faults.find((f) => f.event === 'end');
    assert.ok(start !== undefined && end !== undefined, JSON.stringify(faults));
    assert.equal(start.action, 'kill');
    assert.equal(start.error, undefined, start.error);
    assert.equal(start.replicas.length, 1);
    assert.ok(start.t >= 3.9 && start.t < 5, `the kill at ${start.t} s`);
    assert.ok(end.t - start.t >= 3.9, `restarted ${end.t - start.t} s later`);
    assert.deepEqual(end.replicas, start.replicas);

    const outages = records.filter((r): r is OutageRecord => r.type === 'outage');
    assert.ok(outages.length >= 1, 'the clients saw an outage');
    const outage = outages.find((o) => o.t >= start.t - 0.2);
    assert.ok(outage !== undefined, JSON.stringify(outages));
    assert.ok(outage.durationS > 0 && outage.durationS < 6, `outage of ${outage.durationS} s`);
    assert.match(outage.afterFault ?? '', /faults\[0\] kill kv/);

    const summary = summarise(readResults(result.resultsFile));
    assert.ok(summary.targets.kv!.cpu.avg! > 0);
    assert.ok(summary.targets.kv!.memory.max! > 5e6);
    assert.ok(summary.outages.length >= 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(newSince(before), [], 'the run removed every cgroup and namespace it made');
});
