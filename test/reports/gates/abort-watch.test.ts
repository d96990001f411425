import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AbortWatch } from '../../../reports/gates/abort-watch.js';
import type { AbortRule } from '../../../scenarios/model.js';
import type { BodyRecord } from '../../../scenarios/results/results-format.js';
import { readResults } from '../../../scenarios/results/results-reader.js';
import { runCli } from '../../helpers/cli.js';
import { startTestServer } from '../../helpers/test-server.js';
import { KnownStream } from './known-stream.js';

// abortOnFail: thresholds watched while the run goes on. The watch is fed what the recorder
// writes, one whole interval per batch, and judges each interval as soon as its batch arrives.

/** The stream's records in the batches a run writes them: one per second. */
function batches(stream: KnownStream): BodyRecord[][] {
  const bySecond = new Map<number, BodyRecord[]>();
  for (const record of stream.records) {
    const list = bySecond.get(record.t) ?? [];
    list.push(record);
    bySecond.set(record.t, list);
  }
  return [...bySecond.entries()].sort(([a], [b]) => a - b).map(([, list]) => list);
}

/** Feeds batch after batch; the second of the batch that made the watch trip, and what tripped. */
function firstTrip(watch: AbortWatch, stream: KnownStream): { atS: number; expression: string } | undefined {
  for (const batch of batches(stream)) {
    const expression = watch.feed(batch);
    if (expression !== undefined) return { atS: batch[0]!.t, expression };
  }
  return undefined;
}

function slowThenFast(slowUntilS: number, seconds = 10): KnownStream {
  const stream = new KnownStream();
  for (let t = 0; t < seconds; t++) {
    stream.step(t, { latencies: [[t < slowUntilS ? 500 : 5, 100]] });
    stream.iterations(t, 100);
  }
  return stream;
}

const rule = (expression: string, delayS = 0): AbortRule => ({ expression, delayS });

describe('AbortWatch fed records', () => {
  it('trips on the batch that completes the first failing window', () => {
    // Slow from the start: the window [0, 2) is complete, and judged, with the batch of second 1.
    assert.deepEqual(firstTrip(new AbortWatch([rule('p99[2s]<100ms')], []), slowThenFast(10)), { atS: 1, expression: 'p99[2s]<100ms' });
  });

  it('honours the delay: no judgement before it, and a stall over by then stops nothing', () => {
    // The first window judged is [3, 5): 5 s of load have then passed.
    assert.deepEqual(firstTrip(new AbortWatch([rule('p99[2s]<100ms', 5)], []), slowThenFast(10)), { atS: 4, expression: 'p99[2s]<100ms' });
    // Slow for the first 2 s only: by 5 s every 2 s window is fast again.
    assert.equal(firstTrip(new AbortWatch([rule('p99[2s]<100ms', 5)], []), slowThenFast(2)), undefined);
    // Without the delay, the same cold start stops the run.
    assert.equal(firstTrip(new AbortWatch([rule('p99[2s]<100ms')], []), slowThenFast(2))?.atS, 1);
  });

  it('judges a whole-run threshold over everything so far: errors<1% trips once errors pass 1%', () => {
    // 100 good requests a second, and from 3 s on 2 failed ones: 6 of 606 (0.99%) by the end of
    // second 5, 8 of 708 (1.13%) by the end of second 6.
    const stream = new KnownStream();
    for (let t = 0; t < 10; t++) {
      stream.step(t, { latencies: [[5, 100]] });
      if (t >= 3) stream.step(t, { latencies: [[5, 2]], outcome: 'http_5xx' });
    }
    assert.deepEqual(firstTrip(new AbortWatch([rule('errors<1%')], []), stream), { atS: 6, expression: 'errors<1%' });
  });

  it('watches a scope: a stall of another step stops nothing', () => {
    const stream = new KnownStream();
    for (let t = 0; t < 6; t++) {
      stream.step(t, { step: 'login', latencies: [[500, 100]] });
      stream.step(t, { step: 'search', latencies: [[5, 100]] });
    }
    assert.equal(firstTrip(new AbortWatch([rule('step:search.p99[2s]<100ms')], []), stream), undefined);
    const flows = [{ name: 'auth', weight: 1, steps: ['login'] }];
    assert.equal(firstTrip(new AbortWatch([rule('step:search.p99[2s]<100ms'), rule('flow:auth.p99[2s]<100ms')], flows), stream)?.expression, 'flow:auth.p99[2s]<100ms');
  });

  it('watches nothing for rules it cannot judge during a run', () => {
    assert.equal(new AbortWatch([], []).empty, true);
    // A target metric and a flow the run does not have were refused when the scenario loaded.
    assert.equal(new AbortWatch([rule('target:kv.cpu.p95<0.5'), rule('flow:nosuch.errors<1%')], []).empty, true);
    assert.equal(new AbortWatch([rule('errors<1%')], []).empty, false);
  });
});

