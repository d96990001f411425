import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { summarise } from '../../../reports/summary.js';
import { decodeHistogram, encodeHistogram, newHistogram, recordMicros } from '../../../scenarios/results/histogram.js';
import { readEncodedBuckets } from '../../../scenarios/results/histogram-decode.js';
import { sumEncodedHistograms } from '../../../scenarios/results/histogram-sum.js';
import { MergeRefusedError } from '../../../scenarios/results/merge-checks.js';
import { mergeResults, type MergedStream } from '../../helpers/merge-results.js';
import type { BodyRecord, EndRecord, IterationIntervalRecord, StepIntervalRecord } from '../../../scenarios/results/results-format.js';
import { readResults } from '../../../scenarios/results/results-reader.js';
import type { Results } from '../../../scenarios/results/results-reader.js';
import { ResultsWriter } from '../../../scenarios/results/results-writer.js';
import { mulberry32 } from '../../helpers/mulberry32.js';
import { KnownStream } from '../../reports/gates/known-stream.js';

// The merge engine (stream-merger.ts) over whole streams: worker streams built with known
// latencies, merged, and the merged stream judged by the same summary the reports use — which must
// say exactly what one stream holding every worker's requests says.

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'loadtest-merge-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

let written = 0;
/** Through the real writer and reader, as `loadtest merge` leaves it on disk. */
function roundTrip(merged: MergedStream): Results {
  const file = join(dir, `merged-${written++}.ndjson`);
  const writer = new ResultsWriter(file, merged.header);
  writer.append(merged.records);
  writer.close();
  return readResults(file);
}

function write(stream: KnownStream): Results {
  return stream.write(dir, `w-${written++}.ndjson`);
}

/** Worker `w`'s requests in second `s`: a body that moves with both, and a tail of its own. */
function latenciesOf(w: number, s: number): Array<[number, number]> {
  return [
    [5 + w * 3 + s, 20 + w * 7],
    [40 + s * 11, 3 + w],
    [900 + w * 450 + s, 1],
  ];
}

const steps = (records: readonly BodyRecord[]): StepIntervalRecord[] => records.filter((r): r is StepIntervalRecord => r.type === 'step');
const iterations = (records: readonly BodyRecord[]): IterationIntervalRecord[] => records.filter((r): r is IterationIntervalRecord => r.type === 'iterations');
const endOf = (records: readonly BodyRecord[]): EndRecord => records.find((r): r is EndRecord => r.type === 'end')!;

