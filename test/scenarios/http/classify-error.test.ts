import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errors } from 'undici';
import { classifyError, describeError, RequestTimeoutError, statusOutcome } from '../../../scenarios/http/classify-error.js';

function coded(code: string, message = 'x'): Error {
  return Object.assign(new Error(message), { code });
}

test('codes map to outcome classes', () => {
  assert.equal(classifyError(coded('ECONNREFUSED')), 'connect_refused');
  for (const c of ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']) assert.equal(classifyError(coded(c)), 'reset', c);
  for (const c of ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']) {
    assert.equal(classifyError(coded(c)), 'timeout', c);
  }
  assert.equal(classifyError(new RequestTimeoutError(200)), 'timeout');
  assert.equal(classifyError(new errors.HeadersTimeoutError()), 'timeout');
  assert.equal(classifyError(new errors.SocketError('other side closed')), 'reset');
  assert.equal(classifyError(coded('ENOTFOUND')), 'dns');
  assert.equal(classifyError(coded('EAI_AGAIN')), 'dns');
  assert.equal(classifyError(new Error('other side closed')), 'reset');
  assert.equal(classifyError(new errors.InvalidArgumentError('bad')), 'other');
  assert.equal(classifyError(new Error('?')), 'other');
  assert.equal(classifyError(undefined), 'other');
  assert.equal(classifyError('string'), 'other');
});

test('looks inside AggregateError and cause', () => {
  assert.equal(classifyError(new AggregateError([coded('ECONNREFUSED')], '')), 'connect_refused');
  assert.equal(classifyError(Object.assign(new Error('fetch failed'), { cause: coded('ECONNRESET') })), 'reset');
});

test('describeError is short and names the code', () => {
  assert.equal(describeError(new RequestTimeoutError(200)), 'timeout after 200 ms');
  assert.equal(describeError(coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')), 'connect ECONNREFUSED 127.0.0.1:1');
  assert.equal(describeError(new AggregateError([coded('ECONNREFUSED', 'inner')], '')), 'ECONNREFUSED: inner');
  assert.equal(describeError(null), 'null');
});

test('status outcomes', () => {
  assert.equal(statusOutcome(404), 'http_4xx');
  assert.equal(statusOutcome(503), 'http_5xx');
  assert.equal(statusOutcome(200), 'check_failed');
});
