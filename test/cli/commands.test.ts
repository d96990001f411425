import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

let server: TestServer;
let dir: string;
let resultsFile: string;

before(async () => {
  server = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'loadtest-commands-'));
  const scenario = join(dir, 'get.yaml');
  writeFileSync(
    scenario,
    `name: get\ntarget: ${server.url}\nflows: [ { name: f, steps: [ { name: ok, request: { url: /ok } } ] } ]\n` +
      `phases: [ { executor: constant-arrival-rate, rate: 40, duration: 1s } ]\nthresholds: [ "errors<1%" ]\n`,
  );
  const run = await runCli(['run', scenario, '--out', join(dir, 'out'), '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  resultsFile = join(dir, 'out', 'results.ndjson');
});
after(async () => {
  await server?.close();
});

describe('loadtest report', () => {
  it('prints the same summary from the stream alone, as text or JSON', async () => {
    const text = await runCli(['report', resultsFile]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /requests 40 /);
    assert.match(text.stdout, /pass {2}errors<1%/);
    const json = await runCli(['report', resultsFile, '--json']);
    const summary = JSON.parse(json.stdout);
    assert.equal(summary.overall.requests, 40);
    assert.equal(summary.partial, false);
  });

  it('reads a stream whose writer died mid-line, marked partial', async () => {
    const torn = join(dir, 'torn.ndjson');
    const lines = readFileSync(resultsFile, 'utf8').split('\n');
    // drop the end record and cut the line before it in half, as a kill -9 would
    const kept = lines.slice(0, -2);
    writeFileSync(torn, kept.slice(0, -1).join('\n') + '\n' + kept.at(-1)!.slice(0, 20));
    const result = await runCli(['report', torn, '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).partial, true);
    assert.match(result.stderr, /cut off/);
  });

  it('refuses what is not a results stream, with exit 2', async () => {
    const other = join(dir, 'other.ndjson');
    writeFileSync(other, '{"hello":"world"}\n');
    const result = await runCli(['report', other]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /not a loadtest-results stream/);
    const missing = await runCli(['report', join(dir, 'missing.ndjson')]);
    assert.equal(missing.code, 2);
    const corrupt = join(dir, 'corrupt.ndjson');
    copyFileSync(resultsFile, corrupt);
    appendFileSync(corrupt, 'garbage\n{"type":"end","t":9,"status":"completed"}\n');
    const corrupted = await runCli(['report', corrupt]);
    assert.equal(corrupted.code, 2);
    assert.match(corrupted.stderr, /corrupt\.ndjson:\d+: not a JSON record/);
  });
});

describe('loadtest validate, init and schema', () => {
  it('init writes a starter scenario that validates, and refuses to overwrite', async () => {
    const file = join(dir, 'starter', 'scenario.yaml');
    await import('node:fs').then((fs) => fs.mkdirSync(join(dir, 'starter')));
    const init = await runCli(['init', file]);
    assert.equal(init.code, 0, init.stderr);
    const validate = await runCli(['validate', file]);
    assert.equal(validate.code, 0, validate.stderr + validate.stdout);
    assert.match(validate.stdout, /ok/);
    const again = await runCli(['init', file]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /--force/);
  });

  it('validate names file:line:column and exits 2', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'name: x\ntarget: http://127.0.0.1:1\nflows:\n  - name: f\n    steps: [ { request: { url: /a, methd: GET } } ]\nphases: [ { executor: constant-vus, vus: 1, duration: 1s } ]\n');
    const result = await runCli(['validate', file]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /broken\.yaml:5:\d+: .*methd.*did you mean "method"/);
  });

  it('schema prints a JSON Schema that knows every top-level key', async () => {
    const result = await runCli(['schema']);
    assert.equal(result.code, 0);
    const schema = JSON.parse(result.stdout);
    for (const key of ['name', 'target', 'flows', 'phases', 'thresholds', 'data', 'http', 'defaults']) {
      assert.ok(schema.properties[key], `schema describes ${key}`);
    }
  });
});
