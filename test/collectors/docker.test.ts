// The docker source against a real HTTP server on a unix socket (as the Engine listens) serving
// recorded Engine API payloads: a cgroup v1 and a cgroup v2 container whose two stats readings
// have known deltas, so the figures are checked exactly, plus an absent socket and a failing Engine.
// The readings are stamped 2.5 s apart while the host CPU counter moved by 2 s × 2 CPUs: CPU over
// the wall clock would read 0.4 and 1.2 cores, docker's formula (against host CPU time) 0.5 and 1.5.
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DockerSource } from '../../collectors/docker.js';

const DATA = fileURLToPath(new URL('../../../test/data/collectors/docker/', import.meta.url));
const load = (name: string): unknown => JSON.parse(readFileSync(join(DATA, name), 'utf8'));
const MiB = 1024 * 1024;

const containers = load('containers.json') as Array<{ Id: string; Names: string[] }>;
const [api1, api2] = containers.map((c) => c.Id) as [string, string];

interface Engine {
  socket: string;
  requests: string[];
  /** Per path prefix, a status to answer with instead of the payload. */
  failures: Map<string, number>;
  close(): Promise<void>;
}

/** An Engine that answers each container's stats with its first reading, then its second one from then on. */
async function startEngine(): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-docker-'));
  const socket = join(dir, 'docker.sock');
  const requests: string[] = [];
  const failures = new Map<string, number>();
  const statsCalls = new Map<string, number>();
  const readings: Record<string, [string, string]> = { [api1]: ['stats-v1-first.json', 'stats-v1-second.json'], [api2]: ['stats-v2-first.json', 'stats-v2-second.json'] };
  const inspects: Record<string, string> = { [api1]: 'inspect-shop-api-1.json', [api2]: 'inspect-shop-api-2.json' };
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '';
    requests.push(url);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    for (const [prefix, status] of failures) if (url.startsWith(prefix)) return send(status, { message: 'Internal Server Error: containerd is not running' });
    const path = url.split('?')[0] ?? '';
    if (path === '/containers/json') return send(200, containers);
    const stats = /^\/containers\/([0-9a-f]+)\/stats$/.exec(path);
    if (stats !== null && readings[stats[1] as string] !== undefined) {
      const id = stats[1] as string;
      const n = statsCalls.get(id) ?? 0;
      statsCalls.set(id, n + 1);
      return send(200, load((readings[id] as [string, string])[Math.min(n, 1)] as string));
    }
    const inspect = /^\/containers\/([0-9a-f]+)\/json$/.exec(path);
    if (inspect !== null && inspects[inspect[1] as string] !== undefined) return send(200, load(inspects[inspect[1] as string] as string));
    send(404, { message: `page not found: ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    socket,
    requests,
    failures,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('a v1 and a v2 container: exact cores as docker stats computes them, throttling, working set, limits', async () => {
  const engine = await startEngine();
  try {
    const source = new DockerSource({ target: 'api', socket: engine.socket, names: ['shop-api'], labels: ['app=api'] });
    const first = await source.collect(1000);
    assert.deepEqual(first, { samples: [], errors: [] }, 'the first reading only sets the baseline');
    const second = await source.collect(3000);
    assert.deepEqual(second.errors, []);
    const [v1, v2] = second.samples;
    assert.deepEqual(v1, {
      time: 3000,
      target: 'api',
      replica: 'shop-api-1',
      cpuCores: 0.5, // 1e9 ns of container CPU over 4e9 ns of host CPU, × 2 online CPUs
      cpuThrottledSeconds: 0.2,
      cpuPeriods: 20,
      cpuThrottledPeriods: 4,
      memoryUsageBytes: 160 * MiB,
      workingSetBytes: 140 * MiB, // usage − total_inactive_file
      rssBytes: 110 * MiB,
      pageCacheBytes: 40 * MiB,
      oomKills: null,
      limits: { cpuCores: 0.5, memoryBytes: 268435456 }, // NanoCpus 5e8; HostConfig.Memory
    });
    assert.deepEqual(v2, {
      time: 3000,
      target: 'api',
      replica: 'shop-api-2',
      cpuCores: 1.5,
      cpuThrottledSeconds: 0.05,
      cpuPeriods: 10,
      cpuThrottledPeriods: 2,
      memoryUsageBytes: 200 * MiB,
      workingSetBytes: 150 * MiB, // usage − inactive_file
      rssBytes: 120 * MiB, // anon
      pageCacheBytes: 70 * MiB, // file
      oomKills: null,
      // CpuQuota/CpuPeriod; no memory limit set, so the host's memory in the stats is not a limit.
      limits: { cpuCores: 1.5, memoryBytes: null },
    });
    await source.collect(5000);
    const list = engine.requests.filter((r) => r.startsWith('/containers/json'));
    const filters = JSON.parse(new URL(list[0] as string, 'http://x').searchParams.get('filters') as string);
    assert.deepEqual(filters, { status: ['running'], name: ['shop-api'], label: ['app=api'] });
    assert.ok(engine.requests.some((r) => r === `/containers/${api1}/stats?stream=false&one-shot=true`));
    assert.equal(engine.requests.filter((r) => r === `/containers/${api1}/json`).length, 1, 'limits are read once per container');
  } finally {
    await engine.close();
  }
});

test('no socket: an error naming the socket and the reason, not an exception', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-docker-'));
  try {
    const socket = join(dir, 'docker.sock');
    const source = new DockerSource({ target: 'api', socket, names: [], labels: [] });
    const result = await source.collect(0);
    assert.deepEqual(result, { samples: [], errors: [`docker: cannot reach the Engine API at ${socket} (ENOENT): is Docker running?`] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Engine answering 500: the list failing is one error; one container failing leaves the other sampled; a removed one is skipped', async () => {
  const engine = await startEngine();
  try {
    const source = new DockerSource({ target: 'api', socket: engine.socket, names: [], labels: [] });
    engine.failures.set('/containers/json', 500);
    const listFailed = await source.collect(0);
    assert.deepEqual(listFailed, { samples: [], errors: [`docker: GET /containers/json on ${engine.socket} answered 500: Internal Server Error: containerd is not running`] });
    engine.failures.clear();
    await source.collect(1000);
    engine.failures.set(`/containers/${api2}/stats`, 500);
    const oneFailed = await source.collect(2000);
    assert.deepEqual(
      oneFailed.samples.map((s) => s.replica),
      ['shop-api-1'],
    );
    assert.equal(oneFailed.errors.length, 1);
    assert.match(oneFailed.errors[0] as string, new RegExp(`^docker: GET /containers/${api2}/stats on .* answered 500: .*\\(container shop-api-2\\)$`));
    // 404: the container was removed between the list and the stats call; gone is not an error.
    engine.failures.set(`/containers/${api2}/stats`, 404);
    const removed = await source.collect(3000);
    assert.deepEqual([removed.samples.map((s) => s.replica), removed.errors], [['shop-api-1'], []]);
  } finally {
    await engine.close();
  }
});
