import { MergeRefusedError } from '../../scenarios/results/merge-checks.js';
import type { BodyRecord, HeaderRecord } from '../../scenarios/results/results-format.js';
import type { Results } from '../../scenarios/results/results-reader.js';
import { recordingInterval, StreamMerger } from '../../scenarios/results/stream-merger.js';

// The merge engine driven over streams already read whole, all at once: the reference the tests
// hold `loadtest merge` (merge-files.ts) and the live merge of `run --workers` (live-merge.ts) to,
// and the way the merge's semantics are tested record by record.

export interface MergedStream {
  header: HeaderRecord;
  records: BodyRecord[];
}

/** Merges the worker streams of one run; throws MergeRefusedError when they are not that. */
export function mergeResults(inputs: readonly Results[], options: { files?: readonly string[]; allowPartial?: boolean } = {}): MergedStream {
  if (inputs.length === 0) throw new MergeRefusedError('nothing to merge: no results streams given');
  const files = inputs.map((_, i) => options.files?.[i] ?? `stream ${i + 1}`);
  const interval = recordingInterval(inputs[0]!.header, inputs.map((results) => results.records));
  const merger = new StreamMerger(
    inputs.map((results) => results.header),
    { files, interval, allowPartial: options.allowPartial },
  );
  inputs.forEach((results, worker) => {
    for (const record of results.records) merger.add(worker, record);
    merger.close(worker, results.tornTail);
  });
  const records = merger.take();
  records.push(merger.end());
  return { header: merger.header, records };
}
