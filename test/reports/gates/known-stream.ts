import { join } from 'node:path';
import type { DropReason, Outcome } from '../../../scenarios/outcome.js';
import { encodeHistogram, newHistogram, recordMicros } from '../../../scenarios/results/histogram.js';
import { testHeader } from '../../helpers/stream-header.js';
import type { BodyRecord, EndRecord, HeaderRecord } from '../../../scenarios/results/results-format.js';
import { readResults } from '../../../scenarios/results/results-reader.js';
import type { Results } from '../../../scenarios/results/results-reader.js';
import { ResultsWriter } from '../../../scenarios/results/results-writer.js';

// A results stream whose every figure the test chose: interval records with real encoded
// histograms on whole seconds, written through the real writer and read back by the real reader.
// Gates can then be checked against numbers worked out by hand (which second stalled, which
// window holds it), which a recording made in real time could not give exactly.

export interface StepSecond {
  /** [latency in ms, how many requests] pairs: all requests of the record. */
  latencies: Array<[ms: number, count: number]>;
  step?: string;
  phase?: string;
  outcome?: Outcome;
  dur?: number;
}

export interface ResourceSample {
  target?: string;
  replica: string;
  cpuCores: number;
  workingSetBytes: number;
  cpuPeriods?: number;
  cpuThrottledPeriods?: number;
}

export class KnownStream {
  readonly records: BodyRecord[] = [];
  readonly #header: HeaderRecord;

  constructor(options: { thresholds?: string[]; abortOnFail?: string[]; flows?: HeaderRecord['flows']; phases?: string[] } = {}) {
    this.#header = testHeader({
      startEpochMs: Date.UTC(2030, 0, 1),
      scenario: { thresholds: options.thresholds ?? [], ...(options.abortOnFail === undefined ? {} : { abortOnFail: options.abortOnFail }) },
      ...(options.flows === undefined ? {} : { flows: options.flows }),
      phases: (options.phases ?? ['main']).map((name) => ({ name, executor: 'constant-arrival-rate', startS: 0, durationS: 0, params: {} })),
    });
  }

  /** One step record at second `t`: `latencies` say how many requests took how long. */
  step(t: number, second: StepSecond): this {
    const histogram = newHistogram();
    let count = 0;
    for (const [ms, n] of second.latencies) {
      for (let i = 0; i < n; i++) recordMicros(histogram, ms * 1000);
      count += n;
    }
    const latency = encodeHistogram(histogram);
    this.records.push({ type: 'step', t, dur: second.dur ?? 1, phase: second.phase ?? 'main', step: second.step ?? 'get', outcome: second.outcome ?? 'ok', count, bytesIn: 0, bytesOut: 0, latency, service: latency });
    return this;
  }

  /** The iteration accounting of one phase at second `t`. */
  iterations(t: number, started: number, options: { phase?: string; dropped?: number; dur?: number } = {}): this {
    const dropped: Record<DropReason, number> = { max_in_flight: options.dropped ?? 0, data_exhausted: 0 };
    this.records.push({ type: 'iterations', t, dur: options.dur ?? 1, phase: options.phase ?? 'main', started, ok: started, failed: 0, interrupted: 0, dropped, inFlight: 0, maxInFlight: 1, vus: 0, lag: null, duration: null });
    return this;
  }

  phase(t: number, name: string, index: number, event: 'start' | 'end'): this {
    this.records.push({ type: 'phase', t, phase: name, index, event });
    return this;
  }

  resource(t: number, sample: ResourceSample): this {
    this.records.push({
      type: 'resource',
      t,
      dur: 1,
      target: sample.target ?? 'kv',
      replica: sample.replica,
      source: 'cgroup',
      cpuCores: sample.cpuCores,
      cpuThrottledSeconds: 0,
      cpuPeriods: sample.cpuPeriods ?? null,
      cpuThrottledPeriods: sample.cpuThrottledPeriods ?? null,
      memoryUsageBytes: sample.workingSetBytes,
      workingSetBytes: sample.workingSetBytes,
      rssBytes: sample.workingSetBytes,
      pageCacheBytes: 0,
      oomKills: 0,
      limits: { cpuCores: 1, memoryBytes: 512 * 1024 ** 2 },
    });
    return this;
  }

  end(t: number, status: EndRecord['status'] = 'completed', abortedBy?: string): this {
    this.records.push({ type: 'end', t, status, ...(abortedBy === undefined ? {} : { abortedBy }) });
    return this;
  }

  /** Writes `<dir>/<name>` through the real writer and reads it back. */
  write(dir: string, name = 'results.ndjson'): Results {
    const file = join(dir, name);
    const writer = new ResultsWriter(file, this.#header);
    writer.append(this.records);
    writer.close();
    return readResults(file);
  }
}
