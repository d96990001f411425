import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpClient } from '../../../scenarios/http/http-client.js';
import { ResponseHandler, HandlerState } from '../../../scenarios/http/response-handler.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { scenario } from '../flow-fixtures.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

const http = { connections: 2, pipelining: 1, maxBodyBytes: 16 };

test('one pool per origin, created once; accepts a scenario or its http options', async () => {
  const client = new HttpClient(scenario(server.url, []));
  assert.equal(client.pool(server.url), client.pool(server.url));
  assert.notEqual(client.pool(server.url), client.pool(`http://localhost:${server.port}`));
  assert.deepEqual(client.origins.length, 2);
  await client.close();
  const other = new HttpClient(http);
  assert.ok(other.pool(server.url));
  await other.destroy();
});

test('handler: timings are ordered, body capped at keepBytes, headers read lazily', async () => {
  const client = new HttpClient(http);
  try {
    const h = new ResponseHandler(16, 2000);
    await h.send(client.pool(server.url), { method: 'POST', path: '/login', headers: ['content-type', 'application/json'], body: '{"user":"abcdefghijklmnopqrstuvwxyz"}' });
    assert.equal(h.state, HandlerState.Complete);
    assert.equal(h.statusCode, 200);
    assert.ok(h.issuedAt > 0 && h.issuedAt <= h.sentAt && h.sentAt <= h.endedAt);
    assert.equal(h.bytesIn, '{"token":"tok-abcdefghijklmnopqrstuvwxyz"}'.length);
    assert.equal(h.truncated, true);
    assert.equal(h.text(), '{"token":"tok-ab');
    assert.match(h.header('x-request-id') ?? '', /^req-/);
    assert.equal(h.header('content-type'), 'application/json');
    assert.equal(h.header('nope'), undefined);
  } finally {
    await client.destroy();
  }
});

test('keep-alive: sequential requests reuse their connections', async () => {
  const client = new HttpClient({ connections: 8, pipelining: 1, maxBodyBytes: 1024 });
  try {
    let most = 0;
    for (let i = 0; i < 20; i++) {
      const h = new ResponseHandler(1024, 2000);
      await h.send(client.pool(server.url), { method: 'GET', path: '/ok' });
      assert.equal(h.state, HandlerState.Complete);
      most = Math.max(most, (client.pool(server.url) as unknown as { stats: { connected: number } }).stats.connected);
    }
    // undici frees a pipelining-1 socket one event-loop turn after a response, so an immediate next
    // request may take a second connection; never one per request.
    assert.ok(most <= 2, `${most} connections for 20 sequential requests`);
  } finally {
    await client.close();
  }
});

test('pipelining is passed to the pool: four requests are written before the first answer', async () => {
  const client = new HttpClient({ connections: 1, pipelining: 4, maxBodyBytes: 0 });
  try {
    const handlers = Array.from({ length: 4 }, () => new ResponseHandler(0, 3000));
    await Promise.all(handlers.map((h) => h.send(client.pool(server.url), { method: 'GET', path: '/delay/100', blocking: false })));
    assert.ok(handlers.every((h) => h.state === HandlerState.Complete));
    assert.ok(handlers[3]!.sentAt < handlers[0]!.endedAt, 'the fourth was sent while the first was outstanding');
  } finally {
    await client.close();
  }
});

test('close() is graceful: queued requests still complete', async () => {
  const client = new HttpClient(http);
  const h = new ResponseHandler(0, 3000);
  const done = h.send(client.pool(server.url), { method: 'GET', path: '/delay/50' });
  await client.close();
  await done;
  assert.equal(h.state, HandlerState.Complete);
});
