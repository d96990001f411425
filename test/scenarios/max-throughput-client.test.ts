import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { IterationStatus, MetricsSink } from '../../scenarios/metrics-sink.js';
import type { Outcome } from '../../scenarios/outcome.js';
import { MaxThroughputOptionError, runMaxThroughput } from '../../scenarios/max-throughput/index.js';

// Real sockets against servers started here on 127.0.0.1. No assertion on speed or elapsed time.

class CountingSink implements MetricsSink {
  requests = 0;
  readonly outcomes = new Map<Outcome, number>();
  readonly steps = new Set<string>();
  readonly details: string[] = [];
  bytesIn = 0;
  bytesOut = 0;
  started = 0;
  readonly ended: Record<IterationStatus, number> = { ok: 0, failed: 0, interrupted: 0 };
  request(_phase: number, step: string, outcome: Outcome, latencyUs: number, serviceUs: number, bytesIn: number, bytesOut: number, detail?: string): void {
    assert.equal(latencyUs, serviceUs, 'closed loop: latency is service time');
    assert.ok(latencyUs >= 0);
    this.requests++;
    this.steps.add(step);
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    this.bytesIn += bytesIn;
    this.bytesOut += bytesOut;
    if (detail !== undefined && this.details.length < 10) this.details.push(detail);
  }
  iterationStarted(_phase: number, lagUs: number): void {
    assert.equal(lagUs, 0);
    this.started++;
  }
  iterationEnded(_phase: number, _durationUs: number, status: IterationStatus): void {
    this.ended[status]++;
  }
  iterationDropped(): void {
    assert.fail('the max-throughput client never drops iterations');
  }
  get endedTotal(): number {
    return this.ended.ok + this.ended.failed + this.ended.interrupted;
  }
  only(outcome: Outcome): void {
    assert.deepEqual([...this.outcomes.keys()], [outcome], `outcomes: ${JSON.stringify([...this.outcomes])} ${this.details.join('; ')}`);
  }
}

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: net.Server | http.Server): Promise<void> {
  if (server instanceof http.Server) server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A node:http server that counts the requests it served. */
async function countingServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.end('hello world\n'),
): Promise<{ url: string; served: () => number; server: http.Server }> {
  let served = 0;
  const server = http.createServer((req, res) => {
    served++;
    handler(req, res);
  });
  server.keepAliveTimeout = 60_000;
  const url = await listen(server);
  return { url, served: () => served, server };
}

for (const pipelining of [1, 3]) {
  test(`stops at maxRequests and its counts match the server's (pipelining ${pipelining})`, async () => {
    const s = await countingServer();
    const sink = new CountingSink();
    const result = await runMaxThroughput({ url: `${s.url}/hello?x=1`, connections: 4, pipelining, durationMs: 30_000, maxRequests: 503 }, sink);
    await close(s.server);
    assert.equal(result.stoppedBy, 'max_requests');
    assert.equal(result.requests, 503);
    assert.equal(result.byOutcome.ok, 503);
    assert.equal(s.served(), 503);
    assert.equal(sink.requests, 503);
    sink.only('ok');
    assert.equal(sink.started, 503);
    assert.deepEqual(sink.ended, { ok: 503, failed: 0, interrupted: 0 });
    assert.deepEqual([...sink.steps], ['GET /hello']);
    assert.equal(sink.bytesIn, result.bytesIn);
    assert.ok(sink.bytesIn > 503 * 12);
    assert.equal(sink.bytesOut, result.bytesOut);
  });
}

test('stops on time; every started iteration ends, unfinished ones as interrupted', async () => {
  const s = await countingServer();
  const sink = new CountingSink();
  const result = await runMaxThroughput({ url: s.url, connections: 3, pipelining: 2, durationMs: 300 }, sink);
  const served = s.served();
  await close(s.server);
  assert.equal(result.stoppedBy, 'duration');
  assert.ok(result.requests > 0);
  assert.equal(sink.requests, result.requests);
  sink.only('ok');
  assert.equal(sink.started, sink.endedTotal);
  assert.equal(sink.ended.ok, result.requests);
  assert.ok(sink.ended.interrupted <= 6);
  // the server served every completed request, and at most the interrupted ones besides
  assert.ok(served >= result.requests && served <= result.requests + sink.ended.interrupted, `served ${served}`);
});

test('an abort signal stops the run', async () => {
  const s = await countingServer();
  const sink = new CountingSink();
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const result = await runMaxThroughput({ url: s.url, connections: 2, durationMs: 60_000, signal: ac.signal }, sink);
  await close(s.server);
  assert.equal(result.stoppedBy, 'signal');
  assert.equal(sink.started, sink.endedTotal);
});

test('chunked responses, POST bodies and custom headers', async () => {
  const bodies: string[] = [];
  const s = await countingServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(`${req.method} ${req.headers['x-test']} ${req.headers['content-length']} ${body}`);
      res.write('part one, ');
      res.end('part two');
    });
  });
  const sink = new CountingSink();
  const result = await runMaxThroughput(
    { url: s.url, method: 'post', headers: { 'X-Test': 'yes' }, body: '{"a":1}', connections: 2, durationMs: 30_000, maxRequests: 50 },
    sink,
  );
  await close(s.server);
  assert.equal(result.byOutcome.ok, 50);
  assert.equal(s.served(), 50);
  assert.deepEqual(new Set(bodies), new Set(['POST yes 7 {"a":1}']));
  assert.deepEqual([...sink.steps], ['POST /']);
});

