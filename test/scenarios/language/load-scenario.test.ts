import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadScenario } from '../../../scenarios/language/load-scenario.js';
import type { Scenario } from '../../../scenarios/model.js';
import { DATA_DIR, issuesOf, MINIMAL, tempDir } from '../load-helpers.js';

describe('loadScenario: valid scenarios', () => {
  it('normalises every key of a full YAML scenario, filling defaults', async () => {
    const scenario = await loadScenario(join(DATA_DIR, 'full.yaml'), { env: {} });
    const expected: Scenario = {
      name: 'checkout',
      file: join(DATA_DIR, 'full.yaml'),
      target: 'http://127.0.0.1:8080',
      http: { connections: 16, pipelining: 2, maxBodyBytes: 65_536 },
      defaults: { headers: { accept: 'application/json', 'x-retries': '0' }, timeoutMs: 2000 },
      data: {
        users: {
          name: 'users',
          file: join(DATA_DIR, 'users.csv'),
          order: 'random',
          rows: [
            { name: 'alice', password: 'a1' },
            { name: 'bob', password: 'b2' },
          ],
        },
        products: {
          name: 'products',
          file: join(DATA_DIR, 'products.json'),
          order: 'sequential',
          rows: [
            { sku: 'A-1', price: 10, active: true },
            { sku: 'B-2', price: 20.5, active: false, note: null },
          ],
        },
      },
      flows: [
        {
          name: 'buy',
          weight: 3,
          steps: [
            {
              kind: 'request',
              name: 'login',
              request: { method: 'POST', url: '/login', headers: {}, query: {}, json: { user: '{{users.name}}' }, timeoutMs: 2000 },
              capture: {
                token: { from: 'json', path: '$.token' },
                rid: { from: 'header', name: 'x-request-id' },
                id: { from: 'regex', pattern: 'id=(\\d+)', group: 1 },
              },
              check: {
                status: [200],
                bodyContains: ['ok'],
                bodyMatches: ['^\\{'],
                json: [{ path: '$.status', equals: 'ok' }],
                maxLatencyMs: 500,
              },
              think: { minMs: 1000, maxMs: 1000 },
            },
            { kind: 'think', think: { minMs: 1000, maxMs: 3000 } },
            {
              kind: 'loop',
              name: 'browse',
              count: 3,
              steps: [
                {
                  kind: 'request',
                  name: 'GET /items/{{randomInt 1 100}}',
                  request: { method: 'GET', url: '/items/{{randomInt 1 100}}', headers: {}, query: { q: '{{products.sku}}', page: '2' } },
                  capture: {},
                  check: { status: [200, 304], bodyContains: ['a', 'b'] },
                },
              ],
            },
            {
              kind: 'request',
              name: 'PUT /cart',
              request: { method: 'PUT', url: '/cart', headers: { 'content-type': 'text/plain' }, query: {}, body: 'sku={{products.sku}}' },
              capture: {},
              check: {},
            },
          ],
        },
        {
          name: 'flow-2',
          weight: 1,
          steps: [
            {
              kind: 'request',
              name: 'GET /health',
              request: { method: 'GET', url: '/health', headers: {}, query: {} },
              capture: {},
              check: {},
            },
          ],
        },
      ],
      phases: [
        { name: 'warmup', executor: 'ramping-arrival-rate', from: 10, to: 100, durationMs: 30_000, maxInFlight: 500 },
        { name: 'peak', executor: 'constant-arrival-rate', rate: 200, durationMs: 120_000, maxInFlight: 1000 },
        { name: 'phase-3', executor: 'constant-vus', vus: 20, durationMs: 60_000 },
        { name: 'ramp', executor: 'ramping-vus', from: 0, to: 50, durationMs: 60_000 },
      ],
      thresholds: ['p99<250ms', 'errors<1%', 'step:login.p95<=300ms', 'phase:peak.rps>=190'],
      abortOnFail: [],
      gracefulStopMs: 90_000,
      environment: { targets: {}, collect: { intervalMs: 1000, sources: [] }, faults: [] },
    };
    assert.deepEqual(scenario, expected);
  });

  it('fills every default for a minimal scenario', async () => {
    const dir = tempDir({ 'scenario.yaml': MINIMAL });
    const scenario = await loadScenario(join(dir, 'scenario.yaml'), { env: {} });
    assert.deepEqual(scenario.http, { connections: 64, pipelining: 1, maxBodyBytes: 1_048_576 });
    assert.deepEqual(scenario.defaults, { headers: {}, timeoutMs: 10_000 });
    assert.equal(scenario.gracefulStopMs, 5000);
    assert.deepEqual(scenario.data, {});
    assert.deepEqual(scenario.thresholds, []);
    assert.deepEqual(scenario.flows[0], {
      name: 'flow-1',
      weight: 1,
      steps: [{ kind: 'request', name: 'GET /', request: { method: 'GET', url: '/', headers: {}, query: {} }, capture: {}, check: {} }],
    });
    assert.deepEqual(scenario.phases, [{ name: 'phase-1', executor: 'constant-vus', vus: 1, durationMs: 1000 }]);
  });

  it('loads a TypeScript module scenario through tsx, resolving data files next to it', async () => {
    const scenario = await loadScenario(join(DATA_DIR, 'module-scenario.ts'), { env: {} });
    assert.equal(scenario.name, 'module-ts');
    assert.equal(scenario.file, join(DATA_DIR, 'module-scenario.ts'));
    assert.equal(scenario.data.users?.file, join(DATA_DIR, 'users.csv'));
    assert.equal(scenario.data.users?.rows.length, 2);
    assert.deepEqual(scenario.phases, [{ name: 'phase-1', executor: 'constant-arrival-rate', rate: 50, durationMs: 10_000, maxInFlight: 1000 }]);
    assert.deepEqual(scenario.flows[0]?.steps[0], {
      kind: 'request',
      name: 'GET /ping',
      request: { method: 'GET', url: '/ping', headers: {}, query: {} },
      capture: {},
      check: { status: [200] },
    });
  });

  it('loads a JavaScript module scenario', async () => {
    const scenario = await loadScenario(join(DATA_DIR, 'module-scenario.js'), { env: {} });
    assert.equal(scenario.name, 'module-js');
    assert.deepEqual(scenario.phases, [{ name: 'phase-1', executor: 'constant-vus', vus: 2, durationMs: 5000 }]);
  });

  it('reports module scenario issues by path, without line numbers', async () => {
    const dir = tempDir({ 'bad.mjs': "export default { name: 'm', target: 'http://x', flows: [], phases: [{ executor: 'constant-vus', vus: 0, duration: '1s' }] };\n" });
    await assert.rejects(loadScenario(join(dir, 'bad.mjs'), { env: {} }), (error: Error) => {
      assert.equal(
        error.message,
        [`${join(dir, 'bad.mjs')}: flows: must not be empty`, `${join(dir, 'bad.mjs')}: phases[0].vus: must be at least 1, got 0`].join('\n'),
      );
      return true;
    });
    const noDefault = tempDir({ 'none.mjs': 'export const scenario = {};\n' });
    assert.deepEqual(await issuesOfModule(join(noDefault, 'none.mjs')), ['a scenario module must `export default` the scenario object']);
  });

  it('lets --target override the file target, even one whose env variable is unset', async () => {
    const dir = tempDir({ 'scenario.yaml': MINIMAL.replace('target: http://127.0.0.1:8080', 'target: ${env.TARGET}') });
    const scenario = await loadScenario(join(dir, 'scenario.yaml'), { env: {}, target: 'https://staging.test:8443' });
    assert.equal(scenario.target, 'https://staging.test:8443');
  });

  it('rejects a bad --target without pointing into the file', async () => {
    assert.deepEqual(await issuesOf(MINIMAL, { target: 'staging' }), ['--target: expected an absolute http:// or https:// URL, got "staging"']);
  });

  it('requires a target from the file or --target', async () => {
    assert.deepEqual(await issuesOf(MINIMAL.replace('target: http://127.0.0.1:8080\n', '')), ['1:1: missing "target": set it in the scenario or pass --target']);
  });
});

