import type { Results } from '../../scenarios/results/results-reader.js';
import { addInto, decodeHistogram, newHistogram, type Histogram } from '../../scenarios/results/histogram.js';

// Figures the benches read straight from a results stream, beyond what the run summary offers:
// a phase's own timing, started and dropped counts, its merged start lateness, and the generator's
// memory second by second.

export interface PhaseFigures {
  /** From its `phase start` to its `phase end` record: the time the schedule ran. */
  seconds: number;
  started: number;
  dropped: number;
  /** Start lateness (actual − intended) of every iteration, µs. */
  lag: Histogram;
  /** The same without the intervals that ended within the phase's first second (start-up: JIT, connects). */
  lagAfterFirstSecond: Histogram;
}

export function phaseFigures(results: Results, phase: string): PhaseFigures {
  let startS: number | undefined;
  let endS: number | undefined;
  for (const r of results.records) {
    if (r.type === 'phase' && r.phase === phase) {
      if (r.event === 'start') startS = r.t;
      else endS = r.t;
    }
  }
  if (startS === undefined || endS === undefined) throw new Error(`phase ${phase} has no start or end record in the stream`);
  const figures: PhaseFigures = { seconds: endS - startS, started: 0, dropped: 0, lag: newHistogram(), lagAfterFirstSecond: newHistogram() };
  for (const r of results.records) {
    if (r.type !== 'iterations' || r.phase !== phase) continue;
    figures.started += r.started;
    figures.dropped += Object.values(r.dropped).reduce((a, b) => a + b, 0);
    if (r.lag === null) continue;
    const lag = decodeHistogram(r.lag);
    addInto(figures.lag, lag);
    if (r.t + r.dur > startS + 1) addInto(figures.lagAfterFirstSecond, lag);
  }
  return figures;
}

export interface MemorySample {
  /** Seconds since run start at which it was taken (the end of its interval). */
  atS: number;
  rssBytes: number;
  heapUsedBytes: number;
}

export function generatorMemory(results: Results): MemorySample[] {
  const samples: MemorySample[] = [];
  for (const r of results.records) {
    if (r.type === 'generator') samples.push({ atS: r.t + r.dur, rssBytes: r.rssBytes, heapUsedBytes: r.heapUsedBytes });
  }
  return samples;
}

/** µs histogram value in ms; a histogram with nothing recorded reads as 0. */
export function percentileMs(histogram: Histogram, percentile: number): number {
  return histogram.totalCount === 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1000;
}
