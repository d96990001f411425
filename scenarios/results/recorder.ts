import { AvailabilityTracker } from './availability-tracker.js';
import { GeneratorHealth } from './generator-health.js';
import { IterationCounters } from './iteration-counters.js';
import type { IterationStatus, MetricsSink } from '../metrics-sink.js';
import type { DropReason, Outcome } from '../outcome.js';
import type { BodyRecord, EndRecord, EventRecord, FaultRecord } from './results-format.js';
import type { ResultsWriter } from './results-writer.js';
import { redactSecrets } from './redact-secrets.js';
import { roundSeconds } from './run-clock.js';
import type { RunClock } from './run-clock.js';
import { StepBuckets } from './step-buckets.js';

/** What the live progress display gets once per interval. */
export interface IntervalSnapshot {
  /** Seconds since run start at the end of the interval. */
  elapsedS: number;
  requests: number;
  errors: number;
  requestsPerSecond: number;
  /** p99 of latency over the interval, ms; undefined when no request completed. */
  p99Ms: number | undefined;
  totalRequests: number;
  totalErrors: number;
  totalDropped: number;
  inFlight: number;
  phase: string | undefined;
}

export type RequestWatcher = (latencyUs: number, ok: boolean) => void;

/** The span each interval record covers, unless a test asks for shorter. */
export const DEFAULT_INTERVAL_MS = 1000;

export interface RecorderOptions {
  clock: RunClock;
  writer: ResultsWriter;
  phaseNames: readonly string[];
  /** Interval length; one second unless a test needs it shorter. */
  intervalMs?: number;
  onInterval?: (snapshot: IntervalSnapshot) => void;
  /** The longest a request may take (its timeout): outages are judged once their requests have all ended. */
  requestTimeoutMs?: number;
}

/**
 * Collects everything the engine measures into per-interval buckets and appends them to the
 * results stream at each interval boundary, on the run's clock. After `stop()` the stream holds
 * every measurement made; an interrupted process loses at most the current interval.
 */
export class Recorder implements MetricsSink {
  readonly #clock: RunClock;
  readonly #writer: ResultsWriter;
  readonly #phaseNames: readonly string[];
  readonly #intervalMs: number;
  readonly #onInterval: ((snapshot: IntervalSnapshot) => void) | undefined;
  readonly #steps = new StepBuckets();
  readonly #iterations = new IterationCounters();
  readonly #health = new GeneratorHealth();
  readonly #availability: AvailabilityTracker;
  #timer: NodeJS.Timeout | undefined;
  #intervalStartS = 0;
  #intervalsDone = 0;
  #totalRequests = 0;
  #totalErrors = 0;
  #currentPhase: number | undefined;
  #stopped = false;
  readonly #requestWatchers = new Map<number, Set<RequestWatcher>>();
  /** After the end record nothing more is written: an aborted run's stragglers are dropped. */
  #ended = false;

  constructor(options: RecorderOptions) {
    this.#clock = options.clock;
    this.#writer = options.writer;
    this.#phaseNames = options.phaseNames;
    this.#intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.#onInterval = options.onInterval;
    this.#availability = new AvailabilityTracker(options.requestTimeoutMs ?? 10_000);
  }

  start(): void {
    this.#intervalStartS = roundSeconds(this.#clock.nowS());
    this.#scheduleFlush();
  }

  request(
    phase: number,
    step: string,
    outcome: Outcome,
    latencyUs: number,
    serviceUs: number,
    bytesIn: number,
    bytesOut: number,
    detail?: string,
  ): void {
    this.#totalRequests++;
    if (outcome !== 'ok') this.#totalErrors++;
    this.#steps.record(phase, step, outcome, latencyUs, serviceUs, bytesIn, bytesOut, detail);
    this.#availability.request(this.#clock.nowS() - latencyUs / 1e6, outcome === 'ok');
    const watchers = this.#requestWatchers.get(phase);
    if (watchers !== undefined) for (const watch of watchers) watch(latencyUs, outcome === 'ok');
  }

  /**
   * Tells `watch` about every request of a phase as it completes (latency from due time, and
   * whether it succeeded): what a searching executor judges its levels by. Returns the unsubscribe.
   */
  watchRequests(phase: number, watch: RequestWatcher): () => void {
    let watchers = this.#requestWatchers.get(phase);
    if (watchers === undefined) this.#requestWatchers.set(phase, (watchers = new Set()));
    watchers.add(watch);
    return () => watchers.delete(watch);
  }

  iterationStarted(phase: number, lagUs: number): void {
    this.#iterations.started(phase, lagUs);
  }

  iterationEnded(phase: number, durationUs: number, status: IterationStatus): void {
    this.#iterations.ended(phase, durationUs, status);
  }

