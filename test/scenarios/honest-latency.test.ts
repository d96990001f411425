import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

// Coordinated omission, tested against a real stalling process. The target freezes its event loop
// for S ms every P ms. Under a constant arrival rate, a request arriving at a uniformly random
// moment waits for the rest of the stall with probability S/P, so
//     P(latency > x) = (S − x) / P   for 0 ≤ x ≤ S,
// hence the q-quantile is x = S − (1 − q)·P: with S = 200 ms and P = 1000 ms, p90 = 100 ms and
// p99 = 190 ms. A tool that measures from the actual send, with a connection per request, sees
// the same stall only in the few requests that were in flight — here every late arrival counts.

const STALL_MS = 200;
const PERIOD_MS = 1000;
const servers: TestServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

function scenario(dir: string, yaml: string): string {
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, yaml);
  return file;
}

describe('honest latency under a stalling target', () => {
  it('reports the analytically expected p90 and p99 within 10%', async () => {
    const server = await startTestServer({ stallMs: STALL_MS, stallEveryMs: PERIOD_MS });
    servers.push(server);
    const dir = mkdtempSync(join(tmpdir(), 'loadtest-stall-'));
    const file = scenario(
      dir,
      `name: stall
target: ${server.url}
http: { connections: 100 }
flows: [ { name: f, steps: [ { name: ok, request: { url: /ok } } ] } ]
phases: [ { executor: constant-arrival-rate, rate: 200, duration: 8s, maxInFlight: 1000 } ]
`,
    );
    const result = await runCli(['run', file, '--out', join(dir, 'out'), '--summary-json', join(dir, 's.json'), '--quiet']);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
    const expectedP90 = STALL_MS - 0.1 * PERIOD_MS;
    const expectedP99 = STALL_MS - 0.01 * PERIOD_MS;
    const { p90, p99 } = summary.overall.latency;
    assert.ok(Math.abs(p90 - expectedP90) <= 0.1 * expectedP90, `p90 ${p90} ms, expected ${expectedP90} ± 10%`);
    assert.ok(Math.abs(p99 - expectedP99) <= 0.1 * expectedP99, `p99 ${p99} ms, expected ${expectedP99} ± 10%`);
    assert.equal(summary.overall.errors, 0);
  });

  it('keeps latency from intended start and service time apart when connections are scarce', async () => {
    // Two connections to a target that takes 20 ms per request serve at most 100/s; 200/s arrive.
    // Requests queue in the client: users wait longer and longer, while each request, once
    // sent, still takes about 20 ms.
    const server = await startTestServer({ delayMs: 20 });
    servers.push(server);
    const dir = mkdtempSync(join(tmpdir(), 'loadtest-queue-'));
    const file = scenario(
      dir,
      `name: queue
target: ${server.url}
http: { connections: 2 }
gracefulStop: 15s
flows: [ { name: f, steps: [ { name: ok, request: { url: /ok } } ] } ]
phases: [ { executor: constant-arrival-rate, rate: 200, duration: 2s, maxInFlight: 10000 } ]
`,
    );
    const result = await runCli(['run', file, '--out', join(dir, 'out'), '--summary-json', join(dir, 's.json'), '--quiet']);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
    const latency = summary.overall.latency;
    const service = summary.overall.serviceTime;
    assert.equal(summary.overall.requests, 400);
    assert.ok(service.p50 >= 19 && service.p50 < 60, `service p50 ${service.p50} ms`);
    assert.ok(latency.p50 > 10 * service.p50, `latency p50 ${latency.p50} ms vs service p50 ${service.p50} ms`);
    // the last of 400 requests through 100/s of capacity waits about 4 s − 2 s of arrivals
    assert.ok(latency.max > 1500, `latency max ${latency.max} ms`);
  });
});
