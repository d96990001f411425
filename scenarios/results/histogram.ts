import hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

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

/** Adds `source` into `target`, widening nothing: both use the project's one histogram shape. */
export function addInto(target: Histogram, source: Histogram): void {
  target.add(source);
}
