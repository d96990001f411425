import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeHistogram, newHistogram, recordMicros } from '../../../scenarios/results/histogram.js';
import { LiveMerge } from '../../../scenarios/results/live-merge.js';
import { MergeRefusedError } from '../../../scenarios/results/merge-checks.js';
import { mergeResults } from '../../helpers/merge-results.js';
import type { BodyRecord, HeaderRecord, StepIntervalRecord } from '../../../scenarios/results/results-format.js';
import { readResults } from '../../../scenarios/results/results-reader.js';
import { ResultsWriter } from '../../../scenarios/results/results-writer.js';
import { StreamTail } from '../../../scenarios/results/stream-tail.js';
import { testHeader } from '../../helpers/stream-header.js';

// The merge of workers' streams while they are still being written (`run --workers`): worker
// streams appended a second at a time through the real writer, as the recorder appends them, the
// merged stream read back from disk after every poll.

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'loadtest-live-merge-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

let made = 0;
function place(): string {
  const sub = join(dir, `case-${made++}`);
  return sub;
}

function header(index: number, count: number, startEpochMs = Date.UTC(2030, 0, 1)): HeaderRecord {
  return testHeader({
    startEpochMs,
    intervalS: 1,
    segment: { index, count },
    phases: [{ name: 'main', executor: 'constant-arrival-rate', startS: 0, durationS: 10, params: { rate: 10 } }],
  });
}

/** What the recorder appends at the end of second `s`: the interval's steps and iterations, then the generator record. */
function second(worker: number, s: number): BodyRecord[] {
  const histogram = newHistogram();
  const count = 3 + worker + s;
  for (let i = 0; i < count; i++) recordMicros(histogram, (5 + worker * 7 + i) * 1000);
  const latency = encodeHistogram(histogram);
  return [
    { type: 'step', t: s, dur: 1, phase: 'main', step: 'get', outcome: 'ok', count, bytesIn: 0, bytesOut: 0, latency, service: latency },
    { type: 'iterations', t: s, dur: 1, phase: 'main', started: count, ok: count, failed: 0, interrupted: 0, dropped: { max_in_flight: 0, data_exhausted: 0 }, inFlight: 1, maxInFlight: 2, vus: 0, lag: null, duration: null },
    { type: 'generator', t: s, dur: 1, rssBytes: 1, heapUsedBytes: 1, cpuUs: 1000, eventLoopDelayP99Ms: 1, eventLoopDelayMaxMs: 1 },
  ];
}

const stepSeconds = (records: readonly BodyRecord[]): number[] => records.filter((r): r is StepIntervalRecord => r.type === 'step').map((r) => r.t);
const sortedLines = (records: readonly BodyRecord[]): string[] => records.map((r) => JSON.stringify(r)).sort();

