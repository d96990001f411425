import { MergeRefusedError } from './merge-checks.js';
import type { BodyRecord, HeaderRecord } from './results-format.js';
import type { Results } from './results-reader.js';
import { StreamMerger } from './stream-merger.js';

// The streams of several workers that each drove a share of one run, already read whole, put back
// together at once as the stream one generator would have written for the whole load (how, and why
// it is exact: stream-merger.ts). `loadtest merge` reads its files a piece at a time instead
// (merge-files.ts); both give the same records.

export interface MergeOptions {
  /** The streams' file names, for messages and the merged header; "stream 1", … when not given. */
  files?: readonly string[];
  /** Merge a segmented run with segments missing (the merged header lists them) instead of refusing. */
  allowPartial?: boolean;
}

export interface MergedStream {
  header: HeaderRecord;
  records: BodyRecord[];
}

export { MergeRefusedError };

/** Merges the worker streams of one run; throws MergeRefusedError when they are not that. */
export function mergeResults(inputs: readonly Results[], options: MergeOptions = {}): MergedStream {
  if (inputs.length === 0) throw new MergeRefusedError('nothing to merge: no results streams given');
  const files = inputs.map((_, i) => options.files?.[i] ?? `stream ${i + 1}`);
  const merger = new StreamMerger(
    inputs.map((results) => results.header),
    { files, interval: inputs[0]!.header.intervalS ?? gridInterval(inputs.map((results) => results.records)), allowPartial: options.allowPartial },
  );
  inputs.forEach((results, worker) => {
    for (const record of results.records) merger.add(worker, record);
    merger.close(worker, results.tornTail);
  });
  const records = merger.take();
  records.push(merger.end());
  return { header: merger.header, records };
}

/**
 * The recording interval of streams whose header does not say it (written before it did): the most
 * common duration of the generator records (one per interval), else of the step records; 1 s when
 * there are none.
 */
export function gridInterval(streams: ReadonlyArray<readonly BodyRecord[]>): number {
  for (const type of ['generator', 'step'] as const) {
    const seen = new Map<number, number>();
    for (const records of streams) for (const record of records) if (record.type === type) seen.set(record.dur, (seen.get(record.dur) ?? 0) + 1);
    let best: number | undefined;
    for (const [dur, n] of seen) if (dur > 0 && (best === undefined || n > seen.get(best)!)) best = dur;
    if (best !== undefined) return best;
  }
  return 1;
}
