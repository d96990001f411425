import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { Harness, req, scenario } from '../flow-fixtures.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

test('one GET: ok outcome, bytes counted, latency and service recorded', async () => {
  const h = new Harness(scenario(server.url, [req('home', { url: '/ok' })]));
  try {
    assert.equal(await h.run(), 'ok');
    assert.equal(h.calls.length, 1);
    const c = h.calls[0]!;
    assert.equal(c.step, 'home');
    assert.equal(c.outcome, 'ok');
    assert.equal(c.bytesIn, 3);
    assert.equal(c.bytesOut, 0);
    assert.equal(c.detail, undefined);
    assert.ok(c.serviceUs > 0 && c.serviceUs <= c.latencyUs);
  } finally {
    await h.close();
  }
});

test('login -> order -> read: json, header and regex captures feed later templates', async () => {
  const flow = [
    req(
      'login',
      { method: 'POST', url: '/login', json: { user: '{{users.name}}' } },
      {
        capture: {
          token: { from: 'json', path: '$.token' },
          requestId: { from: 'header', name: 'X-Request-Id' },
          who: { from: 'regex', pattern: '"tok-(\\w+)"', group: 1 },
        },
        check: { status: [200], json: [{ path: '$.token', equals: 'tok-ann' }] },
      },
    ),
    req(
      'order',
      { method: 'POST', url: '/orders', headers: { Authorization: 'Bearer {{token}}' }, json: { by: '{{who}}', qty: 2 } },
      { capture: { orderId: { from: 'json', path: '$.id' } }, check: { status: [201] } },
    ),
    req('read', { url: '/orders/{{orderId}}' }, { check: { json: [{ path: '$.status', equals: 'created' }], bodyContains: ['created'] } }),
    req(
      'echo',
      { method: 'POST', url: '/echo', headers: { 'x-req': '{{requestId}}', 'x-vu': 'vu{{vu}}-it{{iteration}}' }, query: { q: 'a b&c', who: '{{who}}' }, body: 'order={{orderId}}' },
      { check: { bodyMatches: ['"x-req":"req-'], json: [{ path: '$.query', equals: { q: 'a b&c', who: 'ann' } }, { path: '$.headers.x-vu', equals: 'vu7-it3' }] } },
    ),
  ];
  const h = new Harness(scenario(server.url, flow, { defaults: { headers: { 'user-agent': 'loadtest-test' }, timeoutMs: 5000 } }));
  try {
    const status = await h.run({ vu: 7, iteration: 3, rows: { users: { name: 'ann' } } });
    assert.deepEqual(
      h.calls.map((c) => [c.step, c.outcome, c.detail]),
      [
        ['login', 'ok', undefined],
        ['order', 'ok', undefined],
        ['read', 'ok', undefined],
        ['echo', 'ok', undefined],
      ],
    );
    assert.equal(status, 'ok');
    assert.equal(h.calls[0]!.bytesOut, JSON.stringify({ user: 'ann' }).length);
  } finally {
    await h.close();
  }
});

test('echo: rendered headers, merged defaults, json content-type, encoded query, rendered body', async () => {
  const defaults = { headers: { 'user-agent': 'default', 'x-default': 'd' }, timeoutMs: 5000 };
  const step = req(
    'echo',
    { method: 'POST', url: '/echo?fixed=1', headers: { 'X-Token': '{{f.t}}', 'User-Agent': 'override' }, query: { 'a b': 'x/{{f.t}}' }, json: { k: '{{f.t}}', n: 1 } },
    {
      check: {
        json: [
          { path: '$.method', equals: 'POST' },
          { path: "$.headers['x-token']", equals: 'T1' },
          { path: "$.headers['user-agent']", equals: 'override' },
          { path: "$.headers['x-default']", equals: 'd' },
          { path: "$.headers['content-type']", equals: 'application/json' },
          { path: '$.query', equals: { fixed: '1', 'a b': 'x/T1' } },
          { path: '$.body', equals: '{"k":"T1","n":1}' },
        ],
      },
    },
  );
  const h = new Harness(scenario(server.url, [step], { defaults }));
  try {
    assert.equal(await h.run({ rows: { f: { t: 'T1' } } }), 'ok', h.calls[0]?.detail);
  } finally {
    await h.close();
  }
});

test('captured variables live for one iteration only', async () => {
  const flow = [
    req('before', { method: 'POST', url: '/echo', headers: { 'x-t': '[{{token}}]' } }, { check: { json: [{ path: "$.headers['x-t']", equals: '[]' }] } }),
    req('login', { method: 'POST', url: '/login', json: { user: 'zed' } }, { capture: { token: { from: 'json', path: '$.token' } } }),
    req('afterwards', { method: 'POST', url: '/echo', headers: { 'x-t': '[{{token}}]' } }, { check: { json: [{ path: "$.headers['x-t']", equals: '[tok-zed]' }] } }),
  ];
  const h = new Harness(scenario(server.url, flow));
  try {
    assert.equal(await h.run(), 'ok', JSON.stringify(h.calls));
    assert.equal(await h.run(), 'ok', JSON.stringify(h.calls));
    assert.equal(h.calls.length, 6);
  } finally {
    await h.close();
  }
});

