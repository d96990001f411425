import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readResults } from '../../scenarios/results/results-reader.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

let server: TestServer;
let dir: string;

before(async () => {
  server = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'loadtest-cli-'));
});
after(async () => {
  await server?.close();
});

function writeScenario(name: string, yaml: string): string {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

const checkoutYaml = (target: string, extra = ''): string => `
name: checkout
target: ${target}
data:
  users: { file: users.csv, order: sequential }
flows:
  - name: buy
    steps:
      - name: login
        request: { method: POST, url: /login, json: { user: "{{users.name}}" } }
        capture:
          token: { json: $.token }
          rid: { header: x-request-id }
        check: { status: 200, json: { "$.token": "tok-alice" } }
      - name: order
        request: { method: POST, url: /orders, headers: { authorization: "Bearer {{token}}" }, json: { sku: "{{randomInt 1 500}}" } }
        capture: { orderId: { json: $.id } }
        check: { status: 201 }
      - name: read-order
        request: { url: "/orders/{{orderId}}" }
        check: { status: 200 }
phases:
  - { name: warm, executor: constant-vus, vus: 2, duration: 600ms }
  - { name: peak, executor: constant-arrival-rate, rate: 50, duration: 1s }
${extra}`;

describe('loadtest run', () => {
  it('runs a multi-step flow with captures and checks, and writes the stream and summary JSON', async () => {
    writeFileSync(join(dir, 'users.csv'), 'name\nalice\n');
    const file = writeScenario('checkout.yaml', checkoutYaml(server.url, 'thresholds: [ "p99<2000ms", "errors<1%" ]'));
    const out = join(dir, 'out-ok');
    const summaryFile = join(dir, 'summary.json');
    const result = await runCli(['run', file, '--out', out, '--summary-json', summaryFile]);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    assert.equal(summary.overall.errors, 0, JSON.stringify(summary.topErrors));
    for (const key of ['requests', 'rps', 'errors', 'dropped']) assert.equal(typeof summary.overall[key], 'number', key);
    for (const key of ['p50', 'p90', 'p95', 'p99', 'max']) assert.equal(typeof summary.overall.latency[key], 'number', key);
    assert.deepEqual(Object.keys(summary.steps).sort(), ['login', 'order', 'read-order']);
    assert.equal(summary.steps.login.requests, summary.steps['read-order'].requests);
    // the open-model phase starts 50/s × 1 s iterations of three requests each
    const peak = summary.phases.find((p: { name: string }) => p.name === 'peak');
    assert.equal(peak.iterations.started, 50);
    assert.equal(peak.requests, 150);
    assert.deepEqual(summary.gates.map((t: { passed: boolean }) => t.passed), [true, true]);
    assert.equal(summary.schema, 'loadtest-summary');
    assert.equal(summary.verdict, 'pass');
    assert.match(result.stdout, /login/);
    const results = readResults(join(out, 'results.ndjson'));
    assert.equal(results.records.at(-1)!.type, 'end');
  });

  it('keeps secrets out of the results stream', async () => {
    const file = writeScenario(
      'secret.yaml',
      `name: secret\ntarget: ${server.url.replace('http://', 'http://admin:hunter2@')}\n` +
        `flows: [ { name: f, steps: [ { name: login, request: { method: POST, url: /login, json: { user: alice } }, check: { json: { "$.token": "other" } } } ] } ]\n` +
        `phases: [ { executor: constant-vus, vus: 1, duration: 300ms } ]\n`,
    );
    const out = join(dir, 'out-secret');
    const result = await runCli(['run', file, '--out', out, '--quiet']);
    assert.equal(result.code, 0, result.stderr);
    const stream = readFileSync(join(out, 'results.ndjson'), 'utf8');
    assert.match(stream, /"outcome":"check_failed"/);
    assert.doesNotMatch(stream, /tok-alice/);
    assert.doesNotMatch(stream, /hunter2/);
  });

  it('exits 1 when a threshold fails', async () => {
    writeFileSync(join(dir, 'users.csv'), 'name\nalice\n');
    const file = writeScenario('strict.yaml', checkoutYaml(server.url, 'thresholds: [ "p50<0.001ms" ]'));
    const result = await runCli(['run', file, '--out', join(dir, 'out-strict'), '--quiet']);
    assert.equal(result.code, 1, result.stderr);
  });

  it('measures a target that refuses connections instead of crashing', async () => {
    const file = writeScenario(
      'refused.yaml',
      `name: refused\ntarget: http://127.0.0.1:9\nflows: [ { name: f, steps: [ { name: get, request: { url: /ok } } ] } ]\nphases: [ { executor: constant-arrival-rate, rate: 20, duration: 500ms } ]\n`,
    );
    const summaryFile = join(dir, 'refused.json');
    const result = await runCli(['run', file, '--out', join(dir, 'out-refused'), '--summary-json', summaryFile, '--quiet']);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    assert.equal(summary.overall.requests, 10);
    assert.equal(summary.overall.errorsByClass.connect_refused, 10);
  });

  it('rejects bad input with exit 2, file:line:column, and writes nothing', async () => {
    const file = writeScenario('bad.yaml', `name: bad\ntarget: ${server.url}\nflows: [ { name: f, steps: [ { request: { url: /ok } } ] } ]\nphases:\n  - { executor: constant-arrival-rate, rtae: 10, duration: 1s }\n`);
    const out = join(dir, 'out-bad');
    const result = await runCli(['run', file, '--out', out]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:\\d+: .*rtae.*did you mean "rate"`));
    assert.equal(existsSync(out), false);
    const usage = await runCli(['run']);
    assert.equal(usage.code, 2);
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    const good = writeScenario('good.yaml', `name: g\ntarget: ${server.url}\nflows: [ { name: f, steps: [ { request: { url: /ok } } ] } ]\nphases: [ { executor: constant-vus, vus: 1, duration: 100ms } ]\n`);
    const unwritable = await runCli(['run', good, '--out', join(blocker, 'out')]);
    assert.equal(unwritable.code, 2);
    assert.match(unwritable.stderr, /cannot use .*a-file.*ENOTDIR/);
  });

  it('stops on Ctrl-C, drains, and leaves a valid partial stream and summary', async () => {
    const file = writeScenario(
      'long.yaml',
      `name: long\ntarget: ${server.url}\nflows: [ { name: f, steps: [ { name: slow, request: { url: /delay/50 } } ] } ]\nphases: [ { executor: constant-arrival-rate, rate: 100, duration: 60s } ]\n`,
    );
    const out = join(dir, 'out-interrupted');
    const summaryFile = join(dir, 'interrupted.json');
    const { child, result } = spawnCli(['run', file, '--out', out, '--summary-json', summaryFile]);
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGINT');
    const outcome = await result;
    assert.equal(outcome.code, 3, outcome.stderr);
    const results = readResults(join(out, 'results.ndjson'));
    const end = results.records.at(-1)!;
    assert.equal(end.type, 'end');
    assert.equal(end.type === 'end' && end.status, 'interrupted');
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    assert.equal(summary.partial, true);
    assert.ok(summary.overall.requests > 50, `${summary.overall.requests} requests`);
    assert.equal(summary.overall.errors, 0, 'in-flight requests drained rather than failed');
    assert.match(outcome.stdout, /PARTIAL/);
  });

  it('quits at once on a second Ctrl-C, leaving a readable stream', async () => {
    const file = writeScenario(
      'hang.yaml',
      `name: hang\ntarget: ${server.url}\ngracefulStop: 30s\nflows: [ { name: f, steps: [ { name: hang, request: { url: /hang, timeout: 60s } } ] } ]\n` +
        `phases: [ { executor: constant-arrival-rate, rate: 20, duration: 60s } ]\n`,
    );
    const out = join(dir, 'out-quit');
    const { child, result } = spawnCli(['run', file, '--out', out, '-q']);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const outcome = await result;
    assert.equal(outcome.code, 130, outcome.stderr);
    const results = readResults(join(out, 'results.ndjson'));
    assert.equal(results.records.at(-1)!.type, 'end');
  });
});
