import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startTestServer } from './test-server.js';

test('serves its routes on 127.0.0.1 from a child process; close() kills that child', async () => {
  const server = await startTestServer();
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(server.pid, process.pid);
  const ok = await request(`${server.url}/ok`);
  assert.equal(ok.statusCode, 200);
  assert.equal(await ok.body.text(), 'ok\n');
  const json = await request(`${server.url}/json`);
  assert.deepEqual(await json.body.json(), { status: 'ok', items: [{ id: 1 }, { id: 2 }] });
  const unauth = await request(`${server.url}/orders`, { method: 'POST', body: '{}' });
  assert.equal(unauth.statusCode, 401);
  await unauth.body.dump();
  const big = await request(`${server.url}/big?bytes=12345`);
  assert.equal((await big.body.arrayBuffer()).byteLength, 12345);
  const teapot = await request(`${server.url}/status/418`);
  assert.equal(teapot.statusCode, 418);
  await teapot.body.dump();
  await server.close();
  assert.throws(() => process.kill(server.pid, 0), /ESRCH/);
});

test('delayMs delays every response; stallMs blocks the child event loop', async () => {
  const delayed = await startTestServer({ delayMs: 150 });
  try {
    const t0 = performance.now();
    await (await request(`${delayed.url}/ok`)).body.text();
    assert.ok(performance.now() - t0 >= 140);
  } finally {
    await delayed.close();
  }
  const stalled = await startTestServer({ stallMs: 300, stallEveryMs: 400 });
  try {
    let worst = 0;
    const until = performance.now() + 900;
    while (performance.now() < until) {
      const t0 = performance.now();
      await (await request(`${stalled.url}/ok`)).body.text();
      worst = Math.max(worst, performance.now() - t0);
    }
    assert.ok(worst >= 150, `worst response ${worst} ms should show the stall`);
  } finally {
    await stalled.close();
  }
});
