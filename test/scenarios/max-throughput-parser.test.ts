import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseParser, type ResponseHandler } from '../../scenarios/max-throughput/response-parser.js';

interface Seen {
  status: number;
  bytes: number;
  keepAlive: boolean;
}

function collector(): ResponseHandler & { seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    seen,
    onResponse(status, bytes, keepAlive) {
      seen.push({ status, bytes, keepAlive });
      return true;
    },
  };
}

/** Feeds `wire` in the given pieces; asserts no piece is rejected. */
function feed(parser: ResponseParser, wire: Buffer, cuts: number[]): void {
  let from = 0;
  for (const cut of [...cuts, wire.length]) {
    // copy, then scribble over the copy afterwards: the parser must not keep references into it
    const piece = Buffer.from(wire.subarray(from, cut));
    assert.equal(parser.execute(piece), true, `rejected piece ${from}..${cut}: ${parser.error}`);
    piece.fill(0x7a);
    from = cut;
  }
}

const LENGTH_RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nhello world\n');
const CHUNKED_RESPONSE = Buffer.from(
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '5\r\nhello\r\n' +
    '1;ext=1\r\n \r\n' +
    'A\r\n0123456789\r\n' +
    '0\r\nX-Trailer: yes\r\n\r\n',
);

test('content-length response, whole', () => {
  const h = collector();
  const p = new ResponseParser(h);
  feed(p, LENGTH_RESPONSE, []);
  assert.deepEqual(h.seen, [{ status: 200, bytes: LENGTH_RESPONSE.length, keepAlive: true }]);
  assert.equal(p.idle, true);
});

test('content-length response split at every byte boundary', () => {
  for (let cut = 1; cut < LENGTH_RESPONSE.length; cut++) {
    const h = collector();
    feed(new ResponseParser(h), LENGTH_RESPONSE, [cut]);
    assert.deepEqual(h.seen, [{ status: 200, bytes: LENGTH_RESPONSE.length, keepAlive: true }], `cut at ${cut}`);
  }
});

test('content-length response one byte at a time', () => {
  const h = collector();
  feed(new ResponseParser(h), LENGTH_RESPONSE, Array.from({ length: LENGTH_RESPONSE.length - 1 }, (_, i) => i + 1));
  assert.equal(h.seen.length, 1);
  assert.equal(h.seen[0]!.bytes, LENGTH_RESPONSE.length);
});

test('chunked response split at every byte boundary, and at every pair of boundaries', () => {
  const expected = [{ status: 200, bytes: CHUNKED_RESPONSE.length, keepAlive: true }];
  const h0 = collector();
  feed(new ResponseParser(h0), CHUNKED_RESPONSE, []);
  assert.deepEqual(h0.seen, expected);
  for (let a = 1; a < CHUNKED_RESPONSE.length; a++) {
    for (let b = a; b < CHUNKED_RESPONSE.length; b++) {
      const h = collector();
      const p = new ResponseParser(h);
      feed(p, CHUNKED_RESPONSE, a === b ? [a] : [a, b]);
      assert.deepEqual(h.seen, expected, `cuts at ${a}, ${b}`);
      assert.equal(p.idle, true);
    }
  }
});

