// The prometheus source against a real Prometheus (Debian's package) scraping a real bundled Raft
// cluster every second: three node processes on loopback take writes, Prometheus scrapes their
// /metrics, and the source's range queries give one replica per node (the `instance` label) with
// CPU above zero and a plausible resident memory. Needs /usr/bin/prometheus (apt-get install prometheus).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { clusterDown, clusterUp } from '../../fixtures/raft/cluster/cluster-control.js';
import { freePorts } from '../../fixtures/raft/cluster/free-ports.js';
import { PrometheusSource } from '../../collectors/prometheus.js';
import type { ResourceSample } from '../../collectors/resource-sample.js';

const PROMETHEUS = '/usr/bin/prometheus';
const skip = existsSync(PROMETHEUS) ? false : `${PROMETHEUS} not installed (apt-get install prometheus)`;
const b64 = (text: string): string => Buffer.from(text).toString('base64');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value, for at most `timeoutMs`; the last reason in the error. */
async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | string>): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    const result = await check().catch((error: Error) => error.message);
    if (typeof result !== 'string') return result;
    last = result;
    await sleep(250);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms (${last})`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

test('a real Prometheus scraping a 3-node Raft cluster: one replica per node, CPU > 0, memory > 10 MB', { skip, timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-prom-e2e-'));
  const clusterDir = join(dir, 'cluster');
  let prometheus: ChildProcess | null = null;
  let log = '';
  let writing = true;
  let writer: Promise<void> = Promise.resolve();
  try {
    const view = await clusterUp({ dir: clusterDir, nodes: 3, heartbeatMs: 50, electionMs: 500 });
    const instances = view.members.map((m) => new URL(m.clientUrl).host).sort();
    const leaderUrl = view.members.find((m) => m.id === view.leader)?.clientUrl ?? (view.members[0]?.clientUrl as string);

    const [port] = (await freePorts(1)) as [number];
    const config = join(dir, 'prometheus.yml');
    // JSON is YAML; a scrape timeout above the interval would be refused.
    writeFileSync(
      config,
      JSON.stringify({
        global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
        scrape_configs: [{ job_name: 'raft', metrics_path: '/metrics', static_configs: [{ targets: instances }] }],
      }),
    );
    mkdirSync(join(dir, 'tsdb'));
    prometheus = spawn(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    prometheus.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
    const url = `http://127.0.0.1:${port}`;
    await waitFor('prometheus ready', 30_000, async () => ((await fetch(`${url}/-/ready`)).ok ? true : 'not ready'));

    // Writes all along, so the nodes have work to show for (bounded: stops in finally at the latest).
    writer = (async () => {
      for (let i = 0; writing && i < 100_000; i++) {
        await fetch(`${leaderUrl}/v3/kv/put`, { method: 'POST', body: JSON.stringify({ key: b64(`k${i % 100}`), value: b64(`v${i}`) }), signal: AbortSignal.timeout(5000) }).catch(() => undefined);
      }
    })();

    const cpuQuery = 'rate(process_cpu_seconds_total[5s])';
    await waitFor('a CPU rate for every node', 60_000, async () => {
      const answer = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(cpuQuery)}`)).json()) as { data?: { result?: unknown[] } };
      const series = answer.data?.result?.length ?? 0;
      return series === 3 ? true : `${series} series so far`;
    });

    const start = performance.now();
    const source = new PrometheusSource({ target: 'raft', url, cpuQuery, memoryQuery: 'process_resident_memory_bytes', headers: {}, stepMs: 1000 });
    const samples: ResourceSample[] = [];
    for (let i = 0; i < 3; i++) {
      if (i > 0) await sleep(1500);
      const result = await source.collect(performance.now() - start);
      assert.deepEqual(result.errors, [], `collect ${i}`);
      samples.push(...result.samples);
    }
    writing = false;
    await writer;

    assert.deepEqual([...new Set(samples.map((s) => s.replica))].sort(), instances, 'one replica per node, named by its instance');
    for (const instance of instances) {
      const mine = samples.filter((s) => s.replica === instance);
      const times = mine.map((s) => s.time);
      assert.equal(new Set(times).size, times.length, `${instance}: no point returned twice`);
      assert.ok(mine.length >= 3, `${instance}: ${mine.length} points`);
      assert.ok(mine.some((s) => (s.cpuCores ?? 0) > 0), `${instance}: CPU ${mine.map((s) => s.cpuCores).join(', ')}`);
      assert.ok(mine.every((s) => s.cpuCores === null || s.cpuCores < 2.5), `${instance}: CPU within the machine`);
      assert.ok(mine.every((s) => (s.workingSetBytes ?? 0) > 10_000_000), `${instance}: memory ${mine.map((s) => s.workingSetBytes).join(', ')}`);
      const cpu = mine.map((s) => s.cpuCores?.toFixed(3) ?? '-').join(' ');
      t.diagnostic(`${instance}: ${mine.length} points, cores ${cpu}, resident ${Math.round((mine.at(-1)?.workingSetBytes ?? 0) / 1e6)} MB`);
    }
  } catch (error) {
    if (log !== '') (error as Error).message += `\nprometheus log:\n${log}`;
    throw error;
  } finally {
    writing = false;
    await writer;
    if (prometheus !== null) await stopProcess(prometheus);
    await clusterDown(clusterDir);
    rmSync(dir, { recursive: true, force: true });
  }
});
