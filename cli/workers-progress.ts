import { closeSync, openSync, readSync } from 'node:fs';
import { addBucketsInto, readEncodedBuckets } from '../scenarios/results/histogram-decode.js';
import { newHistogram, type Histogram } from '../scenarios/results/histogram.js';
import type { IntervalSnapshot } from '../scenarios/results/recorder.js';
import type { BodyRecord } from '../scenarios/results/results-format.js';

// One progress line for N local workers: each worker writes its own results stream (its records
// land a second at a time); this reads what each has appended since the last look, and adds the
// latest second every worker has finished — requests, errors, dropped, and p99 from the histograms
// added exactly, as the merge will.

const CHUNK = 1 << 20;

/** Reads the whole lines appended to a file since the last call. */
class FileTail {
  #offset = 0;
  #partial = '';

  constructor(private readonly path: string) {}

  lines(): string[] {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return []; // not created yet
    }
    try {
      const buffer = Buffer.alloc(CHUNK);
      let text = this.#partial;
      for (let n = readSync(fd, buffer, 0, CHUNK, this.#offset); n > 0; n = readSync(fd, buffer, 0, CHUNK, this.#offset)) {
        this.#offset += n;
        text += buffer.toString('utf8', 0, n);
      }
      const lines = text.split('\n');
      this.#partial = lines.pop() ?? '';
      return lines.filter((line) => line.length > 0);
    } finally {
      closeSync(fd);
    }
  }
}

interface Second {
  requests: number;
  errors: number;
  dropped: number;
  inFlight: number;
  latency: Histogram;
  phase: string | undefined;
}

export class WorkersProgress {
  readonly #tails: FileTail[];
  /** Per worker, the latest whole second it has written. */
  readonly #latest: number[];
  readonly #seconds = new Map<number, Second>();
  #shown = -1;
  #totalRequests = 0;
  #totalErrors = 0;
  #totalDropped = 0;

  constructor(resultsFiles: readonly string[]) {
    this.#tails = resultsFiles.map((file) => new FileTail(file));
    this.#latest = resultsFiles.map(() => -1);
  }

  /** The newest second all workers have written, once; undefined when there is none new. */
  poll(): IntervalSnapshot | undefined {
    this.#tails.forEach((tail, worker) => {
      for (const line of tail.lines()) this.#add(JSON.parse(line) as BodyRecord | { type: 'header' }, worker);
    });
    const ready = Math.min(...this.#latest);
    if (ready <= this.#shown) return undefined;
    let snapshot: IntervalSnapshot | undefined;
    for (const t of [...this.#seconds.keys()].sort((a, b) => a - b)) {
      if (t > ready) break;
      const second = this.#seconds.get(t)!;
      this.#seconds.delete(t);
      this.#totalRequests += second.requests;
      this.#totalErrors += second.errors;
      this.#totalDropped += second.dropped;
      const p99Ms = second.requests > 0 ? second.latency.getValueAtPercentile(99) / 1000 : undefined;
      snapshot = {
        elapsedS: t + 1,
        requests: second.requests,
        errors: second.errors,
        requestsPerSecond: second.requests,
        p99Ms,
        totalRequests: this.#totalRequests,
        totalErrors: this.#totalErrors,
        totalDropped: this.#totalDropped,
        inFlight: second.inFlight,
        phase: second.phase,
      };
    }
    this.#shown = ready;
    return snapshot;
  }

  #add(record: BodyRecord | { type: 'header' }, worker: number): void {
    if (record.type !== 'step' && record.type !== 'iterations') return;
    const t = Math.floor(record.t);
    let second = this.#seconds.get(t);
    if (second === undefined) this.#seconds.set(t, (second = { requests: 0, errors: 0, dropped: 0, inFlight: 0, latency: newHistogram(), phase: undefined }));
    if (record.type === 'step') {
      second.requests += record.count;
      if (record.outcome !== 'ok') second.errors += record.count;
      addBucketsInto(second.latency, readEncodedBuckets(record.latency));
      second.phase = record.phase;
    } else {
      second.dropped += Object.values(record.dropped).reduce((sum, n) => sum + n, 0);
      second.inFlight += record.inFlight;
    }
    // A worker's second is whole once it has written the iteration counts that close it.
    if (record.type === 'iterations') this.#latest[worker] = Math.max(this.#latest[worker]!, t);
  }
}
