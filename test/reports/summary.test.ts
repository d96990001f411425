import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { summarise } from '../../reports/summary.js';
import { evaluateThresholdGates } from '../../reports/gates/threshold-gates.js';
import { Recorder } from '../../scenarios/results/recorder.js';
import { testHeader } from '../helpers/stream-header.js';
import { readResults } from '../../scenarios/results/results-reader.js';
import { ResultsWriter } from '../../scenarios/results/results-writer.js';
import { RunClock } from '../../scenarios/results/run-clock.js';

// Records a known set of measurements through the real recorder and stream, then checks that the
// summary read back from the file says exactly what was recorded.
async function recordKnownRun(): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'loadtest-summary-')), 'results.ndjson');
  const clock = new RunClock();
  const writer = new ResultsWriter(
    file,
    testHeader({
      startEpochMs: clock.startEpochMs,
      phases: [
        { name: 'warm', executor: 'constant-vus', startS: 0, durationS: 0.2, params: { vus: 1 } },
        { name: 'peak', executor: 'constant-arrival-rate', startS: 0.2, durationS: 0.2, params: { rate: 10, maxInFlight: 5 } },
      ],
    }),
  );
  const recorder = new Recorder({ clock, writer, phaseNames: ['warm', 'peak'], intervalMs: 50 });
  recorder.start();
  recorder.phaseStarted(0);
  for (let i = 1; i <= 100; i++) {
    recorder.iterationStarted(0, 0);
    recorder.request(0, 'login', 'ok', i * 1000, i * 500, 100, 50);
    recorder.iterationEnded(0, i * 1000, 'ok');
  }
  await new Promise((r) => setTimeout(r, 120));
  recorder.phaseEnded(0);
  recorder.phaseStarted(1);
  for (let i = 0; i < 10; i++) {
    recorder.iterationStarted(1, 2000);
    recorder.request(1, 'order', 'http_5xx', 400_000, 1_000, 10, 10, 'status 503');
    recorder.iterationEnded(1, 400_000, 'failed');
  }
  recorder.iterationDropped(1, 'max_in_flight');
  recorder.iterationDropped(1, 'max_in_flight');
  await new Promise((r) => setTimeout(r, 120));
  recorder.phaseEnded(1);
  recorder.stop('completed');
  writer.close();
  return file;
}

describe('run summary from the results stream', () => {
  it('adds up every interval exactly, overall, per step and per phase', async () => {
    const summary = summarise(readResults(await recordKnownRun()));
    assert.equal(summary.status, 'completed');
    assert.equal(summary.partial, false);
    assert.equal(summary.overall.requests, 110);
    assert.equal(summary.overall.errors, 10);
    assert.deepEqual(summary.overall.errorsByClass, { http_5xx: 10 });
    assert.equal(summary.overall.dropped, 2);
    assert.equal(summary.overall.bytesIn, 100 * 100 + 10 * 10);
    assert.equal(summary.steps.login!.requests, 100);
    // latencies 1..100 ms: p50 is 50 ms, p99 99 ms, within HDR's 3 significant digits
    assert.ok(Math.abs(summary.steps.login!.latency.p50 - 50) < 0.1);
    assert.ok(Math.abs(summary.steps.login!.latency.p99 - 99) < 0.1);
    assert.ok(Math.abs(summary.steps.login!.serviceTime.p99 - 49.5) < 0.1);
    assert.ok(Math.abs(summary.steps.order!.latency.max - 400) < 0.5);
    const [warm, peak] = summary.phases;
    assert.equal(warm!.name, 'warm');
    assert.equal(warm!.requests, 100);
    assert.equal(peak!.errors, 10);
    assert.equal(peak!.iterations.failed, 10);
    assert.equal(peak!.dropped, 2);
    assert.ok(Math.abs(peak!.iterations.startLag.p50 - 2) < 0.01);
    assert.deepEqual(summary.topErrors, [{ step: 'order', outcome: 'http_5xx', message: 'status 503', count: 10 }]);
  });

  it('judges thresholds against the summary', async () => {
    const results = readResults(await recordKnownRun());
    const summary = summarise(results);
    const verdicts = evaluateThresholdGates({ summary, records: results.records, flows: [] }, [
      'p50<60ms',
      'step:login.p99<100ms',
      'step:order.p99<100ms',
      'errors<5%',
      'phase:peak.errors<=100%',
      'step:nosuch.p99<1ms',
      'dropped<5',
    ].map((expression) => ({ expression })));
    assert.deepEqual(
      verdicts.map((v) => v.passed),
      [true, true, false, false, true, false, true],
    );
    assert.match(verdicts[5]!.reason!, /no step named "nosuch"/);
  });
});
