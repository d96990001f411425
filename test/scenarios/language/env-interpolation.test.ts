import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interpolateEnv, interpolateString } from '../../../scenarios/language/env-interpolation.js';
import type { ValuePath } from '../../../scenarios/language/value-path.js';

describe('env interpolation', () => {
  it('replaces set variables and falls back to defaults when unset or empty', () => {
    const env = { HOST: 'example.test', EMPTY: '' };
    assert.deepEqual(interpolateString('http://${env.HOST}:${env.PORT:-8080}/', env), { value: 'http://example.test:8080/', problems: [] });
    assert.equal(interpolateString('${env.EMPTY:-fallback}', env).value, 'fallback');
    assert.equal(interpolateString('[${env.EMPTY}]', env).value, '[]', 'set but empty, without default, is empty');
    assert.equal(interpolateString('${env.UNSET:-}', env).value, '', 'an empty default is allowed');
    assert.equal(interpolateString('no references', env).value, 'no references');
  });

  it('reports unset variables without a default and malformed references', () => {
    assert.deepEqual(interpolateString('${env.TOKEN}', {}).problems, ['environment variable TOKEN is not set (give a default with ${env.TOKEN:-value})']);
    assert.match(interpolateString('${env.TOKEN', {}).problems[0] ?? '', /malformed environment reference in "\$\{env\.TOKEN"/);
  });

  it('walks nested values, reporting each problem with its path and leaving keys alone', () => {
    const problems: Array<[ValuePath, string]> = [];
    const result = interpolateEnv(
      { '${env.KEY}': 'kept', list: ['${env.A}', 3, { deep: '${env.MISSING}' }] },
      { A: 'a', KEY: 'k' },
      (path, message) => problems.push([path, message]),
    );
    assert.deepEqual(result, { '${env.KEY}': 'kept', list: ['a', 3, { deep: '' }] });
    assert.deepEqual(problems.map(([path]) => path), [['list', 2, 'deep']]);
  });
});
