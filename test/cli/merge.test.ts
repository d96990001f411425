import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { summarise } from '../../reports/summary.js';
import { readResults } from '../../scenarios/results/results-reader.js';
import { runCli } from '../helpers/cli.js';
import { KnownStream } from '../reports/gates/known-stream.js';

// `loadtest merge` as pipelines use it: real processes. Two workers are two concurrent `loadtest
// run`s of the same scenario, each at half the rate, as two machines given a share each by hand
// would be; their merged stream must hold every request of both and pass the scenario's gates as a
// whole. (Segments, which split one scenario exactly: test/cli/workers.test.ts.)

let server: Server;
let url: string;
let dir: string;

before(async () => {
  server = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'loadtest-merge-cli-'));
});
after(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** The same scenario in each worker's own checkout: identical but for its share of the rate. */
function workerScenario(worker: string, rate: number): string {
  const folder = join(dir, worker);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'split.yaml');
  writeFileSync(
    file,
    `name: split\ntarget: ${url}\nflows: [ { name: f, steps: [ { name: get, request: { url: /ok } } ] } ]\n` +
      `phases: [ { executor: constant-arrival-rate, rate: ${rate}, duration: 3s } ]\n` +
      `thresholds: [ "p99<2000ms", "errors<1%" ]\n`,
  );
  return file;
}

describe('loadtest merge: real runs', () => {
  it('merges two workers\' streams: every request of both, and the gates pass on the whole test', async () => {
    const runs = await Promise.all(
      ['w1', 'w2'].map((worker) => runCli(['run', workerScenario(worker, 20), '--out', join(dir, worker, 'out'), '--quiet'], { timeoutMs: 60_000 })),
    );
    for (const run of runs) assert.equal(run.code, 0, run.stderr + run.stdout);
    const inputs = ['w1', 'w2'].map((worker) => join(dir, worker, 'out', 'results.ndjson'));
    const merged = join(dir, 'merged.ndjson');

    const merge = await runCli(['merge', ...inputs, '-o', merged]);
    assert.equal(merge.code, 0, merge.stderr);
    const perWorker = inputs.map((file) => summarise(readResults(file)).overall.requests);
    const whole = summarise(readResults(merged));
    assert.ok(perWorker.every((n) => n > 30), `each worker sent its share: ${perWorker.join(', ')}`);
    assert.equal(whole.overall.requests, perWorker[0]! + perWorker[1]!);
    assert.equal(whole.status, 'completed');
    assert.match(merge.stderr, new RegExp(`^merged 2 workers into ${merged.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d+ records, ${whole.overall.requests} requests, completed\\n$`));
    assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.tmp')), []);

    const gate = await runCli(['gate', merged]);
    assert.equal(gate.code, 0, gate.stderr + gate.stdout);
    assert.match(gate.stdout, new RegExp(`split: completed, [\\d.]+ s, ${whole.overall.requests} requests`));
    assert.match(gate.stdout, /verdict: PASS — all 2 gates passed/);
  });
});

describe('loadtest merge: refused inputs', () => {
  it('exits 2 naming the file when the scenarios differ, and writes nothing', async () => {
    new KnownStream({ thresholds: ['p99<1s'] }).end(1).write(dir, 'a.ndjson');
    new KnownStream({ thresholds: ['p99<2s'] }).end(1).write(dir, 'b.ndjson');
    const out = join(dir, 'refused.ndjson');
    const result = await runCli(['merge', join(dir, 'a.ndjson'), join(dir, 'b.ndjson'), '-o', out]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^loadtest merge: .*b\.ndjson: not the same thresholds as .*a\.ndjson/);
    assert.equal(existsSync(out), false);
  });

  it('exits 2 on missing segments, and merges them with --allow-partial', async () => {
    for (const index of [0, 1]) {
      const file = join(dir, `seg-${index}.ndjson`);
      new KnownStream().step(0, { latencies: [[10, 3]] }).end(1).write(dir, `seg-${index}.ndjson`);
      // The header is the first line: give it the segment `run --segment` will write.
      const lines = readFileSync(file, 'utf8').split('\n');
      lines[0] = JSON.stringify({ ...JSON.parse(lines[0]!), segment: { index, count: 3 } });
      writeFileSync(file, lines.join('\n'));
    }
    const files = [0, 1].map((index) => join(dir, `seg-${index}.ndjson`));
    const out = join(dir, 'partial.ndjson');
    const refused = await runCli(['merge', ...files, '-o', out]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /segment index 2 of 3 \(0-based\) missing: 2 of 3 worker streams given; pass --allow-partial/);
    const partial = await runCli(['merge', ...files, '-o', out, '--allow-partial']);
    assert.equal(partial.code, 0, partial.stderr);
    const merged = readResults(out);
    assert.deepEqual(merged.header.merged, { workers: 2, files, missingSegments: [2] });
    assert.equal(summarise(merged).overall.requests, 6);
  });

  it('exits 2 when an input is not a results stream', async () => {
    const bogus = join(dir, 'bogus.ndjson');
    writeFileSync(bogus, '{"hello":1}\n');
    const result = await runCli(['merge', bogus, '-o', join(dir, 'x.ndjson')]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /bogus\.ndjson:1: not a loadtest-results stream/);
  });
});
