import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { JsHistogram } from 'hdr-histogram-js/dist/JsHistogram.js';

// Every latency in the project is an HDR histogram of integer microseconds with 3 significant
// digits: constant memory whatever the run length, and histograms from different seconds,
// processes or machines add exactly.

export type { Histogram };

/** Values above this (10 minutes) are clamped; a request that slow has failed by any measure. */
export const HIGHEST_TRACKABLE_US = 600_000_000;

export function newHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

export function recordMicros(histogram: Histogram, micros: number): void {
  const value = micros < 1 ? 1 : micros > HIGHEST_TRACKABLE_US ? HIGHEST_TRACKABLE_US : Math.round(micros);
  histogram.recordValue(value);
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false);
}

/**
 * The mean, as the library's own `mean` computes it (each bucket at its median equivalent value)
 * but by a plain walk of the counts: the library's iterator costs milliseconds per call, and a
 * report takes the mean of hundreds of histograms.
 */
export function meanOf(histogram: Histogram): number {
  const h = histogram as unknown as JsHistogram;
  if (h.totalCount === 0) return 0;
  let total = 0;
  for (let i = 0; i < h.countsArrayLength; i++) {
    const count = h.getCountAtIndex(i);
    if (count !== 0) total += h.medianEquivalentValue(h.valueFromIndex(i)) * count;
  }
  return total / h.totalCount;
}

/** Adds `source` into `target`, widening nothing: both use the project's one histogram shape. */
export function addInto(target: Histogram, source: Histogram): void {
  target.add(source);
}
