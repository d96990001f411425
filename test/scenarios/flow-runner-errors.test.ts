// Every outcome class, produced against the real child test server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { Harness, req, scenario, type RequestCall } from './flow-fixtures.js';
import type { Scenario, StepSpec } from '../../scenarios/model.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

async function runOne(steps: StepSpec[], overrides: Partial<Scenario> = {}, target = server.url): Promise<{ status: string; call: RequestCall }> {
  const h = new Harness(scenario(target, steps, overrides));
  try {
    const status = await h.run();
    assert.equal(h.calls.length, 1, JSON.stringify(h.calls));
    return { status, call: h.calls[0]! };
  } finally {
    await h.close();
  }
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

test('connect_refused: a port that was bound and closed; service = its own attempt', async () => {
  const port = await closedPort();
  const { status, call } = await runOne([req('r', { url: '/ok' })], {}, `http://127.0.0.1:${port}`);
  assert.equal(status, 'failed');
  assert.equal(call.outcome, 'connect_refused');
  assert.match(call.detail ?? '', /ECONNREFUSED/);
  assert.ok(call.serviceUs > 0 && call.serviceUs <= call.latencyUs);
});

test('reset: the server destroys the socket', async () => {
  const { status, call } = await runOne([req('r', { url: '/reset' })]);
  assert.equal(status, 'failed');
  assert.equal(call.outcome, 'reset', call.detail);
});

test('timeout: /hang with a 200 ms per-request timeout', async () => {
  const t0 = performance.now();
  const { call } = await runOne([req('r', { url: '/hang', timeoutMs: 200 })]);
  const elapsed = performance.now() - t0;
  assert.equal(call.outcome, 'timeout');
  assert.match(call.detail ?? '', /timeout after 200 ms/);
  assert.ok(call.latencyUs >= 195_000 && elapsed < 1500, `latency ${call.latencyUs} elapsed ${elapsed}`);
});

test('timeout: the scenario default applies when the request has none', async () => {
  const { call } = await runOne([req('r', { url: '/delay/1000' })], { defaults: { headers: {}, timeoutMs: 100 } });
  assert.equal(call.outcome, 'timeout');
});

test('timeout while still queued in the pool ends on time, and the pool recovers', async () => {
  // One connection: the first request holds it for 600 ms, the second waits in the pool queue.
  const h = new Harness(
    scenario(server.url, [
      { name: 'holder', weight: 1, steps: [req('holder', { url: '/delay/600' })] },
      { name: 'queued', weight: 1, steps: [req('queued', { url: '/ok', timeoutMs: 150 })] },
    ], { http: { connections: 1, pipelining: 1, maxBodyBytes: 1024 } }),
  );
  try {
    const holder = h.run({}, undefined, 0);
    await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    assert.equal(await h.run({}, undefined, 1), 'failed');
    const waited = performance.now() - t0;
    assert.ok(waited < 450, `queued request ended after ${waited} ms`);
    const queued = h.calls.find((c) => c.step === 'queued')!;
    assert.equal(queued.outcome, 'timeout');
    // Never sent: service is the whole attempt (latency also counts from the intended start, a hair earlier).
    assert.ok(queued.serviceUs >= 140_000 && queued.latencyUs - queued.serviceUs < 5_000, JSON.stringify(queued));
    assert.equal(await holder, 'ok');
    // The timed-out request is dropped when its turn comes; the connection still serves new ones.
    assert.equal(await h.run({}, undefined, 1), 'ok');
    assert.deepEqual(h.calls.map((c) => [c.step, c.outcome]), [['queued', 'timeout'], ['holder', 'ok'], ['queued', 'ok']]);
  } finally {
    await h.close();
  }
});

test('dns: a .invalid host', async () => {
  // On this machine the resolver answers ENOTFOUND for .invalid at once; the short timeout only
  // guards against a resolver that hangs instead (that run would then report timeout).
  const { call } = await runOne([req('r', { url: 'http://no-such-host.invalid/ok', timeoutMs: 3000 })]);
  assert.equal(call.outcome, 'dns', call.detail);
  assert.match(call.detail ?? '', /ENOTFOUND|EAI_AGAIN/);
});

test('http_4xx and http_5xx without a status check; 3xx passes', async () => {
  assert.equal((await runOne([req('r', { url: '/status/404' })])).call.outcome, 'http_4xx');
  assert.equal((await runOne([req('r', { url: '/status/503' })])).call.outcome, 'http_5xx');
  const redirect = await runOne([req('r', { url: '/status/302' })]);
  assert.equal(redirect.call.outcome, 'ok');
  assert.equal(redirect.status, 'ok');
});

test('with a status check: outside the list is http_4xx/5xx when >= 400, else check_failed', async () => {
  const wrongOk = await runOne([req('r', { url: '/ok' }, { check: { status: [201] } })]);
  assert.equal(wrongOk.call.outcome, 'check_failed');
  assert.equal(wrongOk.call.detail, 'expected status 201, got 200');
  const notFound = await runOne([req('r', { url: '/status/404' }, { check: { status: [200, 201] } })]);
  assert.equal(notFound.call.outcome, 'http_4xx');
  assert.equal(notFound.call.detail, 'expected status one of 200, 201, got 404');
  assert.equal((await runOne([req('r', { url: '/status/500' }, { check: { status: [200] } })])).call.outcome, 'http_5xx');
  const expected404 = await runOne([req('r', { url: '/status/404' }, { check: { status: [404] } })]);
  assert.equal(expected404.call.outcome, 'ok');
});

test('check_failed: body, regex, json equality, latency bound', async () => {
  const cases: Array<[StepSpec, RegExp]> = [
    [req('r', { url: '/json' }, { check: { bodyContains: ['nope'] } }), /body does not contain "nope"/],
    [req('r', { url: '/json' }, { check: { bodyMatches: ['^\\d+$'] } }), /body does not match/],
    [req('r', { url: '/json' }, { check: { json: [{ path: '$.items.length', equals: 3 }] } }), /\$\.items\.length: expected 3, got 2/],
    [req('r', { url: '/json' }, { check: { json: [{ path: '$.items[0]', equals: { id: 2 } }] } }), /expected \{"id":2\}, got \{"id":1\}/],
    [req('r', { url: '/delay/80' }, { check: { maxLatencyMs: 20 } }), /service time .* over maxLatencyMs 20/],
    [req('r', { url: '/notjson' }, { check: { json: [{ path: '$.a', equals: 1 }] } }), /^body is not JSON$/],
  ];
  for (const [step, detail] of cases) {
    const { status, call } = await runOne([step]);
    assert.equal(call.outcome, 'check_failed', call.detail);
    assert.match(call.detail ?? '', detail);
    assert.equal(status, 'failed');
  }
  const passing = await runOne([req('r', { url: '/json' }, { check: { bodyContains: ['items'], bodyMatches: ['"id":\\s*2'], json: [{ path: '$.items[-1].id', equals: 2 }, { path: '$', equals: { status: 'ok', items: [{ id: 1 }, { id: 2 }] } }] } })]);
  assert.equal(passing.call.outcome, 'ok', passing.call.detail);
});

test('failed captures are check_failed with a detail', async () => {
  const cases: Array<[StepSpec, string]> = [
    [req('r', { url: '/json' }, { capture: { token: { from: 'json', path: '$.token' } } }), 'capture token: $.token not found'],
    [req('r', { url: '/notjson' }, { capture: { token: { from: 'json', path: '$.token' } } }), 'capture token: body is not JSON'],
    [req('r', { url: '/ok' }, { capture: { rid: { from: 'header', name: 'X-Request-Id' } } }), 'capture rid: header X-Request-Id missing'],
    [req('r', { url: '/ok' }, { capture: { n: { from: 'regex', pattern: '(\\d+)', group: 1 } } }), 'capture n: /(\\d+)/ did not match'],
  ];
  for (const [step, detail] of cases) {
    const { call } = await runOne([step]);
    assert.equal(call.outcome, 'check_failed');
    assert.equal(call.detail, detail);
  }
});

test('big body: every byte counted, only maxBodyBytes kept; a JSON capture on it fails cleanly', async () => {
  const http = { connections: 2, pipelining: 1, maxBodyBytes: 1000 };
  const kept = await runOne([req('r', { url: '/big?bytes=200000' }, { check: { bodyContains: ['xxxx'] } })], { http });
  assert.equal(kept.call.outcome, 'ok');
  assert.equal(kept.call.bytesIn, 200_000);
  const json = await runOne([req('r', { url: '/big?bytes=200000' }, { capture: { v: { from: 'json', path: '$' } } })], { http });
  assert.equal(json.call.outcome, 'check_failed');
  assert.equal(json.call.detail, 'capture v: body truncated at 1000 of 200000 bytes (maxBodyBytes), cannot read JSON');
  const uncheckd = await runOne([req('r', { url: '/big?bytes=300000' })], { http });
  assert.equal(uncheckd.call.outcome, 'ok');
  assert.equal(uncheckd.call.bytesIn, 300_000);
});

test('a request undici refuses (bad rendered path) is an outcome, not a throw', async () => {
  const h = new Harness(scenario(server.url, [req('r', { url: '/echo/{{f.v}}' })]));
  try {
    assert.equal(await h.run({ rows: { f: { v: 'has space' } } }), 'failed');
    assert.equal(h.calls[0]!.outcome, 'other');
    assert.match(h.calls[0]!.detail ?? '', /invalid request path/);
  } finally {
    await h.close();
  }
});

test('destroying the client ends in-flight requests as failures, never a crash', async () => {
  const h = new Harness(scenario(server.url, [req('r', { url: '/hang' })]));
  const running = h.run();
  await new Promise((r) => setTimeout(r, 50));
  await h.client.destroy();
  assert.equal(await running, 'failed');
  assert.equal(h.calls[0]!.outcome, 'other');
  assert.equal(await h.run(), 'failed', 'a destroyed client still answers with an outcome');
});