test('pipelined responses in one chunk, mixing framings and statuses', () => {
  const third = Buffer.from('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
  const fourth = Buffer.from('HTTP/1.1 204 No Content\r\n\r\n');
  const fifth = Buffer.from('HTTP/1.1 503 Busy\r\nCONTENT-LENGTH: 3\r\n\r\nno\n');
  const wire = Buffer.concat([LENGTH_RESPONSE, CHUNKED_RESPONSE, third, fourth, fifth]);
  const h = collector();
  feed(new ResponseParser(h), wire, []);
  assert.deepEqual(
    h.seen.map((s) => [s.status, s.bytes]),
    [
      [200, LENGTH_RESPONSE.length],
      [200, CHUNKED_RESPONSE.length],
      [404, third.length],
      [204, fourth.length],
      [503, fifth.length],
    ],
  );
  // and the same stream cut everywhere
  for (let cut = 1; cut < wire.length; cut++) {
    const hc = collector();
    feed(new ResponseParser(hc), wire, [cut]);
    assert.equal(hc.seen.length, 5, `cut at ${cut}`);
    assert.equal(hc.seen.reduce((n, s) => n + s.bytes, 0), wire.length);
  }
});

test('interim 100 Continue is folded into the final response', () => {
  const wire = Buffer.concat([Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'), LENGTH_RESPONSE]);
  const h = collector();
  feed(new ResponseParser(h), wire, []);
  assert.deepEqual(h.seen, [{ status: 200, bytes: wire.length, keepAlive: true }]);
});

test('connection: close ends parsing on the connection', () => {
  const closing = Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok');
  const h = collector();
  const p = new ResponseParser(h);
  feed(p, Buffer.concat([closing, LENGTH_RESPONSE]), []);
  assert.deepEqual(h.seen, [{ status: 200, bytes: closing.length, keepAlive: false }]);
  assert.equal(p.closed, true);
});

test('HTTP/1.0 without keep-alive closes; with keep-alive stays open', () => {
  const h = collector();
  feed(new ResponseParser(h), Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n'), []);
  feed(new ResponseParser(h), Buffer.from('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n'), []);
  assert.deepEqual(
    h.seen.map((s) => s.keepAlive),
    [false, true],
  );
});

test('a body without length is delimited by the close', () => {
  const wire = Buffer.from('HTTP/1.1 200 OK\r\n\r\nsome body');
  const h = collector();
  const p = new ResponseParser(h);
  feed(p, wire, [20]);
  assert.equal(h.seen.length, 0);
  assert.equal(p.finish(), true);
  assert.deepEqual(h.seen, [{ status: 200, bytes: wire.length, keepAlive: false }]);
});

test('a response cut short by the close is an error at finish', () => {
  const h = collector();
  const p = new ResponseParser(h);
  feed(p, LENGTH_RESPONSE.subarray(0, LENGTH_RESPONSE.length - 3), []);
  assert.equal(p.finish(), false);
  assert.match(p.error ?? '', /closed before/);
  assert.equal(h.seen.length, 0);
});

test('HEAD responses have no body whatever content-length says', () => {
  const h = collector();
  const p = new ResponseParser(h, false);
  const head = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n');
  feed(p, Buffer.concat([head, head]), []);
  assert.deepEqual(
    h.seen.map((s) => s.bytes),
    [head.length, head.length],
  );
});

test('the handler can refuse a response and stop the parser', () => {
  const p = new ResponseParser({ onResponse: () => false });
  assert.equal(p.execute(Buffer.concat([LENGTH_RESPONSE, LENGTH_RESPONSE])), true);
  assert.equal(p.closed, true);
});

const MALFORMED: Array<[string, string]> = [
  ['not http', 'garbage\r\n\r\n'],
  ['bad version', 'HTTP/2.0 200 OK\r\n\r\n'],
  ['short status', 'HTTP/1.1 20 OK\r\n\r\n'],
  ['status out of range', 'HTTP/1.1 999 What\r\n\r\n'],
  ['bad content-length', 'HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n'],
  ['empty content-length', 'HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n'],
  ['conflicting content-length', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'],
  ['header without colon', 'HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n'],
  ['folded header', 'HTTP/1.1 200 OK\r\nA: b\r\n  c\r\n\r\n'],
  ['bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
  ['chunk longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n'],
  ['101 upgrade', 'HTTP/1.1 101 Switching Protocols\r\n\r\n'],
];

for (const [name, text] of MALFORMED) {
  test(`malformed: ${name} is an error, not a throw`, () => {
    const h = collector();
    const p = new ResponseParser(h);
    assert.equal(p.execute(Buffer.from(text)), false);
    assert.ok(p.error);
    assert.equal(h.seen.length, 0);
    // and it stays failed
    assert.equal(p.execute(LENGTH_RESPONSE), false);
  });
}

test('malformed: a head that never ends is rejected once it is too long', () => {
  const p = new ResponseParser(collector());
  assert.equal(p.execute(Buffer.from('HTTP/1.1 200 OK\r\n')), true);
  let ok = true;
  for (let i = 0; i < 100 && ok; i++) ok = p.execute(Buffer.from(`X-Filler-${i}: ${'x'.repeat(1000)}\r\n`));
  assert.equal(ok, false);
  assert.match(p.error ?? '', /longer than/);
});

test('connection header values are case-insensitive token lists', () => {
  const h = collector();
  for (const value of ['Close', 'KEEP-ALIVE', 'keep-alive, Upgrade', 'foo, close']) {
    feed(new ResponseParser(h), Buffer.from(`HTTP/1.1 200 OK\r\nConnection: ${value}\r\nContent-Length: 0\r\n\r\n`), []);
  }
  assert.deepEqual(
    h.seen.map((s) => s.keepAlive),
    [false, true, true, false],
  );
});
