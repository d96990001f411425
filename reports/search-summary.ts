import type { SearchLevelRecord, SearchResultRecord } from '../scenarios/results/results-format.js';
import type { CapacitySearchSummary, RunSummary } from './summary-types.js';

// The capacity searches of a run, from their stream records: every level as judged, and the knee.
// A search cut short (Ctrl-C) has levels but no result: it is reported unfinished, with the highest
// level that held as its knee so far.

export class SearchAccumulator {
  readonly #byPhase = new Map<string, { levels: SearchLevelRecord[]; result?: SearchResultRecord }>();

  add(record: SearchLevelRecord | SearchResultRecord): void {
    let entry = this.#byPhase.get(record.phase);
    if (entry === undefined) this.#byPhase.set(record.phase, (entry = { levels: [] }));
    if (record.type === 'search-level') entry.levels.push(record);
    else entry.result = record;
  }

  summary(): Pick<RunSummary, 'capacitySearch'> {
    if (this.#byPhase.size === 0) return {};
    const searches: CapacitySearchSummary[] = [...this.#byPhase].map(([phase, { levels, result }]) => {
      const held = levels.filter((l) => l.passed).map((l) => l.rate);
      const failed = levels.filter((l) => !l.passed).map((l) => l.rate);
      return {
        phase,
        kneeRps: result?.kneeRps ?? (held.length > 0 ? Math.max(...held) : null),
        failedRps: result?.failedRps ?? (failed.length > 0 ? Math.min(...failed) : null),
        finished: result !== undefined,
        slo: result?.slo ?? null,
        levels: levels.map(({ type: _type, phase: _phase, ...level }) => level),
      };
    });
    return { capacitySearch: searches };
  }
}