describe('LiveMerge', () => {
  it('writes each second once every worker is past it, and ends as the merge of the whole files does', () => {
    const base = place();
    const files = [0, 1, 2].map((w) => join(base, `w${w}.ndjson`));
    const output = join(base, 'merged.ndjson');
    const writers = files.map((file, w) => new ResultsWriter(file, header(w, 3)));
    const batches: BodyRecord[][] = [];
    const live = new LiveMerge(files, output, (records) => batches.push([...records]));
    writers.forEach((writer) => writer.append([{ type: 'phase', t: 0, phase: 'main', index: 0, event: 'start' }]));
    // Workers 0 and 1 are a second ahead of worker 2, as a slower process would be.
    for (let tick = 0; tick <= 5; tick++) {
      if (tick < 5) for (const w of [0, 1]) writers[w]!.append(second(w, tick));
      if (tick > 0) writers[2]!.append(second(2, tick - 1));
      live.poll();
      const merged = readResults(output);
      assert.equal(merged.tornTail, false);
      const through = tick - 1; // the last second worker 2 has written
      assert.deepEqual(stepSeconds(merged.records), Array.from({ length: through + 1 }, (_, s) => s), `after tick ${tick}`);
      const steps = merged.records.filter((r): r is StepIntervalRecord => r.type === 'step');
      steps.forEach((step) => assert.equal(step.count, 3 * (3 + step.t) + 3, `second ${step.t} holds all three workers' requests`));
    }
    writers.forEach((writer, w) => {
      writer.append([{ type: 'phase', t: 4.9 + w * 0.05, phase: 'main', index: 0, event: 'end' }, { type: 'end', t: 5, status: 'completed' }]);
      writer.close();
    });
    const summary = live.finish();

    const merged = readResults(output);
    const whole = mergeResults(files.map((file) => readResults(file)), { files });
    assert.deepEqual(merged.header, whole.header);
    assert.deepEqual(sortedLines(merged.records), sortedLines(whole.records), 'the live merge holds exactly what the merge of the finished files does');
    assert.equal(merged.records.at(-1)!.type, 'end');
    assert.equal(summary.status, 'completed');
    assert.equal(summary.requests, [0, 1, 2, 3, 4].reduce((sum, s) => sum + 3 * (3 + s) + 3, 0));
    assert.ok(batches.length >= 5, 'handed out a batch a second');
    for (const batch of batches) assert.deepEqual(batch, [...batch].sort((a, b) => a.t - b.t), 'each batch in time order');
  });

  it('marks a phase once, at the latest end, only after every worker has ended it', () => {
    const base = place();
    const files = [0, 1].map((w) => join(base, `w${w}.ndjson`));
    const output = join(base, 'merged.ndjson');
    const writers = files.map((file, w) => new ResultsWriter(file, header(w, 2)));
    const live = new LiveMerge(files, output);
    writers.forEach((writer, w) => writer.append([{ type: 'phase', t: 0.01 * w, phase: 'main', index: 0, event: 'start' }, ...second(w, 0)]));
    writers[0]!.append([{ type: 'phase', t: 1.4, phase: 'main', index: 0, event: 'end' }, ...second(0, 1)]);
    live.poll();
    const ends = () => readResults(output).records.filter((r) => r.type === 'phase' && r.event === 'end');
    assert.deepEqual(ends(), [], 'worker 1 has not ended the phase');
    writers[1]!.append([{ type: 'phase', t: 1.6, phase: 'main', index: 0, event: 'end' }, ...second(1, 1)]);
    live.poll();
    assert.deepEqual(ends(), [{ type: 'phase', t: 1.6, phase: 'main', index: 0, event: 'end' }]);
    const starts = readResults(output).records.filter((r) => r.type === 'phase' && r.event === 'start');
    assert.deepEqual(starts, [{ type: 'phase', t: 0, phase: 'main', index: 0, event: 'start' }], 'one start, the earliest');
    writers.forEach((writer) => writer.close());
    live.finish();
    assert.equal(ends().length, 1);
  });

  it('a worker that has ended, or whose process has exited, holds up no later second', () => {
    const base = place();
    const files = [0, 1, 2].map((w) => join(base, `w${w}.ndjson`));
    const output = join(base, 'merged.ndjson');
    const writers = files.map((file, w) => new ResultsWriter(file, header(w, 3)));
    const live = new LiveMerge(files, output);
    writers.forEach((writer, w) => writer.append(second(w, 0)));
    writers[0]!.append([{ type: 'end', t: 0.6, status: 'failed', message: 'out of memory' }]); // ended early, said so
    for (const s of [1, 2, 3]) for (const w of [1, 2]) writers[w]!.append(second(w, s));
    live.poll();
    assert.deepEqual(stepSeconds(readResults(output).records), [0, 1, 2, 3], 'worker 0 ended at 0.6 s');

    writers[2]!.append(second(2, 4)); // worker 2 dies after second 4 without an end record
    writers[1]!.append(second(1, 4));
    writers[1]!.append(second(1, 5));
    live.poll();
    assert.deepEqual(stepSeconds(readResults(output).records), [0, 1, 2, 3, 4], 'worker 2 may still write second 5');
    assert.equal(live.workerExited(2), true);
    assert.deepEqual(stepSeconds(readResults(output).records), [0, 1, 2, 3, 4, 5], 'worker 2 has exited');
    writers.forEach((writer) => writer.close());
    assert.equal(live.finish().status, 'failed');
  });

  it('a worker that died mid-line makes the merged run interrupted and says which', () => {
    const base = place();
    const files = [0, 1].map((w) => join(base, `w${w}.ndjson`));
    const output = join(base, 'merged.ndjson');
    const writers = files.map((file, w) => new ResultsWriter(file, header(w, 2)));
    const live = new LiveMerge(files, output);
    writers.forEach((writer, w) => writer.append(second(w, 0)));
    writers[0]!.append([{ type: 'end', t: 1, status: 'completed' }]);
    writers.forEach((writer) => writer.close());
    appendFileSync(files[1]!, '{"type":"step","t":1,');
    live.poll();
    const summary = live.finish();
    const end = readResults(output).records.at(-1)!;
    assert.equal(summary.status, 'interrupted');
    assert.equal(end.type, 'end');
    assert.match((end as { message: string }).message, /w1\.ndjson: interrupted \(no end record\), last line torn/);
  });

  it('stopped by a threshold judged on the merged load: the end says so, as a single run\'s does', () => {
    const base = place();
    const files = [0, 1].map((w) => join(base, `w${w}.ndjson`));
    const writers = files.map((file, w) => new ResultsWriter(file, header(w, 2)));
    const live = new LiveMerge(files, join(base, 'merged.ndjson'));
    writers.forEach((writer, w) => {
      writer.append([...second(w, 0), { type: 'end', t: 0.5, status: 'interrupted', message: 'stopped by a signal' }]);
      writer.close();
    });
    const summary = live.finish('p99<1ms');
    const end = readResults(join(base, 'merged.ndjson')).records.at(-1)!;
    assert.equal(summary.status, 'interrupted');
    assert.deepEqual([end.type, (end as { abortedBy?: string }).abortedBy], ['end', 'p99<1ms']);
    assert.match((end as { message: string }).message, /^stopped: threshold p99<1ms failed \(abortOnFail\); merged 2 workers/);
  });

  it('refuses streams that are not one run\'s once their headers are in, and a worker that wrote nothing', () => {
    const base = place();
    const files = [0, 1].map((w) => join(base, `w${w}.ndjson`));
    new ResultsWriter(files[0]!, header(0, 2)).close();
    new ResultsWriter(files[1]!, { ...header(1, 2), scenario: { ...header(1, 2).scenario, name: 'other' } }).close();
    assert.throws(() => new LiveMerge(files, join(base, 'merged.ndjson')).poll(), (e: Error) => e instanceof MergeRefusedError && /not the same scenario name/.test(e.message));

    const silent = join(base, 'never-written.ndjson');
    const waiting = new LiveMerge([files[0]!, silent], join(base, 'merged-2.ndjson'));
    assert.equal(waiting.workerExited(1), false, 'exited without a stream');
    assert.throws(() => waiting.finish(), /no results stream from .*never-written\.ndjson: the worker wrote nothing/);
  });
});