describe('mergeResults: exact', () => {
  it('three workers merge into what one stream holding every request says: percentiles, max, counts', () => {
    const workers = [0, 1, 2].map(() => new KnownStream({ thresholds: ['p99<2s'] }));
    const union = new KnownStream({ thresholds: ['p99<2s'] });
    for (let s = 0; s < 5; s++) {
      const all: Array<[number, number]> = [];
      workers.forEach((worker, w) => {
        worker.step(s, { latencies: latenciesOf(w, s) });
        all.push(...latenciesOf(w, s));
      });
      union.step(s, { latencies: all });
    }
    for (const worker of workers) worker.end(5);
    union.end(5);
    const expected = write(union);
    const merged = roundTrip(mergeResults(workers.map(write)));

    const got = summarise(merged);
    const want = summarise(expected);
    assert.deepEqual(got.overall.latency, want.overall.latency);
    assert.deepEqual(got.overall.serviceTime, want.overall.serviceTime);
    assert.equal(got.overall.requests, want.overall.requests);
    assert.deepEqual(got.steps, want.steps);
    assert.ok(got.overall.latency.max >= 1800, 'the slowest worker\'s tail is the merged max');
    // Second by second, the merged histogram is the one a single generator would have encoded.
    const mergedSteps = steps(merged.records);
    assert.equal(mergedSteps.length, 5);
    steps(expected.records).forEach((record, s) => {
      assert.equal(mergedSteps[s]!.t, s);
      assert.equal(mergedSteps[s]!.count, record.count);
      assert.equal(encodeHistogram(decodeHistogram(mergedSteps[s]!.latency)), record.latency);
    });
  });

  it('adds encoded histograms exactly: decoded, the sum is the library\'s sum, bucket for bucket', () => {
    const random = mulberry32(7);
    for (let round = 0; round < 30; round++) {
      const parts = Array.from({ length: 1 + (round % 4) }, () => {
        const h = newHistogram();
        const n = round % 5 === 0 ? 0 : Math.floor(random() * 200);
        for (let i = 0; i < n; i++) recordMicros(h, Math.exp(random() * 16));
        return h;
      });
      const total = newHistogram();
      for (const part of parts) total.add(part);
      const sum = sumEncodedHistograms(parts.map(encodeHistogram));
      const decoded = decodeHistogram(sum);
      assert.equal(encodeHistogram(decoded), encodeHistogram(total), `round ${round}`);
      const reference = decodeHistogram(encodeHistogram(total));
      assert.deepEqual([decoded.totalCount, decoded.minNonZeroValue, decoded.maxValue], [reference.totalCount, reference.minNonZeroValue, reference.maxValue]);
      assert.deepEqual(readEncodedBuckets(sum).counts, readEncodedBuckets(encodeHistogram(total)).counts);
    }
  });

  it('writes a histogram of every bucket, whose counts outgrow one stored block, exactly', () => {
    const full = newHistogram();
    const layout = readEncodedBuckets(encodeHistogram(full)).layout;
    for (let index = 1; index < layout.countsArrayLength; index++) {
      const value = (full as unknown as { valueFromIndex(i: number): number }).valueFromIndex(index);
      if (value <= 600_000_000) full.recordValueWithCount(value, 1_000_000_000);
    }
    const sum = sumEncodedHistograms([encodeHistogram(full), encodeHistogram(full)]);
    const doubled = newHistogram();
    doubled.add(full);
    doubled.add(full);
    assert.ok(Buffer.from(sum, 'base64').length > 65_535 + 8);
    assert.equal(encodeHistogram(decodeHistogram(sum)), encodeHistogram(doubled));
  });

  it('sums iteration counters, drops per reason, in-flight and users', () => {
    const a = new KnownStream().iterations(0, 10, { dropped: 2 }).iterations(1, 12);
    const b = new KnownStream().iterations(0, 7, { dropped: 1 });
    const mergedRecords = mergeResults([write(a), write(b)]).records;
    const merged = iterations(mergedRecords);
    assert.equal(merged.length, 2);
    assert.deepEqual(
      { started: merged[0]!.started, ok: merged[0]!.ok, dropped: merged[0]!.dropped, maxInFlight: merged[0]!.maxInFlight, inFlight: merged[0]!.inFlight, vus: merged[0]!.vus },
      { started: 17, ok: 17, dropped: { max_in_flight: 3, data_exhausted: 0 }, maxInFlight: 2, inFlight: 0, vus: 0 },
    );
    assert.equal(merged[1]!.started, 12);
    const summary = summarise(roundTrip(mergeResults([write(a), write(b)])));
    assert.equal(summary.overall.iterations.started, 29);
    assert.equal(summary.overall.dropped, 3);
    assert.deepEqual(summary.overall.iterations.droppedByReason, { max_in_flight: 3, data_exhausted: 0 });
  });

  it('unites resource samples: every replica of every worker is there', () => {
    const a = new KnownStream().resource(0, { replica: 'n1', cpuCores: 0.5, workingSetBytes: 1e8 }).resource(1, { replica: 'n1', cpuCores: 0.6, workingSetBytes: 1e8 });
    const b = new KnownStream().resource(0, { replica: 'n2', cpuCores: 0.2, workingSetBytes: 2e8 }).resource(0, { target: 'api', replica: 'api-1', cpuCores: 0.1, workingSetBytes: 5e7 });
    const merged = mergeResults([write(a), write(b)]).records.filter((r) => r.type === 'resource');
    assert.equal(merged.length, 4);
    assert.deepEqual([...new Set(merged.map((r) => (r.type === 'resource' ? `${r.target}/${r.replica}` : '')))].sort(), ['api/api-1', 'kv/n1', 'kv/n2']);
  });

  it('keeps generator and host records per worker, tagged, so nothing is added twice', () => {
    const generator = (t: number, cpuUs: number, rss: number): BodyRecord => ({ type: 'generator', t, dur: 1, rssBytes: rss, heapUsedBytes: 1, cpuUs, eventLoopDelayP99Ms: 1, eventLoopDelayMaxMs: 2 });
    const a = new KnownStream();
    a.records.push(generator(0, 100_000, 5e7), generator(1, 100_000, 6e7));
    const b = new KnownStream();
    b.records.push(generator(0, 300_000, 9e7));
    const merged = mergeResults([write(a), write(b)], { files: ['a.ndjson', 'b.ndjson'] });
    const records = merged.records.filter((r) => r.type === 'generator');
    assert.deepEqual(records.map((r) => (r.type === 'generator' ? [r.t, r.worker] : [])), [[0, 0], [0, 1], [1, 0]]);
    const summary = summarise(roundTrip(merged));
    assert.equal(summary.generator.cpuSeconds, 0.5);
    assert.equal(summary.generator.maxRssBytes, 9e7);
    assert.deepEqual(merged.header.merged, { workers: 2, files: ['a.ndjson', 'b.ndjson'] });
  });
});

