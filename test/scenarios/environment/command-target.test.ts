// A scenario that starts its own service: two replicas of a small HTTP server, requests spread over
// both, one replica killed and brought back, the other's CPU squeezed. Real processes (in cgroups
// when this machine allows it), a real results stream.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { detectCgroupSupport } from '../../../fixtures/launcher/cgroup-support.js';
import { loadScenario } from '../../../scenarios/language/load-scenario.js';
import { readResults } from '../../../scenarios/results/results-reader.js';
import type { FaultRecord, ResourceRecord } from '../../../scenarios/results/results-format.js';
import { startRun } from '../../../scenarios/run-scenario.js';
import { newSince, toolLeftovers } from './leftovers.js';

const SERVER = `
const http = require('node:http');
const replica = process.env.REPLICA;
http.createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ replica }));
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('replica ' + replica + ' listening'));
`;

const cgroups = detectCgroupSupport().ok;

test('a command target: replicas on their own ports, requests spread over them, kill/restart and a CPU squeeze', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-command-'));
  const before = toolLeftovers();
  try {
    writeFileSync(join(dir, 'server.js'), SERVER);
    writeFileSync(
      join(dir, 's.yaml'),
      `name: two-replicas
target: api
targets:
  api:
    command: [${JSON.stringify(process.execPath)}, server.js]
    env: { PORT: "{{port}}", REPLICA: "{{replica}}" }
    replicas: 2
    ready: "http://127.0.0.1:{{port}}/health"
    resources: { cpu: 500m, memory: 128Mi }
flows:
  - steps:
      - { name: hello, request: { url: /hello }, check: { status: 200 }, capture: { replica: { json: $.replica } } }
phases:
  - { executor: constant-arrival-rate, rate: 50, duration: 6s }
faults:
  - { at: 1s, kill: api/1, for: 2s }
${cgroups ? '  - { at: 2s, cpu: 100m, of: api/2, for: 2s }\n' : ''}`,
    );
    const scenario = await loadScenario(join(dir, 's.yaml'), { env: {} });
    const result = await startRun(scenario, { outDir: join(dir, 'out') }).done;
    assert.equal(result.status, 'completed', result.message);
    const { header, records } = readResults(result.resultsFile);
    assert.deepEqual(header.targets?.api?.replicas, ['1', '2']);

    const faults = records.filter((r): r is FaultRecord => r.type === 'fault');
    assert.ok(faults.every((f) => f.error === undefined), JSON.stringify(faults));
    assert.deepEqual(faults.filter((f) => f.action === 'kill').map((f) => [f.event, f.replicas.join()]), [['start', '1'], ['end', '1']]);
    if (cgroups) assert.deepEqual(faults.filter((f) => f.action === 'cpu').map((f) => f.event), ['start', 'end']);

    const samples = records.filter((r): r is ResourceRecord => r.type === 'resource');
    assert.ok(samples.some((s) => s.replica === '1') && samples.some((s) => s.replica === '2'), 'both replicas sampled');
    if (cgroups) {
      assert.ok(samples.some((s) => s.limits.cpuCores === 0.1), 'the squeeze shows as the limit in force');
      assert.ok(samples.some((s) => s.limits.cpuCores === 0.5));
    }
    // Both replicas answered (the logs say so), and the restarted one wrote its log again.
    const log1 = readFileSync(join(dir, 'out', 'targets', 'api-1.log'), 'utf8');
    assert.equal(log1.match(/replica 1 listening/g)?.length, 2, log1);
    const requests = records.filter((r) => r.type === 'step').reduce((n, r) => n + (r.type === 'step' && r.outcome === 'ok' ? r.count : 0), 0);
    assert.ok(requests > 250, `${requests} requests served`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(newSince(before), []);
});
