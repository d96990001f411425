import { performance } from 'node:perf_hooks';
import type { CompiledFlow } from '../flow/compile-flow.js';
import type { LaunchResult } from './phase-context.js';
import { createFeeder } from '../language/feeders.js';
import type { FlowRunner } from '../flow/flow-runner.js';
import type { IterationStatus, MetricsSink } from '../metrics-sink.js';
import type { DataRow, Scenario } from '../model.js';
import { pickWeighted } from '../flow/weighted-pick.js';
import { globalIndex, WHOLE, type Segment } from '../segment.js';

/**
 * Starts iterations for the executors: picks a flow by weight, draws one row from every feeder,
 * runs the flow and records the iteration. It also knows what is still in flight, so the run can
 * wait for it (graceful stop) or cut it short (abort).
 */
export class IterationLauncher {
  readonly #flows: CompiledFlow[];
  readonly #runner: FlowRunner;
  readonly #sink: MetricsSink;
  readonly #random: () => number;
  readonly #feeders: Array<{ name: string; next(): DataRow | undefined }>;
  readonly #inFlightByPhase: number[] = [];
  readonly #abort = new AbortController();
  readonly #segment: Segment;
  #iteration = 0;
  #inFlight = 0;
  #onIdle: (() => void) | undefined;

  constructor(scenario: Scenario, flows: CompiledFlow[], runner: FlowRunner, sink: MetricsSink, random: () => number, segment: Segment = WHOLE) {
    this.#segment = segment;
    this.#flows = flows;
    this.#runner = runner;
    this.#sink = sink;
    this.#random = random;
    this.#feeders = Object.values(scenario.data).map((spec) => {
      const feeder = createFeeder(spec, random, segment);
      return { name: spec.name, next: () => feeder.next() };
    });
  }

  launch(phase: number, intendedMs: number, vu: number): Promise<LaunchResult> {
    const rows: Record<string, DataRow> = {};
    for (const feeder of this.#feeders) {
      const row = feeder.next();
      if (row === undefined) {
        this.#sink.iterationDropped(phase, 'data_exhausted');
        return Promise.resolve('exhausted');
      }
      rows[feeder.name] = row;
    }
    const flow = pickWeighted(this.#flows, this.#random);
    const startedMs = performance.now();
    this.#sink.iterationStarted(phase, Math.max(0, (startedMs - intendedMs) * 1000));
    this.#inFlight++;
    this.#inFlightByPhase[phase] = (this.#inFlightByPhase[phase] ?? 0) + 1;
    // {{iteration}} stays unique across workers: a segment's iterations are its stripe of the whole.
    const context = { phase, vu, iteration: globalIndex(this.#iteration++, this.#segment), intendedStartMs: intendedMs, rows };
    // The runner turns every failure into an outcome and never rejects, so one continuation is enough.
    return this.#runner.runIteration(flow, context, this.#abort.signal).then((status) => this.#ended(phase, intendedMs, status));
  }

  #ended(phase: number, intendedMs: number, status: IterationStatus): IterationStatus {
    this.#sink.iterationEnded(phase, (performance.now() - intendedMs) * 1000, status);
    this.#inFlightByPhase[phase]!--;
    if (--this.#inFlight === 0) this.#onIdle?.();
    return status;
  }

  inFlight(phase?: number): number {
    return phase === undefined ? this.#inFlight : (this.#inFlightByPhase[phase] ?? 0);
  }

  /** Waits until nothing is in flight or `timeoutMs` passes; true when everything finished. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.#inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#onIdle = undefined;
        resolve(false);
      }, timeoutMs);
      this.#onIdle = () => {
        clearTimeout(timer);
        this.#onIdle = undefined;
        resolve(true);
      };
    });
  }

  /** Cuts every running iteration short; their unfinished requests are not recorded. */
  abort(): void {
    this.#abort.abort();
  }
}
