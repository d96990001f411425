import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFlows, FlowCompileError, type CompiledRequest } from '../../../scenarios/flow/compile-flow.js';
import { UrlResolver } from '../../../scenarios/http/request-url.js';
import { req, scenario } from '../flow-fixtures.js';

function first(target: string, ...steps: Parameters<typeof req>[]): CompiledRequest[] {
  const flows = compileFlows(scenario(target, steps.map((s) => req(...s))));
  return flows[0]!.steps as CompiledRequest[];
}

test('URL resolution: relative URLs append to the target base path; absolute URLs keep their origin', () => {
  const r = new UrlResolver('http://127.0.0.1:8080/api/v1/');
  assert.deepEqual(r.resolve('/login'), { origin: 'http://127.0.0.1:8080', path: '/api/v1/login' });
  assert.deepEqual(r.resolve('login?x=1'), { origin: 'http://127.0.0.1:8080', path: '/api/v1/login?x=1' });
  assert.deepEqual(r.resolve('?x=1'), { origin: 'http://127.0.0.1:8080', path: '/api/v1?x=1' });
  assert.deepEqual(r.resolve('HTTP://Other.Example:9/a#frag'), { origin: 'http://other.example:9', path: '/a' });
  assert.deepEqual(r.resolve('https://h'), { origin: 'https://h', path: '/' });
  assert.deepEqual(r.resolve('http://h?q=1'), { origin: 'http://h', path: '/?q=1' });
  const root = new UrlResolver('http://h:1');
  assert.deepEqual(root.resolve('/x'), { origin: 'http://h:1', path: '/x' });
  assert.deepEqual(root.resolve(''), { origin: 'http://h:1', path: '/' });
  assert.throws(() => new UrlResolver('ftp://h/'));
});

test('a fully constant request is precompiled into one reusable dispatch options object', () => {
  const [r] = first('http://h:1/base', ['get', { url: '/items', query: { 'a b': 'c&d', n: '1' } }]);
  assert.equal(r!.origin, 'http://h:1');
  assert.equal(r!.path, '/base/items?a%20b=c%26d&n=1');
  assert.deepEqual(r!.constantOptions, { method: 'GET', path: '/base/items?a%20b=c%26d&n=1', headers: [], body: null });
  assert.equal(r!.keepBytes, 0, 'no check or capture needs the body');
});

test('headers merge over defaults case-insensitively; json sets content-type unless given', () => {
  const s = scenario('http://h:1', [
    req('a', { method: 'post', url: '/a', headers: { 'User-Agent': 'mine', 'X-T': '{{t}}' }, json: { a: 1 } }),
    req('b', { method: 'POST', url: '/b', headers: { 'Content-Type': 'application/vnd+json' }, json: { a: '{{t}}' } }),
  ], { defaults: { headers: { 'user-agent': 'default', accept: '*/*' }, timeoutMs: 1234 } });
  const [a, b] = compileFlows(s)[0]!.steps as CompiledRequest[];
  assert.equal(a!.method, 'POST');
  assert.deepEqual(a!.headers, ['user-agent', 'mine', 'accept', '*/*', 'content-type', 'application/json']);
  assert.deepEqual(a!.headerTemplates.map(([n]) => n), ['x-t']);
  assert.deepEqual(a!.body, Buffer.from('{"a":1}'));
  assert.equal(a!.constantOptions, null, 'a templated header makes the request non-constant');
  assert.equal(a!.timeoutMs, 1234);
  assert.deepEqual(b!.headers, ['user-agent', 'default', 'accept', '*/*', 'content-type', 'application/vnd+json']);
  assert.equal(typeof b!.body, 'function');
  assert.equal(compileFlows(s)[0]!.usesVariables, true);
});

test('needs-body and uses-variables flags', () => {
  const flows = compileFlows(
    scenario('http://h:1', [
      { name: 'plain', weight: 2, steps: [req('a', { url: '/a' }, { check: { status: [200], maxLatencyMs: 5 } })] },
      { name: 'capturing', weight: 1, steps: [req('b', { url: '/b' }, { capture: { h: { from: 'header', name: 'x' } } }), req('c', { url: '/c' }, { check: { bodyContains: ['x'] } })] },
    ], { http: { connections: 1, pipelining: 1, maxBodyBytes: 777 } }),
  );
  assert.equal(flows[0]!.usesVariables, false);
  assert.equal(flows[1]!.usesVariables, true);
  assert.deepEqual(flows.map((f) => f.cumulativeWeight), [2, 3]);
  const [b, c] = flows[1]!.steps as CompiledRequest[];
  assert.equal(b!.keepBytes, 0, 'a header capture needs no body');
  assert.equal(c!.keepBytes, 777);
});

test('compile errors name the flow and step', () => {
  const bad = [
    req('tpl', { url: '/{{#if}}' }),
    req('re', { url: '/' }, { check: { bodyMatches: ['('] } }),
    req('path', { url: '/' }, { capture: { x: { from: 'json', path: '$..x' } } }),
  ];
  for (const step of bad) {
    assert.throws(() => compileFlows(scenario('http://h:1', [step])), (err: unknown) => {
      assert.ok(err instanceof FlowCompileError);
      assert.match(err.message, new RegExp(`^flow "main" step "${step.name}": `));
      return true;
    });
  }
});