describe('StreamTail', () => {
  it('returns whole lines only: a line cut inside a character waits for the rest', () => {
    const file = join(place() + '-tail.ndjson');
    writeFileSync(file, JSON.stringify(header(0, 1)) + '\n');
    const tail = new StreamTail(file);
    assert.deepEqual(tail.read(), []);
    assert.equal(tail.header?.type, 'header');
    const line = Buffer.from(JSON.stringify({ type: 'event', t: 1, level: 'info', message: 'café ☕' }) + '\n');
    const cut = line.indexOf(Buffer.from('☕')) + 1; // inside the three bytes of ☕
    appendFileSync(file, line.subarray(0, cut));
    assert.deepEqual(tail.read(), []);
    assert.equal(tail.tornTail, true);
    appendFileSync(file, line.subarray(cut));
    assert.deepEqual(tail.read(), [{ type: 'event', t: 1, level: 'info', message: 'café ☕' }]);
    assert.equal(tail.tornTail, false);
  });

  it('refuses a file that shrank under it (another process rewrote it)', () => {
    const file = join(place() + '-shrunk.ndjson');
    writeFileSync(file, JSON.stringify(header(0, 1)) + '\n' + JSON.stringify({ type: 'event', t: 1, level: 'info', message: 'x' }) + '\n');
    const tail = new StreamTail(file);
    assert.equal(tail.read().length, 1);
    truncateSync(file, 10);
    assert.throws(() => tail.read(), /was cut short while being followed/);
  });
});