describe('abortOnFail in a real run', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'loadtest-abort-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const SCHEDULED_S = 6;

  /** A server that answers at once for its first 1.5 s, then stalls for 1 s in every 1.5 s. */
  async function runAgainstStallingServer(name: string, threshold: string): Promise<{ code: number | null; output: string; resultsFile: string; summaryFile: string }> {
    const server = await startTestServer({ stallMs: 1000, stallEveryMs: 1500 });
    try {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(
        file,
        `name: ${name}\ntarget: ${server.url}\nflows: [ { name: f, steps: [ { name: get, request: { url: /ok } } ] } ]\n` +
          `phases: [ { executor: constant-arrival-rate, rate: 50, duration: ${SCHEDULED_S}s } ]\n` +
          `thresholds:\n  - ${threshold}\n`,
      );
      const out = join(dir, `out-${name}`);
      const summaryFile = join(dir, `${name}.json`);
      const result = await runCli(['run', file, '--out', out, '--summary-json', summaryFile, '--quiet'], { timeoutMs: 60_000 });
      return { code: result.code, output: result.stderr + result.stdout, resultsFile: join(out, 'results.ndjson'), summaryFile };
    } finally {
      await server.close();
    }
  }

  it('stops the run when the watched window fails, records which gate did it, and exits 1', async () => {
    const run = await runAgainstStallingServer('aborting', '{ threshold: "p99[2s]<100ms", abortOnFail: true, delayAbortEval: "1s" }');
    assert.equal(run.code, 1, run.output);
    const results = readResults(run.resultsFile);
    assert.deepEqual(results.header.scenario.abortOnFail, ['p99[2s]<100ms']);
    const end = results.records.at(-1)!;
    assert.equal(end.type, 'end');
    if (end.type !== 'end') return;
    assert.equal(end.status, 'interrupted');
    assert.equal(end.abortedBy, 'p99[2s]<100ms');
    assert.ok(end.t < SCHEDULED_S, `the run ended at ${end.t} s, not before its scheduled ${SCHEDULED_S} s`);
    const summary = JSON.parse(readFileSync(run.summaryFile, 'utf8'));
    assert.equal(summary.verdict, 'fail');
    assert.equal(summary.status, 'interrupted');
    const [gate] = summary.gates;
    assert.equal(gate.expression, 'p99[2s]<100ms');
    assert.equal(gate.passed, false);
    assert.equal(gate.abortOnFail, true);
    assert.equal(gate.abortedAtS, end.t);
  });

  it('runs the same scenario to its end without abortOnFail, and fails the gate there', async () => {
    const run = await runAgainstStallingServer('watching', '"p99[2s]<100ms"');
    assert.equal(run.code, 1, run.output);
    const results = readResults(run.resultsFile);
    const end = results.records.at(-1)!;
    assert.equal(end.type === 'end' && end.status, 'completed');
    assert.equal(end.type === 'end' && end.abortedBy, undefined);
    assert.ok(end.t >= SCHEDULED_S, `the run ended at ${end.t} s, before its scheduled ${SCHEDULED_S} s`);
    const summary = JSON.parse(readFileSync(run.summaryFile, 'utf8'));
    assert.equal(summary.gates[0].passed, false);
    assert.equal(summary.gates[0].abortedAtS, undefined);
    assert.ok(summary.gates[0].window.failed > 0);
  });
});
