import { readEncodedBuckets } from '../scenarios/results/histogram-decode.js';
import type { EncodedBuckets } from '../scenarios/results/histogram-decode.js';
import type { StepIntervalRecord } from '../scenarios/results/results-format.js';

// A step record's latency buckets, read once however many parts of a report need them (the
// summary, each windowed gate, the analysis): inflating the histogram is most of what reading a
// long stream costs. Kept beside the record, so it goes when the stream's records go.

const latencies = new WeakMap<StepIntervalRecord, EncodedBuckets>();

export function stepLatency(record: StepIntervalRecord): EncodedBuckets {
  let buckets = latencies.get(record);
  if (buckets === undefined) latencies.set(record, (buckets = readEncodedBuckets(record.latency)));
  return buckets;
}
