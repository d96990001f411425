// The prometheus source against a local HTTP server answering /api/v1/query_range with recorded
// matrix payloads, re-stamped at the times asked for as Prometheus evaluates a range (start,
// start + step, ... up to end). The wall clock is pinned, so point times are checked exactly.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PROMETHEUS_CPU_QUERY, DEFAULT_PROMETHEUS_MEMORY_QUERY } from '../../collectors/source-defaults.js';
import { PrometheusSource } from '../../collectors/prometheus.js';

const DATA = fileURLToPath(new URL('../../../test/data/collectors/prometheus/', import.meta.url));
const load = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(DATA, name), 'utf8'));
const MiB = 1024 * 1024;
const T0 = 1_714_557_600_000;

interface Asked {
  query: string;
  start: number;
  end: number;
  step: number;
  authorization: string | undefined;
}

interface FakePrometheus {
  url: string;
  asked: Asked[];
  /** query → recorded payload file, or [status, raw body] to answer instead. */
  answers: Map<string, string | [number, string]>;
  close(): Promise<void>;
}

async function startPrometheus(): Promise<FakePrometheus> {
  const asked: Asked[] = [];
  const answers = new Map<string, string | [number, string]>([
    [DEFAULT_PROMETHEUS_CPU_QUERY, 'cpu-matrix.json'],
    [DEFAULT_PROMETHEUS_MEMORY_QUERY, 'memory-matrix.json'],
  ]);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/prom/api/v1/query_range') {
      res.writeHead(404).end('404 page not found\n');
      return;
    }
    const p = (name: string): number => Number(url.searchParams.get(name));
    const query = url.searchParams.get('query') ?? '';
    asked.push({ query, start: p('start'), end: p('end'), step: p('step'), authorization: req.headers.authorization });
    const answer = answers.get(query);
    if (answer === undefined || typeof answer !== 'string') {
      const [status, body] = answer ?? [400, JSON.stringify(load('error-bad-data.json'))];
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
      return;
    }
    const recorded = load(answer) as { data: { result: Array<{ metric: unknown; values: Array<[number, string]> }> } };
    const times: number[] = [];
    for (let t = p('start'); t <= p('end') + 1e-9; t += p('step')) times.push(Math.round(t * 1000) / 1000);
    const result = recorded.data.result.map((s) => ({ metric: s.metric, values: times.map((t, i) => [t, (s.values[i % s.values.length] as [number, string])[1]]) }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/prom`, asked, answers, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('each collect asks for the points since the last one, one step apart, and maps their times onto the run clock', async () => {
  const prom = await startPrometheus();
  let wall = T0;
  try {
    const source = new PrometheusSource({ target: 'api', url: prom.url, headers: { authorization: 'Bearer prom-token' }, stepMs: 1000 }, () => wall);
    const first = await source.collect(10_000);
    assert.deepEqual(first.errors, []);
    // The first collect: the latest point only, at now.
    assert.deepEqual(
      first.samples.map((s) => [s.time, s.replica, s.cpuCores, s.workingSetBytes]),
      [
        [10_000, 'api-7d4b9c8f6-x2kqp', 0.25, 128 * MiB],
        [10_000, 'api-7d4b9c8f6-zt9wm', 1.25, 256 * MiB],
      ],
    );
    assert.deepEqual(
      prom.asked.map((a) => [a.query, a.start, a.end, a.step, a.authorization]).sort(),
      [
        [DEFAULT_PROMETHEUS_CPU_QUERY, T0 / 1000, T0 / 1000, 1, 'Bearer prom-token'],
        [DEFAULT_PROMETHEUS_MEMORY_QUERY, T0 / 1000, T0 / 1000, 1, 'Bearer prom-token'],
      ].sort(),
    );
    // 3.5 s later: the points at +1, +2 and +3 s, none at or before the first one.
    wall = T0 + 3500;
    prom.asked.length = 0;
    const second = await source.collect(13_500);
    assert.deepEqual(second.errors, []);
    assert.deepEqual(prom.asked.map((a) => [a.start, a.end, a.step]), [
      [T0 / 1000 + 1, (T0 + 3500) / 1000, 1],
      [T0 / 1000 + 1, (T0 + 3500) / 1000, 1],
    ]);
    assert.deepEqual(
      second.samples.filter((s) => s.replica === 'api-7d4b9c8f6-zt9wm').map((s) => [s.time, s.cpuCores, s.workingSetBytes]),
      [
        [11_000, 1.25, 256 * MiB],
        [12_000, null, 258 * MiB], // "NaN" is not a figure
        [13_000, 1.5, 260 * MiB],
      ],
    );
    assert.equal(second.samples.length, 6);
    assert.ok(second.samples.every((s) => s.target === 'api' && s.memoryUsageBytes === null && s.limits.cpuCores === null));
    // The next one continues on the same grid: from +4 s.
    wall = T0 + 4200;
    prom.asked.length = 0;
    const third = await source.collect(14_200);
    assert.equal(prom.asked[0]?.start, T0 / 1000 + 4);
    assert.deepEqual([...new Set(third.samples.map((s) => s.time))], [14_000]);
  } finally {
    await prom.close();
  }
});

test('the replica is the pod label, else the instance label, else the label set', async () => {
  const prom = await startPrometheus();
  try {
    prom.answers.set('node_cpu', 'instance-matrix.json');
    prom.answers.set('node_memory', 'instance-matrix.json');
    const source = new PrometheusSource({ target: 'nodes', url: `${prom.url}/`, cpuQuery: 'node_cpu', memoryQuery: 'node_memory', headers: {} }, () => T0);
    const result = await source.collect(0);
    assert.deepEqual(
      result.samples.map((s) => [s.replica, s.cpuCores]),
      [
        ['10.0.0.7:9100', 0.125],
        ['{job="batch",zone="b"}', 0.375],
      ],
    );
  } finally {
    await prom.close();
  }
});

test('errors name the query and the reason: a refused query, an HTTP error, a body that is not JSON, an unreachable server', async () => {
  const prom = await startPrometheus();
  try {
    prom.answers.set('rate(x[1m]', [400, JSON.stringify(load('error-bad-data.json'))]);
    const badQuery = new PrometheusSource({ target: 'api', url: prom.url, cpuQuery: 'rate(x[1m]', headers: {} }, () => T0);
    const refused = await badQuery.collect(0);
    assert.deepEqual(refused.errors, [`prometheus: query_range "rate(x[1m]" on ${prom.url}/: HTTP 400: bad_data: invalid parameter "query": 1:5: parse error: unexpected character: '~'`]);
    assert.equal(refused.samples.length, 2, 'the memory query still answered');
    assert.ok(refused.samples.every((s) => s.cpuCores === null && s.workingSetBytes !== null));

    prom.answers.set('down', [503, 'Service Unavailable']);
    prom.answers.set('html', [200, '<html>login</html>']);
    const failing = new PrometheusSource({ target: 'api', url: prom.url, cpuQuery: 'down', memoryQuery: 'html', headers: {} }, () => T0);
    const both = await failing.collect(0);
    assert.deepEqual(both, {
      samples: [],
      errors: [`prometheus: query_range "down" on ${prom.url}/: HTTP 503: Service Unavailable`, `prometheus: query_range "html" on ${prom.url}/: the answer is not JSON: <html>login</html>`],
    });
    // Both failed: the same range is asked for again, nothing was skipped.
    prom.asked.length = 0;
    await failing.collect(0);
    assert.equal(prom.asked[0]?.start, T0 / 1000);
  } finally {
    await prom.close();
  }
  // The server is closed now: nothing listens on its port.
  const gone = await new PrometheusSource({ target: 'api', url: prom.url, headers: {} }, () => T0).collect(0);
  assert.equal(gone.errors.length, 2);
  assert.match(gone.errors[0] as string, /^prometheus: query_range "sum by \(pod\).*" on http:\/\/127\.0\.0\.1:\d+\/prom\/: cannot reach Prometheus \(ECONNREFUSED\)/);
});
