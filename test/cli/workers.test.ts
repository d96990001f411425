import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { summarise } from '../../reports/summary.js';
import { mergeResults } from '../helpers/merge-results.js';
import { readResults } from '../../scenarios/results/results-reader.js';
import { runCli, spawnCli } from '../helpers/cli.js';

// Local workers and segments through the real program, against a server on 127.0.0.1 that counts
// the iteration numbers it sees: N workers send exactly the whole scenario's load once (no
// iteration twice, none missing), their streams merge into one run with the whole run's request
// count, and thresholds are judged once, on the merged stream — never by a worker on its share.

const RAMP = 250; // 50 → 200/s over 2 s
const STEADY = 450; // 150/s for 3 s

function scenario(port: number, thresholds: string): string {
  return `name: workers
target: http://127.0.0.1:${port}
flows: [ { name: get, steps: [ { name: get, request: { url: "/i/{{iteration}}" } } ] } ]
phases:
  - { name: ramp, executor: ramping-arrival-rate, from: 50, to: 200, duration: 2s }
  - { name: steady, executor: constant-arrival-rate, rate: 150, duration: 3s }
thresholds: ${thresholds}
`;
}

describe('run --workers and --segment', () => {
  let dir: string;
  let server: Server;
  let port: number;
  const seen: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loadtest-workers-'));
    server = createServer((request, response) => {
      seen.push(request.url ?? '');
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('3 workers send the whole load once and merge, as they run, into one run with the whole run\'s count', async () => {
    const file = join(dir, 'whole.yaml');
    writeFileSync(file, scenario(port, '[ "errors<1%", "rps>0" ]'));
    seen.length = 0;
    const out = join(dir, 'workers');
    const { child, result } = spawnCli(['run', file, '--workers', '3', '--out', out]);
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    // Followed while the workers run: the merged stream grows a second at a time.
    const seenWhileRunning = new Set<number>();
    const follow = setInterval(() => {
      try {
        seenWhileRunning.add(summarise(readResults(join(out, 'results.ndjson'))).overall.requests);
      } catch {
        // not written yet
      }
    }, 250);
    const run = await result.finally(() => {
      clearInterval(follow);
      clearTimeout(killer);
    });
    assert.equal(run.code, 0, run.stderr);
    const partway = [...seenWhileRunning].filter((n) => n > 0 && n < RAMP + STEADY);
    assert.ok(partway.length >= 2, `the merged stream held part of the load while the workers ran: ${[...seenWhileRunning].join(', ')}`);
    assert.equal(seen.length, RAMP + STEADY, 'requests the server saw');
    assert.equal(new Set(seen).size, seen.length, 'no iteration sent twice');
    assert.deepEqual(readdirSync(out).filter((f) => f.startsWith('worker-')).sort(), ['worker-0', 'worker-1', 'worker-2']);
    const merged = readResults(join(out, 'results.ndjson'));
    assert.equal(merged.header.merged?.workers, 3);
    const summary = summarise(merged);
    assert.equal(summary.overall.requests, RAMP + STEADY);
    assert.deepEqual(summary.phases.map((p) => [p.name, p.requests]), [['ramp', RAMP], ['steady', STEADY]]);
    assert.match(run.stdout, /verdict: PASS/);
    // Merged as it was written, it holds what merging the finished worker streams gives.
    const workerFiles = [0, 1, 2].map((i) => join(out, `worker-${i}`, 'results.ndjson'));
    const afterwards = mergeResults(workerFiles.map((f) => readResults(f)), { files: workerFiles });
    const lines = (records: readonly object[]) => records.map((r) => JSON.stringify(r)).sort();
    assert.deepEqual(merged.header, afterwards.header);
    assert.deepEqual(lines(merged.records), lines(afterwards.records));

    // One generator, the same scenario: the same count (the issue allows 2%; the schedules are exact).
    seen.length = 0;
    const single = await runCli(['run', file, '--out', join(dir, 'single'), '--quiet'], { timeoutMs: 60_000 });
    assert.equal(single.code, 0, single.stderr);
    const whole = summarise(readResults(join(dir, 'single', 'results.ndjson'))).overall.requests;
    assert.ok(Math.abs(whole - summary.overall.requests) <= 0.02 * whole, `single ${whole} vs merged ${summary.overall.requests}`);
  });

  it('a worker never judges thresholds on its share; the merged stream does, and fails as one run', async () => {
    const file = join(dir, 'strict.yaml');
    // 700 requests in all: each worker alone sends fewer than 400, the whole more.
    writeFileSync(file, scenario(port, '[ "phase:steady.rps>=140" ]'));
    const out = join(dir, 'segments');
    const workers = await Promise.all(
      [0, 1].map((i) => runCli(['run', file, '--segment', `${i}/2`, '--start-at', '+1s', '--out', join(out, `w${i}`), '--quiet'], { timeoutMs: 60_000 })),
    );
    for (const w of workers) assert.equal(w.code, 0, `a worker's share of 75/s must not fail phase:steady.rps>=140 on its own: ${w.stderr}`);
    const header = readResults(join(out, 'w1', 'results.ndjson')).header;
    assert.deepEqual(header.segment, { index: 1, count: 2 });
    const merged = join(out, 'merged.ndjson');
    assert.equal((await runCli(['merge', join(out, 'w0', 'results.ndjson'), join(out, 'w1', 'results.ndjson'), '-o', merged])).code, 0);
    const gate = await runCli(['gate', merged]);
    assert.equal(gate.code, 0, `the whole steady phase ran at 150/s: ${gate.stdout}`);
    const partial = await runCli(['merge', join(out, 'w0', 'results.ndjson'), '-o', join(out, 'partial.ndjson')]);
    assert.equal(partial.code, 2, 'one of two segments is not the run');
  });

  it('an abortOnFail threshold is watched on the merged load and stops every worker', async () => {
    const file = join(dir, 'abort.yaml');
    // 150/s in all over a 10 s steady phase: the whole load fails rps<=100 in its first seconds.
    writeFileSync(file, scenario(port, '[ { threshold: "phase:steady.rps<=100", abortOnFail: true } ]').replace('rate: 150, duration: 3s', 'rate: 150, duration: 10s'));
    const run = await runCli(['run', file, '--workers', '2', '--out', join(dir, 'abort')], { timeoutMs: 60_000 });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /threshold phase:steady\.rps<=100 failed on the merged load: stopping the workers/);
    const merged = readResults(join(dir, 'abort', 'results.ndjson'));
    const end = merged.records.at(-1)!;
    assert.deepEqual([end.type, (end as { abortedBy?: string }).abortedBy], ['end', 'phase:steady.rps<=100']);
    const requests = summarise(merged).overall.requests;
    assert.ok(requests > RAMP && requests < RAMP + 150 * 6, `stopped early in the steady phase: ${requests} requests`);
  });

  it('Ctrl-C stops every worker, and the merged run is written, partial, up to where they stopped', async () => {
    const file = join(dir, 'interrupted.yaml');
    writeFileSync(file, scenario(port, '[ "errors<1%" ]').replace('rate: 150, duration: 3s', 'rate: 150, duration: 20s'));
    const out = join(dir, 'interrupted');
    const summaryFile = join(dir, 'interrupted.json');
    const { child, result } = spawnCli(['run', file, '--workers', '2', '--out', out, '--summary-json', summaryFile]);
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    // Once the merged stream holds load: the signal goes to the parent's PID only, as a CI runner
    // cancelling a job sends it; the workers hear of it from the parent.
    for (let i = 0; i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      try {
        if (summarise(readResults(join(out, 'results.ndjson'))).overall.requests > 0) break;
      } catch {
        // not written yet
      }
    }
    child.kill('SIGINT');
    const outcome = await result.finally(() => clearTimeout(killer));
    assert.equal(outcome.code, 3, outcome.stderr);
    assert.match(outcome.stderr, /stopping the workers: they finish in-flight iterations/);
    const merged = readResults(join(out, 'results.ndjson'));
    const end = merged.records.at(-1)!;
    assert.deepEqual([end.type, end.type === 'end' && end.status], ['end', 'interrupted']);
    for (const w of [0, 1]) {
      const own = readResults(join(out, `worker-${w}`, 'results.ndjson')).records.at(-1)!;
      assert.deepEqual([own.type, own.type === 'end' && own.status], ['end', 'interrupted'], `worker ${w} drained and ended its stream`);
    }
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as { partial: boolean; overall: { requests: number; errors: number } };
    assert.equal(summary.partial, true);
    assert.ok(summary.overall.requests > 0 && summary.overall.requests < RAMP + 150 * 20, `${summary.overall.requests} requests`);
    assert.equal(summary.overall.errors, 0, 'in-flight requests drained rather than failed');
  });

  it('refuses what cannot be shared', async () => {
    const search = join(dir, 'search.yaml');
    writeFileSync(search, scenario(port, '[]').replace(/phases:[\s\S]*?thresholds/, 'phases:\n  - { name: find, executor: capacity-search, from: 10, to: 20, slo: { p99: 1s } }\nthresholds'));
    const refused = await runCli(['run', search, '--workers', '2', '--out', join(dir, 'refused')]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /phase find is a capacity-search/);
    assert.equal((await runCli(['run', search, '--segment', '2/2'])).code, 2);
    assert.equal((await runCli(['run', search, '--workers', '2', '--segment', '0/2'])).code, 2);
    const launched = join(dir, 'launched.yaml');
    writeFileSync(launched, scenario(port, '[]').replace('target: http://127.0.0.1:' + port, 'target: api\ntargets: { api: { command: [node, server.js], replicas: 1 } }'));
    const copies = await runCli(['run', launched, '--segment', '0/2']);
    assert.equal(copies.code, 2);
    assert.match(copies.stderr, /starts its own targets/);
    assert.equal((await runCli(['run', launched, '--workers', '2'])).code, 2);
  });
});