describe('mergeResults: one clock', () => {
  it('a worker that started 2 s later has its records at t + 2, and seconds that meet are added', () => {
    const early = new KnownStream().phase(0, 'main', 0, 'start').step(0, { latencies: [[10, 4]] }).step(3, { latencies: [[10, 1]] }).phase(4, 'main', 0, 'end').end(4);
    const late = new KnownStream().phase(0, 'main', 0, 'start').step(0, { latencies: [[20, 2]] }).step(1, { latencies: [[30, 5]] }).phase(3, 'main', 0, 'end').end(3);
    const lateResults = write(late);
    lateResults.header.startEpochMs += 2000;
    const earlyResults = write(early);
    const merged = mergeResults([lateResults, earlyResults]);
    assert.equal(merged.header.startEpochMs, earlyResults.header.startEpochMs);
    assert.deepEqual(steps(merged.records).map((r) => [r.t, r.count]), [[0, 4], [2, 2], [3, 6]]);
    const phases = merged.records.filter((r) => r.type === 'phase').map((r) => (r.type === 'phase' ? [r.event, r.t] : []));
    assert.deepEqual(phases, [['start', 0], ['end', 5]]);
    assert.equal(endOf(merged.records).t, 5);
  });

  it('snaps a fractional start difference to the nearest whole second', () => {
    const shiftOf = (offsetMs: number): number => {
      const a = write(new KnownStream().step(0, { latencies: [[10, 1]] }));
      const b = write(new KnownStream().step(0, { latencies: [[10, 1]] }));
      b.header.startEpochMs += offsetMs;
      return steps(mergeResults([a, b]).records).at(-1)!.t;
    };
    assert.equal(shiftOf(400), 0, '0.4 s late: its second is merged into the first one');
    assert.equal(shiftOf(600), 1);
    assert.equal(shiftOf(2490), 2);
    assert.equal(shiftOf(2510), 3);
  });

  it('shifts the run-clock times inside outage and fault records, and says a shared fault once', () => {
    const outage: BodyRecord = { type: 'outage', t: 3, end: 4.5, durationS: 1.5, failed: 10, ok: 0 };
    const fault: BodyRecord = { type: 'fault', t: 3, event: 'start', action: 'kill', target: 'kv', replicas: ['n1'], label: 'faults[0]', detail: 'SIGKILL to n1' };
    const a = new KnownStream();
    a.records.push(fault, outage);
    const b = new KnownStream();
    b.records.push(fault, outage);
    const same = mergeResults([write(a), write(b)]).records;
    assert.equal(same.filter((r) => r.type === 'fault').length, 1);
    assert.equal(same.filter((r) => r.type === 'outage').length, 1);
    const later = write(b);
    later.header.startEpochMs += 1000;
    const shifted = mergeResults([write(a), later]).records.filter((r) => r.type === 'outage');
    assert.deepEqual(shifted.map((r) => (r.type === 'outage' ? [r.t, r.end] : [])), [[3, 4.5], [4, 5.5]]);
  });
});

