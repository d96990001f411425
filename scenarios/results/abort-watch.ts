import { scopeFilter } from '../../reports/gates/scope-filter.js';
import { WindowGate } from '../../reports/gates/window-gate.js';
import { parseThreshold } from '../language/threshold-expression.js';
import type { AbortRule } from '../model.js';
import type { BodyRecord, HeaderRecord } from './results-format.js';

// abortOnFail: thresholds watched while the run goes on, fed the same records the stream gets, and
// judged by the same gate code the report uses afterwards — so the run stops exactly when the
// report will say the gate failed. A whole-run threshold is judged over everything so far; a
// windowed one over its window.

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
    for (const record of records) {
      if (record.type !== 'step' && record.type !== 'iterations') continue;
      this.#latestS = Math.max(this.#latestS, record.t);
      for (const { gate } of this.#watched) gate.feed(record);
    }
    return this.#watched.find(({ rule, gate }) => gate.failingNow && this.#latestS >= rule.delayS)?.rule.expression;
  }
}
