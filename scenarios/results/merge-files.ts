import { closeSync, openSync, renameSync, rmSync } from 'node:fs';
import { MergeRefusedError } from './merge-checks.js';
import { MergedOutput, type MergeSummary } from './merged-output.js';
import type { BodyRecord } from './results-format.js';
import { ResultsFileError } from './results-reader.js';
import { recordingInterval, StreamMerger } from './stream-merger.js';
import { StreamTail } from './stream-tail.js';

// `loadtest merge` of finished worker streams, a piece at a time: the stream that reaches least
// far in time is read next, so what is held at once is the few seconds by which the workers'
// records are apart, not every worker's whole run — the gather pod of a Kubernetes run merges tens
// of one-hour streams within its memory limit. The merged stream is written beside its destination
// and renamed over it when complete, so a reader never sees half of one.

/** Bytes of one stream read at a time: a minute or more of a typical worker's records. */
const PIECE = 1 << 20;

/**
 * Merges the worker streams in `files` into `output`. Throws ResultsFileError for an unreadable or
 * malformed stream and MergeRefusedError for streams that are not one run's.
 */
export function mergeFiles(files: readonly string[], output: string, options: { allowPartial?: boolean } = {}): MergeSummary {
  if (files.length === 0) throw new MergeRefusedError('nothing to merge: no results streams given');
  for (const file of files) mustOpen(file);
  const tails = files.map((file) => new StreamTail(file));
  const firstPieces = tails.map((tail) => {
    const records = tail.read(PIECE);
    if (tail.header === undefined) throw new ResultsFileError(tail.file, 0, 'empty: no header record');
    return records;
  });
  const headers = tails.map((tail) => tail.header!);
  // Streams written before headers said their interval: inferred from their first minutes.
  const interval = recordingInterval(headers[0]!, firstPieces);
  const merger = new StreamMerger(headers, { files, interval, allowPartial: options.allowPartial });
  const temporary = `${output}.${process.pid}.tmp`;
  try {
    const merged = new MergedOutput(temporary, merger.header);
    const finished = new Set<number>();
    const feed = (worker: number, records: readonly BodyRecord[]): void => {
      for (const record of records) merger.add(worker, record);
      if (!tails[worker]!.atEnd) return;
      for (const record of tails[worker]!.readToEnd()) merger.add(worker, record);
      merger.close(worker, tails[worker]!.tornTail);
      finished.add(worker);
    };
    firstPieces.forEach((records, worker) => feed(worker, records));
    for (let worker = merger.laggard(); worker !== undefined; worker = merger.laggard()) {
      feed(worker, tails[worker]!.read(PIECE));
      merged.write(merger.take());
    }
    // A stream closed by its end record: anything after it is still read, and a torn tail noted.
    tails.forEach((tail, worker) => {
      if (!finished.has(worker)) feed(worker, tail.readToEnd());
    });
    merged.write(merger.take());
    const summary = merged.close(merger.end());
    renameSync(temporary, output);
    return summary;
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function mustOpen(file: string): void {
  try {
    closeSync(openSync(file, 'r'));
  } catch (error) {
    throw new ResultsFileError(file, 0, `cannot read: ${(error as Error).message}`);
  }
}