test('a loop repeats its steps; think time between requests', async () => {
  const flow = [{ kind: 'loop' as const, name: 'three', count: 3, steps: [req('tick', { url: '/ok' }, { think: { minMs: 20, maxMs: 30 } })] }];
  const h = new Harness(scenario(server.url, flow));
  try {
    const t0 = performance.now();
    assert.equal(await h.run(), 'ok');
    const elapsed = performance.now() - t0;
    assert.equal(h.calls.length, 3);
    assert.ok(elapsed >= 60, `three thinks of >= 20 ms took ${elapsed} ms`);
  } finally {
    await h.close();
  }
});

test('latency of the first request counts from the intended start; service time from the send', async () => {
  const h = new Harness(scenario(server.url, [req('first', { url: '/ok' }), req('second', { url: '/ok' })]));
  try {
    assert.equal(await h.run({ intendedStartMs: performance.now() - 50 }), 'ok');
    const [first, second] = h.calls;
    assert.ok(first!.latencyUs >= 50_000, `latency ${first!.latencyUs} us`);
    assert.ok(first!.serviceUs < 30_000, `service ${first!.serviceUs} us`);
    assert.ok(second!.latencyUs < 30_000, `second request counts from its own issue: ${second!.latencyUs} us`);
    assert.ok(second!.serviceUs <= second!.latencyUs);
  } finally {
    await h.close();
  }
});

test('a step failing ends the iteration as failed; later steps are not run', async () => {
  const h = new Harness(scenario(server.url, [req('bad', { url: '/status/404' }), req('never', { url: '/ok' })]));
  try {
    assert.equal(await h.run(), 'failed');
    assert.deepEqual(h.calls.map((c) => [c.step, c.outcome, c.detail]), [['bad', 'http_4xx', 'status 404']]);
  } finally {
    await h.close();
  }
});

test('abort during a request: interrupted, and the request is not recorded', async () => {
  const h = new Harness(
    scenario(server.url, [
      { name: 'hangs', weight: 1, steps: [req('ok', { url: '/ok' }), req('slow', { url: '/hang' })] },
      { name: 'plain', weight: 1, steps: [req('after', { url: '/ok' })] },
    ]),
  );
  try {
    const ac = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ac.abort(), 100);
    assert.equal(await h.run({}, ac.signal), 'interrupted');
    assert.ok(performance.now() - t0 < 1000);
    assert.deepEqual(h.calls.map((c) => c.step), ['ok']);
    // The pool still works afterwards.
    assert.equal(await h.run({}, undefined, 1), 'ok');
    assert.deepEqual(h.calls.map((c) => c.step), ['ok', 'after']);
  } finally {
    await h.close();
  }
});

test('abort during think time wakes it at once; an already aborted signal starts nothing', async () => {
  const h = new Harness(scenario(server.url, [req('ok', { url: '/ok' }, { think: { minMs: 10_000, maxMs: 10_000 } }), req('never', { url: '/ok' })]));
  try {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const t0 = performance.now();
    assert.equal(await h.run({}, ac.signal), 'interrupted');
    assert.ok(performance.now() - t0 < 1000);
    assert.deepEqual(h.calls.map((c) => c.step), ['ok']);
    assert.equal(await h.run({}, ac.signal), 'interrupted');
    assert.equal(h.calls.length, 1);
  } finally {
    await h.close();
  }
});

test('many concurrent iterations share one signal: all interrupted, no listener-leak warning', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error): void => {
    warnings.push(w.message);
  };
  process.on('warning', onWarning);
  const h = new Harness(scenario(server.url, [req('slow', { url: '/hang' })], { http: { connections: 8, pipelining: 1, maxBodyBytes: 1024 } }));
  try {
    const ac = new AbortController();
    const runs = Array.from({ length: 50 }, (_, i) => h.run({ vu: i }, ac.signal));
    await new Promise((r) => setTimeout(r, 100));
    ac.abort();
    assert.deepEqual(new Set(await Promise.all(runs)), new Set(['interrupted']));
    assert.equal(h.calls.length, 0);
    // Finished iterations leave nothing behind: a later run on the same (aborted) signal is refused at once.
    assert.equal(await h.run({}, ac.signal), 'interrupted');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(warnings.filter((w) => /listener/i.test(w)), []);
  } finally {
    process.off('warning', onWarning);
    await h.close();
  }
});
