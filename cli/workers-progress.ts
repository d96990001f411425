import { addBucketsInto, readEncodedBuckets } from '../scenarios/results/histogram-decode.js';
import { newHistogram, type Histogram } from '../scenarios/results/histogram.js';
import type { IntervalSnapshot } from '../scenarios/results/recorder.js';
import type { BodyRecord } from '../scenarios/results/results-format.js';

// One progress line for N local workers, drawn from the merged stream as it is written: each batch
// holds the seconds every worker is past, already added across workers, so the line shows the
// whole load's latest second — requests, errors, dropped, and p99 from the merged histograms.

interface Second {
  requests: number;
  errors: number;
  dropped: number;
  inFlight: number;
  latency: Histogram;
  phase: string | undefined;
}

export class WorkersProgress {
  #totalRequests = 0;
  #totalErrors = 0;
  #totalDropped = 0;

  /** The latest second of a batch of merged records; undefined when the batch holds no load. */
  add(records: readonly BodyRecord[]): IntervalSnapshot | undefined {
    const seconds = new Map<number, Second>();
    for (const record of records) {
      if (record.type !== 'step' && record.type !== 'iterations') continue;
      const t = Math.floor(record.t);
      let second = seconds.get(t);
      if (second === undefined) seconds.set(t, (second = { requests: 0, errors: 0, dropped: 0, inFlight: 0, latency: newHistogram(), phase: undefined }));
      if (record.type === 'step') {
        second.requests += record.count;
        if (record.outcome !== 'ok') second.errors += record.count;
        addBucketsInto(second.latency, readEncodedBuckets(record.latency));
        second.phase = record.phase;
      } else {
        second.dropped += Object.values(record.dropped).reduce((sum, n) => sum + n, 0);
        second.inFlight += record.inFlight;
      }
    }
    let snapshot: IntervalSnapshot | undefined;
    for (const [t, second] of [...seconds].sort(([a], [b]) => a - b)) {
      this.#totalRequests += second.requests;
      this.#totalErrors += second.errors;
      this.#totalDropped += second.dropped;
      snapshot = {
        elapsedS: t + 1,
        requests: second.requests,
        errors: second.errors,
        requestsPerSecond: second.requests,
        p99Ms: second.requests > 0 ? second.latency.getValueAtPercentile(99) / 1000 : undefined,
        totalRequests: this.#totalRequests,
        totalErrors: this.#totalErrors,
        totalDropped: this.#totalDropped,
        inFlight: second.inFlight,
        phase: second.phase,
      };
    }
    return snapshot;
  }
}