for (const pipelining of [1, 2]) {
  test(`a server that closes after every response (connection: close) is followed by reconnects (pipelining ${pipelining})`, async () => {
    const s = await countingServer((_req, res) => {
      res.setHeader('connection', 'close');
      res.end('bye');
    });
    const sink = new CountingSink();
    const result = await runMaxThroughput({ url: s.url, connections: 3, pipelining, durationMs: 30_000, maxRequests: 60 }, sink);
    await close(s.server);
    assert.equal(result.byOutcome.ok, 60);
    sink.only('ok');
    assert.equal(sink.started, 60);
    // Pipelined requests behind a `connection: close` response go unanswered and are sent again, so
    // the server may have run some of them twice.
    if (pipelining === 1) assert.equal(s.served(), 60);
    else assert.ok(s.served() >= 60);
  });
}

test('HEAD requests', async () => {
  const s = await countingServer((_req, res) => {
    res.setHeader('content-length', '100');
    res.end();
  });
  const sink = new CountingSink();
  const result = await runMaxThroughput({ url: s.url, method: 'HEAD', connections: 2, durationMs: 30_000, maxRequests: 20 }, sink);
  await close(s.server);
  assert.equal(result.byOutcome.ok, 20);
  assert.equal(s.served(), 20);
});

test('4xx and 5xx statuses are classified', async () => {
  let n = 0;
  const s = await countingServer((_req, res) => {
    res.statusCode = n++ % 2 === 0 ? 404 : 503;
    res.end('no');
  });
  const sink = new CountingSink();
  const result = await runMaxThroughput({ url: s.url, connections: 1, durationMs: 30_000, maxRequests: 10 }, sink);
  await close(s.server);
  assert.equal(result.byOutcome.http_4xx, 5);
  assert.equal(result.byOutcome.http_5xx, 5);
  assert.deepEqual(sink.ended, { ok: 0, failed: 10, interrupted: 0 });
});

test('a refused port is measured as connect_refused, not fatal', async () => {
  const probe = net.createServer();
  const url = await listen(probe);
  await close(probe); // nothing listens there now
  const sink = new CountingSink();
  const result = await runMaxThroughput({ url, connections: 2, durationMs: 300 }, sink);
  assert.equal(result.stoppedBy, 'duration');
  assert.ok(result.requests >= 2);
  sink.only('connect_refused');
  assert.equal(result.byOutcome.connect_refused, result.requests);
  assert.match(sink.details[0] ?? '', /ECONNREFUSED/);
  assert.equal(sink.started, sink.endedTotal);
});

test('a server that destroys sockets gives reset', async () => {
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    socket.on('data', () => socket.resetAndDestroy());
    socket.on('error', () => {});
  });
  const url = await listen(server);
  const sink = new CountingSink();
  const result = await runMaxThroughput({ url, connections: 2, durationMs: 30_000, maxRequests: 20 }, sink);
  await close(server);
  assert.equal(result.stoppedBy, 'max_requests');
  sink.only('reset');
  assert.equal(result.byOutcome.reset, 20);
  assert.ok(accepted >= 10, `reconnected after errors (${accepted} connections)`);
});

test('a server that closes without answering gives reset', async () => {
  const server = net.createServer((socket) => socket.once('data', () => socket.end()));
  const url = await listen(server);
  const sink = new CountingSink();
  const result = await runMaxThroughput({ url, connections: 1, durationMs: 30_000, maxRequests: 5 }, sink);
  await close(server);
  sink.only('reset');
  assert.equal(result.requests, 5);
});

test('a hanging server gives timeout after the per-request timeout', async () => {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  const url = await listen(server);
  const sink = new CountingSink();
  const result = await runMaxThroughput({ url, connections: 2, pipelining: 2, durationMs: 30_000, timeoutMs: 50, maxRequests: 8 }, sink);
  for (const s of sockets) s.destroy();
  await close(server);
  assert.equal(result.stoppedBy, 'max_requests');
  sink.only('timeout');
  assert.equal(result.byOutcome.timeout, 8);
});

test('a malformed response is an error of class other, and the client carries on', async () => {
  let n = 0;
  const server = net.createServer((socket) => {
    socket.on('data', () => {
      socket.write(n++ % 2 === 0 ? 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' : 'NONSENSE\r\n\r\n');
    });
    socket.on('error', () => {});
  });
  const url = await listen(server);
  const sink = new CountingSink();
  const result = await runMaxThroughput({ url, connections: 1, durationMs: 30_000, maxRequests: 10 }, sink);
  await close(server);
  assert.equal(result.requests, 10);
  assert.ok(result.byOutcome.ok > 0);
  assert.ok(result.byOutcome.other > 0);
  assert.match(sink.details[0] ?? '', /malformed response/);
});

test('bad options are rejected before any socket opens', () => {
  const bad = [
    { url: 'not a url', durationMs: 1 },
    { url: 'https://127.0.0.1/', durationMs: 1 },
    { url: 'http://127.0.0.1/', durationMs: 0 },
    { url: 'http://127.0.0.1/', durationMs: 1, connections: 0 },
    { url: 'http://127.0.0.1/', durationMs: 1, pipelining: 1.5 },
    { url: 'http://127.0.0.1/', durationMs: 1, method: 'G ET' },
    { url: 'http://127.0.0.1/', durationMs: 1, headers: { 'x-a': 'b\r\nc: d' } },
  ];
  for (const options of bad) {
    assert.throws(() => runMaxThroughput(options, new CountingSink()), MaxThroughputOptionError, JSON.stringify(options));
  }
});
