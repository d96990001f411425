import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarise } from '../../reports/summary.js';
import { readResults } from '../../scenarios/results/results-reader.js';
import { MaxThroughputOptionError } from '../../scenarios/max-throughput/options.js';
import { startBench } from '../../scenarios/max-throughput/run-bench.js';

// `loadtest bench` writes the same results stream as `loadtest run`: read back, it summarises to
// exactly what the client did and what the server served.

async function server(status = 200): Promise<{ url: string; served: () => number; close: () => Promise<void> }> {
  let served = 0;
  const s = http.createServer((_req, res) => {
    served++;
    res.statusCode = status;
    res.end('hello world\n');
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/x`,
    served: () => served,
    close: () => {
      s.closeAllConnections();
      return new Promise((resolve) => s.close(() => resolve()));
    },
  };
}

test('a bench run writes a complete results stream in bench mode', async () => {
  const s = await server();
  const dir = mkdtempSync(join(tmpdir(), 'mt-run-'));
  try {
    const handle = startBench({ url: s.url, connections: 3, durationMs: 30_000, maxRequests: 400 }, { outDir: dir, intervalMs: 50 });
    const result = await handle.done;
    assert.equal(result.status, 'completed');
    const results = readResults(result.resultsFile);
    assert.equal(results.header.mode, 'bench');
    assert.equal(results.header.phases[0]!.executor, 'max-throughput');
    assert.equal(results.header.phases[0]!.params.connections, 3);
    const summary = summarise(results);
    assert.equal(summary.status, 'completed');
    assert.equal(summary.partial, false);
    assert.equal(summary.overall.requests, 400);
    assert.equal(summary.overall.errors, 0);
    assert.equal(s.served(), 400);
    assert.deepEqual(Object.keys(summary.steps), ['GET /x']);
    assert.equal(summary.overall.iterations.started, 400);
    assert.equal(summary.overall.iterations.ok, 400);
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stopping a bench run ends the stream as interrupted, with every started iteration accounted for', async () => {
  const s = await server(503);
  const dir = mkdtempSync(join(tmpdir(), 'mt-run-'));
  try {
    const handle = startBench({ url: s.url, connections: 2, durationMs: 60_000 }, { outDir: dir, intervalMs: 50 });
    setTimeout(() => handle.stop(), 150);
    const result = await handle.done;
    assert.equal(result.status, 'interrupted');
    const summary = summarise(readResults(result.resultsFile));
    assert.equal(summary.partial, true);
    assert.ok(summary.overall.requests > 0);
    assert.equal(summary.overall.errorsByClass.http_5xx, summary.overall.requests);
    const it = summary.overall.iterations;
    assert.equal(it.started, it.ok + it.failed + it.interrupted);
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad options are refused before a results file is created', () => {
  const dir = join(tmpdir(), `mt-run-none-${process.pid}`);
  assert.throws(() => startBench({ url: 'ftp://127.0.0.1/', durationMs: 1000 }, { outDir: dir }), MaxThroughputOptionError);
  assert.equal(existsSync(dir), false);
});