describe('loadScenario: env interpolation', () => {
  const yaml = MINIMAL.replace('target: http://127.0.0.1:8080', 'target: ${env.TARGET:-http://127.0.0.1:9}').replace(
    'request: { url: / }',
    'request: { url: /, headers: { authorization: "Bearer ${env.TOKEN}" } }',
  );

  it('uses variables that are set and defaults for those that are not', async () => {
    const dir = tempDir({ 'scenario.yaml': yaml });
    const set = await loadScenario(join(dir, 'scenario.yaml'), { env: { TARGET: 'http://10.0.0.1', TOKEN: 'abc' } });
    assert.equal(set.target, 'http://10.0.0.1');
    const step = set.flows[0]?.steps[0];
    assert.equal(step?.kind === 'request' ? step.request.headers.authorization : undefined, 'Bearer abc');
    const defaulted = await loadScenario(join(dir, 'scenario.yaml'), { env: { TOKEN: 'abc' } });
    assert.equal(defaulted.target, 'http://127.0.0.1:9');
  });

  it('reports an unset variable without default at the position of the string using it', async () => {
    assert.deepEqual(await issuesOf(yaml), [
      '5:54: flows[0].steps[0].request.headers.authorization: environment variable TOKEN is not set (give a default with ${env.TOKEN:-value})',
    ]);
  });
});

async function issuesOfModule(file: string): Promise<string[]> {
  const error = await loadScenario(file, { env: {} }).then(
    () => assert.fail('expected rejection'),
    (thrown: { issues: Array<{ message: string }> }) => thrown,
  );
  return error.issues.map((issue) => issue.message);
}
