import type { EncodedBuckets } from '../../scenarios/results/histogram-decode.js';
import { newHistogram } from '../../scenarios/results/histogram.js';
import type { JsHistogram } from 'hdr-histogram-js/dist/JsHistogram.js';

// Latency of one timeline cell (a bucket of time × a step) gathered sparsely. A long run has tens of
// thousands of cells; a full HDR histogram each would cost a scan of ~20,000 counters per
// percentile, while a cell rarely touches more than a few hundred. Counts go into a dense scratch
// array by HDR bucket index, and only the touched indices are sorted and walked. Percentiles come
// out exactly as the HDR histogram gives them: the highest value equivalent to the bucket.

const geometry = newHistogram() as unknown as JsHistogram;

export interface LatencyPercentilesMs {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

const PERCENTILES = [50, 90, 95, 99, 99.9];

export class SparseLatency {
  #counts = new Float64Array(0);
  #touched: number[] = [];
  total = 0;

  add(buckets: EncodedBuckets): void {
    if (this.#counts.length < buckets.layout.countsArrayLength) this.#counts = new Float64Array(buckets.layout.countsArrayLength);
    const { indices, counts } = buckets;
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i]!;
      if (this.#counts[index] === 0) this.#touched.push(index);
      this.#counts[index]! += counts[i]!;
    }
    this.total += buckets.totalCount;
  }

  /** The touched buckets as (value µs, count) pairs, for handing on to a histogram. */
  pairs(): number[] {
    const out: number[] = [];
    for (const index of this.#touched) out.push(geometry.valueFromIndex(index), this.#counts[index]!);
    return out;
  }

  percentiles(): LatencyPercentilesMs | null {
    if (this.total === 0) return null;
    const sorted = Int32Array.from(this.#touched).sort();
    const wanted = PERCENTILES.map((p) => Math.max(Math.ceil((p / 100) * this.total - 1e-9), 1));
    const found: number[] = [];
    let cumulative = 0;
    for (const index of sorted) {
      cumulative += this.#counts[index]!;
      while (found.length < wanted.length && cumulative >= wanted[found.length]!) found.push(ms(index));
      if (found.length === wanted.length) break;
    }
    return { p50: found[0]!, p90: found[1]!, p95: found[2]!, p99: found[3]!, p999: found[4]!, max: ms(sorted[sorted.length - 1]!) };
  }

  /** Empties the cell for reuse, touching only what was filled. */
  clear(): void {
    for (const index of this.#touched) this.#counts[index] = 0;
    this.#touched = [];
    this.total = 0;
  }
}

function ms(index: number): number {
  return Math.round(geometry.highestEquivalentValue(geometry.valueFromIndex(index))) / 1000;
}