describe('mergeResults: refusals', () => {
  const pair = (): [Results, Results] => [write(new KnownStream({ thresholds: ['p99<1s'] }).end(1)), write(new KnownStream({ thresholds: ['p99<1s'] }).end(1))];
  const refused = (inputs: Results[], pattern: RegExp, allowPartial = false): void => {
    assert.throws(
      () => mergeResults(inputs, { files: inputs.map((_, i) => `w${i}.ndjson`), allowPartial }),
      (error: unknown) => error instanceof MergeRefusedError && pattern.test(error.message),
    );
  };

  it('refuses a different results format version, naming the file', () => {
    const [a, b] = pair();
    b.header.version = 0;
    refused([a, b], /^w1\.ndjson: not the same results format version as w0\.ndjson/);
  });
  it('refuses a different loadtest version', () => {
    const [a, b] = pair();
    b.header.tool = { name: 'loadtest', version: '9.9.9' };
    refused([a, b], /w1\.ndjson: not the same loadtest version as w0\.ndjson .*9\.9\.9/);
  });
  it('refuses another scenario, by name or by file', () => {
    const [a, b] = pair();
    b.header.scenario = { ...b.header.scenario, name: 'other' };
    refused([a, b], /w1\.ndjson: not the same scenario name as w0\.ndjson/);
    const [c, d] = pair();
    c.header.scenario = { ...c.header.scenario, file: '/ci/one/shop.yaml' };
    d.header.scenario = { ...d.header.scenario, file: '/home/me/shop.yaml' };
    assert.doesNotThrow(() => mergeResults([c, d]), 'the same file in another checkout is the same scenario');
    d.header.scenario = { ...d.header.scenario, file: '/home/me/shop-v2.yaml' };
    refused([c, d], /w1\.ndjson: not the same scenario file as w0\.ndjson/);
  });
  it('refuses another phase plan, but not another rate share', () => {
    const [a, b] = pair();
    b.header.phases = [{ ...b.header.phases[0]!, params: { rate: 50 } }];
    assert.doesNotThrow(() => mergeResults([a, b]));
    b.header.phases = [{ ...b.header.phases[0]!, durationS: 60 }];
    refused([a, b], /w1\.ndjson: not the same phases \(names, executors, start and duration\) as w0\.ndjson/);
  });
  it('refuses other thresholds', () => {
    const [a, b] = pair();
    b.header.scenario = { ...b.header.scenario, thresholds: ['p99<2s'] };
    refused([a, b], /w1\.ndjson: not the same thresholds as w0\.ndjson/);
  });
  it('refuses inconsistent segments: mixed, of different counts, an index twice', () => {
    const [a, b] = pair();
    a.header.segment = { index: 0, count: 2 };
    refused([a, b], /w1\.ndjson: not a segment of a split run, but w0\.ndjson is/);
    b.header.segment = { index: 1, count: 3 };
    refused([a, b], /w1\.ndjson: its segment is of a run split 3 ways, but w0\.ndjson was split 2 ways/);
    b.header.segment = { index: 0, count: 2 };
    refused([a, b], /w1\.ndjson: segment index 0 of 2 was given twice \(also w0\.ndjson\)/);
  });
  it('refuses missing segments unless told to merge a partial set, and then says which', () => {
    const [a, b] = pair();
    a.header.segment = { index: 0, count: 3 };
    b.header.segment = { index: 2, count: 3 };
    refused([a, b], /segment index 1 of 3 \(0-based\) missing: 2 of 3 worker streams given; pass --allow-partial/);
    const merged = mergeResults([a, b], { files: ['w0.ndjson', 'w2.ndjson'], allowPartial: true });
    assert.deepEqual(merged.header.merged, { workers: 2, files: ['w0.ndjson', 'w2.ndjson'], missingSegments: [1] });
    assert.equal(merged.header.segment, undefined);
    assert.match(endOf(merged.records).message!, /segment index 1 of 3 \(0-based\) not merged/);
  });
});

describe('mergeResults: how the run ended', () => {
  const withEnds = (...ends: Array<EndRecord['status'] | undefined>) =>
    endOf(
      mergeResults(
        ends.map((status) => write(status === undefined ? new KnownStream().step(0, { latencies: [[1, 1]] }) : new KnownStream().end(2, status))),
        { files: ends.map((_, i) => `w${i}`) },
      ).records,
    );

  it('is completed only when every worker completed', () => {
    const end = withEnds('completed', 'completed');
    assert.equal(end.status, 'completed');
    assert.equal(end.message, 'merged 2 workers: w0: completed; w1: completed');
  });
  it('is as bad as the worst worker: failed over interrupted', () => {
    assert.equal(withEnds('completed', 'interrupted').status, 'interrupted');
    const end = withEnds('interrupted', 'failed', 'completed');
    assert.equal(end.status, 'failed');
    assert.match(end.message!, /w0: interrupted; w1: failed; w2: completed/);
  });
  it('takes a worker without an end record as interrupted', () => {
    const end = withEnds('completed', undefined);
    assert.equal(end.status, 'interrupted');
    assert.match(end.message!, /w1: interrupted \(no end record\)/);
  });
});
