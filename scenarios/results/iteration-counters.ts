import { encodeHistogram, newHistogram, recordMicros } from './histogram.js';
import type { Histogram } from './histogram.js';
import type { IterationStatus } from '../metrics-sink.js';
import type { DropReason } from '../outcome.js';
import type { IterationIntervalRecord } from './results-format.js';

/** Iteration accounting for one phase: interval counters plus the live in-flight gauge. */
class PhaseIterations {
  started = 0;
  ok = 0;
  failed = 0;
  interrupted = 0;
  droppedInFlight = 0;
  droppedData = 0;
  /** Iterations whose start lateness was recorded (open model only). */
  lagged = 0;
  inFlight = 0;
  maxInFlight = 0;
  vus = 0;
  readonly lag: Histogram = newHistogram();
  readonly duration: Histogram = newHistogram();
  /** Whether anything happened since the last drain; quiet phases write nothing. */
  active = false;

  resetInterval(): void {
    this.started = this.ok = this.failed = this.interrupted = this.droppedInFlight = this.droppedData = this.lagged = 0;
    this.maxInFlight = this.inFlight;
    this.lag.reset();
    this.duration.reset();
    this.active = this.inFlight > 0 || this.vus > 0;
  }
}

export class IterationCounters {
  readonly #phases: PhaseIterations[] = [];
  totalDropped = 0;

  started(phase: number, lagUs: number): void {
    const p = this.#phase(phase);
    p.started++;
    p.inFlight++;
    if (p.inFlight > p.maxInFlight) p.maxInFlight = p.inFlight;
    // Lateness exists only where there is a schedule: closed-model iterations start when their
    // user is ready and pass exactly 0, which would only dilute the open model's percentiles.
    if (lagUs > 0) {
      recordMicros(p.lag, lagUs);
      p.lagged++;
    }
  }

  ended(phase: number, durationUs: number, status: IterationStatus): void {
    const p = this.#phase(phase);
    p.inFlight--;
    p[status]++;
    recordMicros(p.duration, durationUs);
  }

  dropped(phase: number, reason: DropReason): void {
    const p = this.#phase(phase);
    if (reason === 'max_in_flight') p.droppedInFlight++;
    else p.droppedData++;
    this.totalDropped++;
  }

  setVus(phase: number, vus: number): void {
    this.#phase(phase).vus = vus;
  }

  inFlight(): number {
    let total = 0;
    for (const p of this.#phases) if (p !== undefined) total += p.inFlight;
    return total;
  }

  drain(t: number, dur: number, phaseNames: readonly string[]): IterationIntervalRecord[] {
    const records: IterationIntervalRecord[] = [];
    this.#phases.forEach((p, index) => {
      if (!p.active) return;
      records.push({
        type: 'iterations',
        t,
        dur,
        phase: phaseNames[index] ?? `phase-${index + 1}`,
        started: p.started,
        ok: p.ok,
        failed: p.failed,
        interrupted: p.interrupted,
        dropped: { max_in_flight: p.droppedInFlight, data_exhausted: p.droppedData },
        inFlight: p.inFlight,
        maxInFlight: p.maxInFlight,
        vus: p.vus,
        lag: p.lagged > 0 ? encodeHistogram(p.lag) : null,
        duration: p.ok + p.failed + p.interrupted > 0 ? encodeHistogram(p.duration) : null,
      });
      p.resetInterval();
    });
    return records;
  }

  #phase(index: number): PhaseIterations {
    let p = this.#phases[index];
    if (p === undefined) {
      p = new PhaseIterations();
      this.#phases[index] = p;
    }
    p.active = true;
    return p;
  }
}