  iterationDropped(phase: number, reason: DropReason): void {
    this.#iterations.dropped(phase, reason);
  }

  setVus(phase: number, vus: number): void {
    this.#iterations.setVus(phase, vus);
  }

  inFlight(): number {
    return this.#iterations.inFlight();
  }

  phaseStarted(index: number): void {
    this.#currentPhase = index;
    this.#append([{ type: 'phase', t: this.#now(), phase: this.#phaseName(index), index, event: 'start' }]);
  }

  phaseEnded(index: number): void {
    this.#append([{ type: 'phase', t: this.#now(), phase: this.#phaseName(index), index, event: 'end' }]);
  }

  event(level: EventRecord['level'], message: string, source?: string): void {
    const record: EventRecord = { type: 'event', t: this.#now(), level, message: redactSecrets(message) };
    if (source !== undefined) record.source = source;
    this.#append([record]);
  }

  /**
   * A fault taking effect or being undone, stamped `atS` (when it was set off: a kill waits for the
   * process to be gone, and the outage it causes starts before that); outages that begin after a
   * fault are attributed to it.
   */
  fault(record: Omit<FaultRecord, 'type' | 't'>, atS?: number): void {
    const full: FaultRecord = { type: 'fault', t: atS === undefined ? this.#now() : roundSeconds(atS), ...record };
    if (full.error !== undefined) full.error = redactSecrets(full.error);
    if (record.event === 'start' && record.error === undefined) this.#availability.faultStarted(full.t, `${record.label} ${record.action} ${record.target}`);
    this.#append([full]);
  }

  /** Records measured elsewhere on the run's clock (resource and host samples). */
  append(records: BodyRecord[]): void {
    if (!this.#stopped) this.#append(records);
  }

  /** Seconds since the run started, as every record stamps them. */
  nowS(): number {
    return this.#now();
  }

  /** Flushes the last, partial interval and writes the end record. Idempotent. */
  stop(status: EndRecord['status'], message?: string, abortedBy?: string): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#flush();
    this.#health.stop();
    this.#append(this.#availability.finish(this.#now()));
    const end: EndRecord = { type: 'end', t: this.#now(), status };
    if (message !== undefined) end.message = redactSecrets(message);
    if (abortedBy !== undefined) end.abortedBy = abortedBy;
    this.#append([end]);
    this.#ended = true;
  }

  #scheduleFlush(): void {
    // Boundaries are fixed multiples of the interval from the run start, so a late timer shortens
    // the next interval instead of drifting every later one.
    const nextBoundaryMs = (this.#intervalsDone + 1) * this.#intervalMs;
    const delay = Math.max(0, nextBoundaryMs - this.#clock.nowS() * 1000);
    this.#timer = setTimeout(() => {
      this.#intervalsDone++;
      this.#flush();
      if (!this.#stopped) this.#scheduleFlush();
    }, delay);
  }

  #flush(): void {
    const endS = this.#now();
    const t = this.#intervalStartS;
    const dur = roundSeconds(Math.max(endS - t, 0.001));
    const requests = this.#steps.intervalRequests;
    const errors = this.#steps.intervalErrors;
    const records: BodyRecord[] = [
      ...this.#steps.drain(t, dur, this.#phaseNames),
      ...this.#iterations.drain(t, dur, this.#phaseNames),
      { type: 'generator', t, dur, ...this.#health.sample() },
      ...this.#availability.drain(endS),
    ];
    this.#append(records);
    this.#intervalStartS = endS;
    const p99Us = requests > 0 ? this.#steps.intervalLatency.getValueAtPercentile(99) : undefined;
    this.#onInterval?.({
      elapsedS: endS,
      requests,
      errors,
      requestsPerSecond: requests / dur,
      p99Ms: p99Us === undefined ? undefined : p99Us / 1000,
      totalRequests: this.#totalRequests,
      totalErrors: this.#totalErrors,
      totalDropped: this.#iterations.totalDropped,
      inFlight: this.#iterations.inFlight(),
      phase: this.#currentPhase === undefined ? undefined : this.#phaseName(this.#currentPhase),
    });
  }

  #append(records: BodyRecord[]): void {
    if (this.#ended) return;
    this.#writer.append(records);
  }

  #now(): number {
    return roundSeconds(this.#clock.nowS());
  }

  #phaseName(index: number): string {
    return this.#phaseNames[index] ?? `phase-${index + 1}`;
  }
}

/**
 * Notes an unexpected failure of the run itself in the stream and returns its message. Best
 * effort: when the stream is what failed, there is nothing more to write to.
 */
export function recordRunFailure(recorder: Recorder, error: unknown): string {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  try {
    recorder.event('error', message);
  } catch {
    // the stream itself failed; the caller still ends the run
  }
  return message;
}
