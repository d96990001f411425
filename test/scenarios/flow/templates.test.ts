import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TemplateCompiler, render } from '../../../scenarios/flow/templates.js';

const tc = new TemplateCompiler();

test('a string without {{ is a constant, not a function', () => {
  assert.equal(tc.compile('/orders/42'), '/orders/42');
  assert.equal(tc.compile(''), '');
});

test('renders variables, feeder rows, env, vu and iteration without escaping', () => {
  const t = tc.compile('{{token}} {{users.name}} {{env.HOME}} {{vu}}/{{iteration}} {{missing}}|');
  assert.equal(typeof t, 'function');
  const out = render(t, { token: 'a&b<c>', users: { name: 'ann' }, env: { HOME: '/root' }, vu: 3, iteration: 7 });
  assert.equal(out, 'a&b<c> ann /root 3/7 |');
});

test('helpers: randomInt, randomString, uuid, now', () => {
  for (let i = 0; i < 200; i++) {
    const n = Number(render(tc.compile('{{randomInt 5 7}}'), {}));
    assert.ok(Number.isInteger(n) && n >= 5 && n <= 7, String(n));
    const m = Number(render(tc.compile('{{randomInt 3}}'), {}));
    assert.ok(m >= 0 && m <= 3);
  }
  assert.match(render(tc.compile('{{randomString 12}}'), {}), /^[A-Za-z0-9]{12}$/);
  assert.match(render(tc.compile('{{randomString}}'), {}), /^[A-Za-z0-9]{8}$/);
  assert.match(render(tc.compile('{{uuid}}'), {}), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const now = Number(render(tc.compile('{{now}}'), {}));
  assert.ok(Math.abs(now - Date.now()) < 1000);
});

test('helpers: base64, base64decode, add, padStart, nested for a compare-and-swap decrement', () => {
  assert.equal(render(tc.compile('{{base64 "sale/stock"}}'), {}), Buffer.from('sale/stock').toString('base64'));
  assert.equal(render(tc.compile('{{base64decode v}}'), { v: Buffer.from('000042').toString('base64') }), '000042');
  assert.equal(render(tc.compile('{{add 2 "3" -1}}'), {}), '4');
  assert.equal(render(tc.compile('{{padStart 7 4 "0"}}'), {}), '0007');
  assert.equal(render(tc.compile('{{concat "kv/" 7 "/x"}}'), {}), 'kv/7/x');
  const decrement = tc.compile('{{base64 (padStart (add (base64decode stock) -1) 6 "0")}}');
  assert.equal(render(decrement, { stock: Buffer.from('000010').toString('base64') }), Buffer.from('000009').toString('base64'));
});

test('helpers exist only on our own instance, not the global handlebars', async () => {
  const Handlebars = (await import('handlebars')).default;
  assert.equal(Handlebars.helpers['randomInt'], undefined);
});

test('syntax errors surface at compile time', () => {
  assert.throws(() => tc.compile('{{#if x}}unclosed'));
  assert.throws(() => tc.compile('{{ }}'));
});

test('JSON bodies: constant ones stringify once, templated leaves render, structure preserved', () => {
  const constant = { a: 1, b: [true, null, 'x'], c: { d: 'e' } };
  assert.equal(tc.compileJson(constant), JSON.stringify(constant));
  const body = { user: '{{users.name}}', n: 3, nested: { list: ['{{vu}}', 'plain', { q: 'say "{{token}}"' }] }, skip: undefined, '{{k}}': 'key is not a template' };
  const t = tc.compileJson(body);
  assert.equal(typeof t, 'function');
  const vars = { users: { name: 'bo"b' }, vu: 2, token: 'x\ny' };
  const expected = { user: 'bo"b', n: 3, nested: { list: ['2', 'plain', { q: 'say "x\ny"' }] }, '{{k}}': 'key is not a template' };
  const text = render(t, vars);
  assert.deepEqual(JSON.parse(text), expected);
  assert.equal(text, JSON.stringify(expected));
  assert.equal(tc.compileJson('{{vu}}') instanceof Function, true);
  assert.equal(render(tc.compileJson('{{vu}}'), { vu: 9 }), '"9"');
  assert.equal(tc.compileJson([]), '[]');
  assert.equal(tc.compileJson(null), 'null');
});
