import type { CapacitySearchPhase } from '../model.js';

// The rates a capacity search climbs: from `from` to `to` by a fixed step or a factor. The last
// level is `to` itself, so the search always tries the highest rate asked for.

export function searchLevels(from: number, to: number, ladder: CapacitySearchPhase['ladder']): number[] {
  const levels: number[] = [];
  let rate = from;
  // Bounded whatever the inputs: a search of more than 200 levels is a typo, not a plan.
  while (rate < to - 1e-9 && levels.length < 200) {
    levels.push(round(rate));
    rate = ladder.kind === 'step' ? rate + ladder.step : rate * ladder.factor;
  }
  levels.push(round(to));
  return levels;
}

/** The next rate to try between the highest that held and the lowest that failed. */
export function bisect(held: number, failed: number): number {
  return round((held + failed) / 2);
}

function round(rate: number): number {
  return Math.round(rate * 100) / 100;
}
