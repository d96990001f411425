import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileJsonPath, JsonPathSyntaxError, parseJsonPath } from '../../../scenarios/flow/json-path.js';

const doc = { status: 'ok', items: [{ id: 1 }, { id: 2, 'odd key': true }], 'a.b': 5, nil: null, length: 3 };

test('parses the supported forms', () => {
  assert.deepEqual(parseJsonPath('$'), []);
  assert.deepEqual(parseJsonPath('$.items[0].id'), ['items', 0, 'id']);
  assert.deepEqual(parseJsonPath("$['a.b']"), ['a.b']);
  assert.deepEqual(parseJsonPath('$["it\\"s"]'), ['it"s']);
  assert.deepEqual(parseJsonPath('$.items[-1]'), ['items', -1]);
  assert.deepEqual(parseJsonPath('token'), ['token']);
  assert.deepEqual(parseJsonPath('[2]'), [2]);
});

test('evaluates names, indexes, negative indexes and .length', () => {
  assert.equal(compileJsonPath('$').evaluate(doc), doc);
  assert.equal(compileJsonPath('$.status').evaluate(doc), 'ok');
  assert.equal(compileJsonPath('$.items[1].id').evaluate(doc), 2);
  assert.equal(compileJsonPath('$.items[-1].id').evaluate(doc), 2);
  assert.equal(compileJsonPath('$.items[-2].id').evaluate(doc), 1);
  assert.equal(compileJsonPath("$.items[1]['odd key']").evaluate(doc), true);
  assert.equal(compileJsonPath("$['a.b']").evaluate(doc), 5);
  assert.equal(compileJsonPath('$.items.length').evaluate(doc), 2);
  assert.equal(compileJsonPath('$.length').evaluate(doc), 3, 'an object property named length is a property');
  assert.equal(compileJsonPath('$.nil').evaluate(doc), null);
});

test('missing paths are undefined, never a throw', () => {
  for (const p of ['$.nope', '$.items[5].id', '$.items[-3]', '$.status.x', '$.nil.x', '$.items.id', '$.status[0]', '$.toString']) {
    assert.equal(compileJsonPath(p).evaluate(doc), undefined, p);
  }
  assert.equal(compileJsonPath('$.a').evaluate('text'), undefined);
  assert.equal(compileJsonPath('$[0]').evaluate(null), undefined);
});

test('malformed paths throw at compile time', () => {
  for (const p of ['$.', '$..a', '$[', '$[x]', "$['a]", '$[1.5]', '$a', '']) {
    assert.throws(() => compileJsonPath(p), JsonPathSyntaxError, p);
  }
});
