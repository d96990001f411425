import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeHistogram, encodeHistogram, newHistogram, recordMicros } from '../../scenarios/results/histogram.js';
import { RESULTS_VERSION } from '../../scenarios/results/results-format.js';
import { testHeader } from '../helpers/stream-header.js';
import { ResultsFileError, parseResults, readResults } from '../../scenarios/results/results-reader.js';
import { ResultsWriter } from '../../scenarios/results/results-writer.js';

const header = testHeader({ startEpochMs: 1_700_000_000_000 });

describe('results stream', () => {
  it('round-trips records and histograms exactly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loadtest-stream-'));
    const histogram = newHistogram();
    for (let i = 1; i <= 1000; i++) recordMicros(histogram, i * 100);
    const writer = new ResultsWriter(join(dir, 'r.ndjson'), header);
    writer.append([{ type: 'event', t: 0.5, level: 'info', message: 'hello' }]);
    writer.append([{ type: 'end', t: 1, status: 'completed' }]);
    writer.close();
    const results = readResults(join(dir, 'r.ndjson'));
    assert.deepEqual(results.header, header);
    assert.equal(results.records.length, 2);
    assert.equal(results.tornTail, false);
    const decoded = decodeHistogram(encodeHistogram(histogram));
    assert.equal(decoded.totalCount, 1000);
    assert.equal(decoded.getValueAtPercentile(99), histogram.getValueAtPercentile(99));
  });

  it('ignores a torn last line, which is what a killed writer leaves', () => {
    const text = JSON.stringify(header) + '\n' + JSON.stringify({ type: 'event', t: 1, level: 'info', message: 'x' }) + '\n{"type":"st';
    const results = parseResults(text);
    assert.equal(results.records.length, 1);
    assert.equal(results.tornTail, true);
  });

  it('refuses a corrupt line in the middle, naming the line', () => {
    const text = JSON.stringify(header) + '\nnot json\n' + JSON.stringify({ type: 'end', t: 1, status: 'completed' }) + '\n';
    assert.throws(() => parseResults(text, 'f.ndjson'), (e: Error) => e instanceof ResultsFileError && e.message === 'f.ndjson:2: not a JSON record');
  });

  it('refuses other files and newer versions with a clear message', () => {
    assert.throws(() => parseResults('{"hello":1}\n', 'x'), /not a loadtest-results stream/);
    assert.throws(() => parseResults(JSON.stringify({ ...header, version: RESULTS_VERSION + 1 }) + '\n', 'x'), /newer than this loadtest understands/);
    assert.throws(() => parseResults('', 'x'), /empty/);
  });

  it('writes each append as whole lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loadtest-stream-'));
    const writer = new ResultsWriter(join(dir, 'r.ndjson'), header);
    writer.append([
      { type: 'event', t: 0, level: 'info', message: 'a' },
      { type: 'event', t: 0, level: 'info', message: 'b' },
    ]);
    const text = readFileSync(join(dir, 'r.ndjson'), 'utf8');
    assert.equal(text.split('\n').length, 4);
    assert.ok(text.endsWith('\n'));
    writer.close();
    writeFileSync(join(dir, 'empty.ndjson'), '');
    assert.throws(() => readResults(join(dir, 'empty.ndjson')), ResultsFileError);
  });
});
