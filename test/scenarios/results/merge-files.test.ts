import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeWorkerStream } from '../../../bench/lib/worker-stream.js';
import { mergeFiles } from '../../../scenarios/results/merge-files.js';
import { mergeResults } from '../../helpers/merge-results.js';
import { readResults, ResultsFileError } from '../../../scenarios/results/results-reader.js';
import { CLI_PATH } from '../../helpers/cli.js';
import { testHeader } from '../../helpers/stream-header.js';

// `loadtest merge` of finished files, read a piece at a time: the same merged stream as merging the
// whole files in memory, in memory that does not grow with the streams' length.

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'loadtest-merge-files-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Worker streams of a run split two ways, as bench:merge makes them (the second started 0.3 s later). */
function workerStreams(name: string, durationS: number): string[] {
  return [0, 1].map((index) => {
    const file = join(dir, `${name}-${index}.ndjson`);
    writeWorkerStream(file, { durationS, index, count: 2, startEpochMs: Date.UTC(2026, 0, 5, 9) + index * 300 });
    return file;
  });
}

const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');

describe('mergeFiles', () => {
  it('writes what merging the whole streams in memory gives: the header, and every record', () => {
    const files = workerStreams('five-minutes', 300);
    const output = join(dir, 'merged.ndjson');
    const written = mergeFiles(files, output);
    const whole = mergeResults(files.map((file) => readResults(file)), { files });
    const [header, ...records] = lines(output);
    assert.deepEqual(JSON.parse(header!), whole.header);
    assert.deepEqual(records.sort(), whole.records.map((record) => JSON.stringify(record)).sort());
    assert.equal(written.records, whole.records.length);
    assert.equal(written.status, 'completed');
    assert.equal(JSON.parse(lines(output).at(-1)!).type, 'end', 'the end record last');
  });

  it('merges two 20-minute streams within a 40 MiB heap (whole-file merging of them ran out of 48 MiB)', () => {
    const files = workerStreams('twenty-minutes', 1200);
    const output = join(dir, 'bounded.ndjson');
    const run = spawnSync(process.execPath, ['--max-old-space-size=40', CLI_PATH, 'merge', ...files, '-o', output], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr.slice(-2000));
    assert.match(run.stderr, /merged 2 workers into .*: \d+ records, \d+ requests, completed/);
    assert.equal(readResults(output).records.at(-1)!.type, 'end');
  });

  it('refuses a missing or empty file and a bad line by file and line; keeps a last line without its newline', () => {
    const header = JSON.stringify(testHeader({ intervalS: 1 })) + '\n';
    const good = join(dir, 'good.ndjson');
    writeFileSync(good, header + JSON.stringify({ type: 'event', t: 0, level: 'info', message: 'a' }) + '\n');
    appendFileSync(good, JSON.stringify({ type: 'end', t: 1, status: 'completed' })); // no newline: written by hand
    const out = join(dir, 'out.ndjson');
    assert.equal(mergeFiles([good], out).status, 'completed');
    assert.deepEqual(readResults(out).records.map((r) => r.type), ['event', 'end']);

    assert.throws(() => mergeFiles([good, join(dir, 'absent.ndjson')], out), (e: Error) => e instanceof ResultsFileError && /absent\.ndjson: cannot read/.test(e.message));
    const empty = join(dir, 'empty.ndjson');
    writeFileSync(empty, '');
    assert.throws(() => mergeFiles([empty], out), /empty\.ndjson: empty: no header record/);
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, header + '{"type":"event"}\nnot json\n{"type":"end","t":1,"status":"completed"}\n');
    assert.throws(() => mergeFiles([bad], out), /bad\.ndjson:3: not a JSON record/);
    assert.equal(readResults(out).records.length, 2, 'a refused merge leaves the earlier output as it was');
  });
});
