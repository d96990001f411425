// The state of one running iteration, and how an abort signal reaches every iteration running under it.

import type { DataRow } from '../model.js';
import type { ResponseHandler } from '../http/response-handler.js';
import type { TemplateContext } from './templates.js';

/** Who runs an iteration and when it was due: what the executor tells the flow runner. */
export interface IterationContext {
  /** Index of the phase in the scenario's phase list. */
  phase: number;
  vu: number;
  iteration: number;
  /** performance.now() time the iteration was due; its first request's latency counts from here. */
  intendedStartMs: number;
  /** The current row of each feeder, by feeder name. */
  rows: Record<string, DataRow>;
}

/** The state of one running iteration. */
export class Iteration {
  /** The request in flight, cancelled on abort. */
  current: ResponseHandler | null = null;
  /** Wakes a think-time sleep early. */
  wake: (() => void) | null = null;
  aborted = false;
  /** When the next request was due: the intended start for the first one, then -1 (its own issue time). */
  dueAt: number;

  constructor(
    readonly ctx: IterationContext,
    readonly vars: TemplateContext | null,
  ) {
    this.dueAt = ctx.intendedStartMs;
  }

  /** The iteration's signal fired. */
  interrupt(): void {
    this.aborted = true;
    this.current?.cancel();
    this.wake?.();
  }
}

/**
 * The iterations running under each signal. Every iteration usually shares one signal (the run's),
 * and AbortSignal's own listener list scans for duplicates on every add and warns past 10 listeners,
 * so each signal gets a single listener and a Set of iterations instead.
 */
export class SignalRegistry {
  private readonly running = new WeakMap<AbortSignal, Set<Iteration>>();

  add(signal: AbortSignal, it: Iteration): void {
    let set = this.running.get(signal);
    if (set === undefined) {
      const iterations = new Set<Iteration>();
      set = iterations;
      this.running.set(signal, iterations);
      signal.addEventListener('abort', () => {
        for (const running of iterations) running.interrupt();
        iterations.clear();
      }, { once: true });
    }
    set.add(it);
  }

  delete(signal: AbortSignal, it: Iteration): void {
    this.running.get(signal)?.delete(it);
  }
}
