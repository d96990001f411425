import { parseThreshold } from '../../scenarios/language/threshold-expression.js';
import type { AbortRule } from '../../scenarios/model.js';
import type { BodyRecord, HeaderRecord } from '../../scenarios/results/results-format.js';
import { scopeFilter } from './scope-filter.js';
import { WindowGate } from './window-gate.js';

// abortOnFail: thresholds watched while the run goes on, fed the same records the stream gets, and
// judged by the same gate code the report uses afterwards — so the run stops exactly when the
// report will say the gate failed. A whole-run threshold is judged over everything so far; a
// windowed one over its window. The command that starts a run hands it to the engine (see
// RunOptions.watchRecords), so the engine needs no knowledge of gates.

/** Interval bounds are rounded to the millisecond, so 5 s of load may show as an interval ending at 4.999 s. */
const CLOCK_RESOLUTION_S = 0.001;

interface Watched {
  rule: AbortRule;
  gate: WindowGate;
}

export class AbortWatch {
  readonly #watched: Watched[] = [];
  #latestS = 0;

  constructor(rules: readonly AbortRule[], flows: NonNullable<HeaderRecord['flows']>) {
    for (const rule of rules) {
      const expression = parseThreshold(rule.expression);
      const filter = scopeFilter(expression.scope, flows);
      // A target gate or an unknown flow was refused when the scenario loaded.
      if (typeof filter === 'string') continue;
      this.#watched.push({ rule, gate: new WindowGate(expression, filter) });
    }
  }

  get empty(): boolean {
    return this.#watched.length === 0;
  }

  /** Feeds records as they are written; returns the first watched threshold now failing, if any. */
  feed(records: readonly BodyRecord[]): string | undefined {
    let interval = false;
    for (const record of records) {
      if (record.type !== 'step' && record.type !== 'iterations') continue;
      interval = true;
      // Load measured so far: up to the end of this interval.
      this.#latestS = Math.max(this.#latestS, record.t + record.dur);
      for (const { gate } of this.#watched) gate.feed(record);
    }
    // The recorder writes one whole interval per batch: judge it now, not when the next arrives.
    if (interval) for (const { gate } of this.#watched) gate.endInterval();
    return this.#watched.find(({ rule, gate }) => gate.failingNow && this.#latestS >= rule.delayS - CLOCK_RESOLUTION_S)?.rule.expression;
  }
}
