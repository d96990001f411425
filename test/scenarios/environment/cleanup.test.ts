// A run that fails or is aborted still takes down everything it started: processes, cgroups and
// network namespaces. Uses namespaces and cgroups when this machine allows them (root), plain
// processes otherwise; the leftover check covers whichever were made.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { netnsUnavailableReason } from '../../../fixtures/raft/cluster/netns-network.js';
import { loadScenario } from '../../../scenarios/language/load-scenario.js';
import { readResults } from '../../../scenarios/results/results-reader.js';
import { startRun } from '../../../scenarios/run-scenario.js';
import { newSince, toolLeftovers } from './leftovers.js';

const network = netnsUnavailableReason() === null ? 'netns' : 'loopback';

function scenario(extraTargets: string, phase: string): string {
  return `name: cleanup
target: kv
targets:
  kv: { fixture: raft, nodes: 3, heartbeat: 50ms, election: 500ms, network: ${network}, resources: { cpu: 500m, memory: 256Mi } }
${extraTargets}
flows:
  - steps:
      - request: { method: POST, url: /v3/kv/put, json: { key: "{{base64 'k'}}", value: "{{base64 'v'}}" } }
phases:
  - ${phase}
`;
}

/** The URLs where a Raft node of ours still answers (something else may answer an address that has no route any more). */
async function urlsAnswer(urls: readonly string[]): Promise<string[]> {
  const answering: string[] = [];
  for (const url of urls) {
    const status = await fetch(`${url}/v1/cluster`, { signal: AbortSignal.timeout(500) }).then(async (res) => (res.ok ? await res.text() : ''), () => '');
    if (status.includes('"term"')) answering.push(url);
  }
  return answering;
}

test('a run whose targets fail to start removes the ones it had started', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-cleanup-'));
  const before = toolLeftovers();
  try {
    const broken = `  api: { command: [${JSON.stringify(process.execPath)}, -e, "process.exit(3)"], ready: "http://127.0.0.1:{{port}}/health", readyTimeout: 10s }`;
    writeFileSync(join(dir, 's.yaml'), scenario(broken, '{ executor: constant-vus, vus: 1, duration: 5s }'));
    const notes: string[] = [];
    const result = await startRun(await loadScenario(join(dir, 's.yaml'), { env: {} }), { outDir: join(dir, 'out'), onNote: (_, m) => notes.push(m) }).done;
    assert.equal(result.status, 'failed');
    assert.match(result.message ?? '', /api\/1 exited before it was ready/);
    const { records } = readResults(result.resultsFile);
    assert.ok(records.some((r) => r.type === 'event' && r.level === 'error' && /could not start the targets/.test(r.message)));
    assert.equal(records.at(-1)?.type, 'end');
    const kvUrls = /ready in \d+ ms: 3 replica\(s\) at (.*)$/.exec(notes.find((n) => n.startsWith('target kv')) ?? '')?.[1]?.split(', ') ?? [];
    assert.equal(kvUrls.length, 3, `kv came up first: ${notes.join(' | ')}`);
    assert.deepEqual(await urlsAnswer(kvUrls), [], 'no kv node is left running');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(newSince(before), []);
});

test('a run aborted at once (a second Ctrl-C) kills its targets and removes their cgroups and namespaces before returning', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-cleanup-'));
  const before = toolLeftovers();
  try {
    writeFileSync(join(dir, 's.yaml'), scenario('', '{ executor: constant-arrival-rate, rate: 20, duration: 60s }'));
    const loaded = await loadScenario(join(dir, 's.yaml'), { env: {} });
    const notes: string[] = [];
    let intervals = 0;
    let handle: ReturnType<typeof startRun> | undefined;
    const aborted = new Promise<void>((resolve) => {
      handle = startRun(loaded, { outDir: join(dir, 'out'), onNote: (_, m) => notes.push(m), onInterval: () => {
        if (++intervals === 2) {
          handle!.abortNow();
          resolve();
        }
      } });
    });
    await aborted;
    assert.deepEqual(newSince(before), [], 'nothing left the moment abortNow returns');
    const result = await handle!.done;
    assert.equal(result.status, 'interrupted');
    const kvUrls = /at (.*)$/.exec(notes.find((n) => n.startsWith('target kv')) ?? '')?.[1]?.split(', ') ?? [];
    assert.deepEqual(await urlsAnswer(kvUrls), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(newSince(before), []);
});

test('a run stopped while its targets start (a first Ctrl-C) ends interrupted and takes them down', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-cleanup-'));
  const before = toolLeftovers();
  try {
    writeFileSync(join(dir, 's.yaml'), scenario('', '{ executor: constant-vus, vus: 1, duration: 30s }'));
    const handle = startRun(await loadScenario(join(dir, 's.yaml'), { env: {} }), { outDir: join(dir, 'out') });
    handle.stop();
    const result = await handle.done;
    assert.equal(result.status, 'interrupted');
    const { records } = readResults(result.resultsFile);
    assert.ok(!records.some((r) => r.type === 'step'), 'no load was sent');
    assert.equal(records.at(-1)?.type, 'end');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(newSince(before), []);
});
