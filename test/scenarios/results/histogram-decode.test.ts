import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import hdr from 'hdr-histogram-js';
import type { BuildRequest, JsHistogram } from 'hdr-histogram-js';
import { HIGHEST_TRACKABLE_US, decodeHistogram, encodeHistogram, newHistogram, type Histogram } from '../../../scenarios/results/histogram.js';
import { addBucketsInto, readEncodedBuckets } from '../../../scenarios/results/histogram-decode.js';
import { mulberry32 } from '../../helpers/mulberry32.js';

// The reference for everything here is what the reports did before: target.add(decodeHistogram(s)).
// Comparisons read the library's own counts array, so a count landing one bucket off fails.

const PERCENTILES = [0.1, 1, 50, 90, 99, 99.9, 99.99, 100];
const UINT32_MAX = 2 ** 32 - 1;

function js(histogram: Histogram): JsHistogram {
  assert.ok(histogram instanceof hdr.JsHistogram);
  return histogram;
}

function nonEmptyBuckets(histogram: Histogram): Array<[number, number]> {
  const h = js(histogram);
  const buckets: Array<[number, number]> = [];
  for (let index = 0; index < h.countsArrayLength; index++) {
    const count = h.getCountAtIndex(index);
    if (count !== 0) buckets.push([index, count]);
  }
  return buckets;
}

function assertSameHistogram(actual: Histogram, expected: Histogram, what: string): void {
  assert.equal(actual.totalCount, expected.totalCount, `${what}: totalCount`);
  assert.equal(actual.minNonZeroValue, expected.minNonZeroValue, `${what}: min`);
  assert.equal(actual.maxValue, expected.maxValue, `${what}: max`);
  assert.equal(actual.mean, expected.mean, `${what}: mean`);
  for (const p of PERCENTILES) assert.equal(actual.getValueAtPercentile(p), expected.getValueAtPercentile(p), `${what}: p${p}`);
  assert.deepEqual(nonEmptyBuckets(actual), nonEmptyBuckets(expected), `${what}: counts`);
}

/** Reads and adds each string into a fresh (or equally pre-filled) accumulator and compares with the reference after every step. */
function assertAddsLikeReference(encoded: string[], prefill: (h: Histogram) => void = () => {}): void {
  const reference = newHistogram();
  const readOnce = newHistogram();
  for (const h of [reference, readOnce]) prefill(h);
  encoded.forEach((s, i) => {
    reference.add(decodeHistogram(s));
    addBucketsInto(readOnce, readEncodedBuckets(s));
    assertSameHistogram(readOnce, reference, `addBucketsInto, after string ${i}`);
  });
}

/** Log-uniform over 1 µs…600 s, so every decade of the range gets values. */
function randomHistogram(random: () => number, values: number, maxCount: number): Histogram {
  const histogram = newHistogram();
  for (let i = 0; i < values; i++) {
    const value = Math.min(HIGHEST_TRACKABLE_US, Math.max(1, Math.round(Math.exp(random() * Math.log(HIGHEST_TRACKABLE_US)))));
    histogram.recordValueWithCount(value, 1 + Math.floor(random() * maxCount));
  }
  return histogram;
}

/** The buckets readEncodedBuckets found, each by its lowest value. */
function visited(encoded: string): Array<[number, number]> {
  const geometry = js(newHistogram());
  const { indices, counts } = readEncodedBuckets(encoded);
  return [...indices].map((index, i) => [geometry.valueFromIndex(index), counts[i]!]);
}

/** What iterating the decoded histogram yields: each recorded bucket, by its lowest value. */
function iterated(encoded: string): Array<[number, number]> {
  const decoded = js(decodeHistogram(encoded));
  const iterator = decoded.recordedValuesIterator;
  iterator.reset();
  const buckets: Array<[number, number]> = [];
  while (iterator.hasNext()) {
    const step = iterator.next();
    buckets.push([decoded.lowestEquivalentValue(step.valueIteratedTo), step.countAtValueIteratedTo]);
  }
  return buckets;
}

function histogramOf(...valuesAndCounts: Array<[number, number]>): Histogram {
  const histogram = newHistogram();
  for (const [value, count] of valuesAndCounts) histogram.recordValueWithCount(value, count);
  return histogram;
}

describe('readEncodedBuckets and addBucketsInto', () => {
  it('adds random histograms spread over 1 µs…600 s exactly as add(decodeHistogram) does', () => {
    const random = mulberry32(20240601);
    const encoded = Array.from({ length: 60 }, () => encodeHistogram(randomHistogram(random, 1 + Math.floor(random() * 3000), 1 + Math.floor(random() * 1000))));
    assertAddsLikeReference(encoded);
  });

  it('adds single values, from the lowest to the highest trackable, into empty and filled targets', () => {
    const values = [1, 2, 1023, 1024, 2047, 2048, 2049, 4095, 4096, 123_456, 1_000_000, 599_999_999, HIGHEST_TRACKABLE_US];
    const encoded = values.map((v) => encodeHistogram(histogramOf([v, 1])));
    for (const s of encoded) assertAddsLikeReference([s]);
    assertAddsLikeReference(encoded, (h) => h.recordValue(5000));
    assertAddsLikeReference([...encoded].reverse());
  });

  it('adds empty histograms without changing anything', () => {
    const empty = encodeHistogram(newHistogram());
    assertAddsLikeReference([empty, empty]);
    assertAddsLikeReference([empty], (h) => h.recordValueWithCount(777, 3));
  });

  it('keeps huge counts exactly, wrapping 32-bit counters just as the decoder does', () => {
    const nearFull = encodeHistogram(histogramOf([1, UINT32_MAX], [3000, UINT32_MAX - 1], [HIGHEST_TRACKABLE_US, 2 ** 31]));
    assert.equal(readEncodedBuckets(nearFull).totalCount, 2 * UINT32_MAX - 1 + 2 ** 31);
    assertAddsLikeReference([nearFull]);
    // Twice overflows the accumulator's 32-bit buckets: both paths must overflow alike (mean and
    // percentiles are left out, the library cannot iterate counts that disagree with its total).
    const reference = newHistogram();
    const fast = newHistogram();
    for (let i = 0; i < 2; i++) {
      reference.add(decodeHistogram(nearFull));
      addBucketsInto(fast, readEncodedBuckets(nearFull));
    }
    assert.deepEqual(nonEmptyBuckets(fast), nonEmptyBuckets(reference));
    assert.deepEqual([fast.totalCount, fast.minNonZeroValue, fast.maxValue], [reference.totalCount, reference.minNonZeroValue, reference.maxValue]);

    const wide = hdr.build({ bitBucketSize: 64, lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_TRACKABLE_US, numberOfSignificantValueDigits: 3, useWebAssembly: false });
    wide.recordValueWithCount(42, 2 ** 40 + 5);
    wide.recordValueWithCount(43, 2 ** 33);
    const beyond32Bits = hdr.encodeIntoCompressedBase64(wide);
    assert.equal(readEncodedBuckets(beyond32Bits).totalCount, decodeHistogram(beyond32Bits).totalCount);
    assert.deepEqual(visited(beyond32Bits), iterated(beyond32Bits));
    assertAddsLikeReference([beyond32Bits]);
  });

  it('records every bucket of the shape, value 0 included, in the right place', () => {
    const everyBucket = js(newHistogram());
    for (let index = 0; index < everyBucket.countsArrayLength; index++) everyBucket.recordValueWithCount(everyBucket.valueFromIndex(index), 1 + (index % 977));
    assert.equal(nonEmptyBuckets(everyBucket).length, everyBucket.countsArrayLength);
    assertAddsLikeReference([encodeHistogram(everyBucket)]);
  });

  it('takes the reference path for an encoding or a target of another shape', () => {
    const coarse = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 1_000_000, numberOfSignificantValueDigits: 2, useWebAssembly: false });
    coarse.recordValueWithCount(12_345, 7);
    coarse.recordValueWithCount(3, 2);
    const coarseEncoded = hdr.encodeIntoCompressedBase64(coarse);
    assertAddsLikeReference([coarseEncoded]);

    const projectEncoded = encodeHistogram(histogramOf([12_345, 7], [3, 2]));
    const reference = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 1_000_000, numberOfSignificantValueDigits: 2, useWebAssembly: false });
    const readOnce = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 1_000_000, numberOfSignificantValueDigits: 2, useWebAssembly: false });
    reference.add(decodeHistogram(projectEncoded));
    addBucketsInto(readOnce, readEncodedBuckets(projectEncoded));
    assertSameHistogram(readOnce, reference, 'coarse target, read once');
  });

  it('takes the reference path for a shape whose unit is above 1, where add reports a different max', () => {
    const shape: BuildRequest = { lowestDiscernibleValue: 4, highestTrackableValue: HIGHEST_TRACKABLE_US, numberOfSignificantValueDigits: 3, useWebAssembly: false };
    const source = hdr.build(shape);
    source.recordValueWithCount(1_000, 3);
    source.recordValueWithCount(9_999_999, 1);
    const encoded = hdr.encodeIntoCompressedBase64(source);
    const [reference, readOnce] = [hdr.build(shape), hdr.build(shape)];
    reference.add(decodeHistogram(encoded));
    addBucketsInto(readOnce, readEncodedBuckets(encoded));
    assertSameHistogram(readOnce, reference, 'unit 4, read once');
  });
});

describe('readEncodedBuckets', () => {
  it('reads once for any number of totals, each as if the string were decoded for it', () => {
    const random = mulberry32(31);
    const totals = [newHistogram(), newHistogram(), newHistogram()];
    const references = [newHistogram(), newHistogram(), newHistogram()];
    for (let i = 0; i < 30; i++) {
      const encoded = encodeHistogram(randomHistogram(random, 1 + Math.floor(random() * 1000), 1 + Math.floor(random() * 20)));
      const buckets = readEncodedBuckets(encoded);
      assert.equal(buckets.totalCount, decodeHistogram(encoded).totalCount);
      // Not every second reaches every total, as a step's seconds reach only that step's total.
      const reached = [0, 1, 2].filter((t) => t === 0 || random() < 0.5);
      for (const t of reached) {
        addBucketsInto(totals[t]!, buckets);
        references[t]!.add(decodeHistogram(encoded));
      }
    }
    totals.forEach((total, t) => assertSameHistogram(total, references[t]!, `total ${t}`));
  });

  it('keeps its buckets when later strings are read', () => {
    const first = encodeHistogram(histogramOf([10, 1], [20, 2]));
    const buckets = readEncodedBuckets(first);
    readEncodedBuckets(encodeHistogram(histogramOf([30_000, 5], [40_000, 6], [50_000, 7])));
    assert.deepEqual([...buckets.counts], [1, 2]);
    assert.deepEqual(buckets.indices.length, 2);
  });
});

describe('the buckets readEncodedBuckets finds', () => {
  it('visits the same buckets and counts as iterating the decoded histogram, in increasing order', () => {
    const random = mulberry32(7);
    for (let i = 0; i < 40; i++) {
      const encoded = encodeHistogram(randomHistogram(random, 1 + Math.floor(random() * 2000), 1 + Math.floor(random() * 50)));
      const buckets = visited(encoded);
      assert.deepEqual(buckets, iterated(encoded));
      for (let b = 1; b < buckets.length; b++) assert.ok(buckets[b]![0] > buckets[b - 1]![0], 'increasing values');
    }
  });

  it('gives, for every bucket, a value that maps back to that bucket', () => {
    const everyBucket = js(newHistogram());
    for (let index = 0; index < everyBucket.countsArrayLength; index++) everyBucket.recordValueWithCount(everyBucket.valueFromIndex(index), index + 1);
    const probe = js(newHistogram());
    let index = 0;
    for (const [valueUs, count] of visited(encodeHistogram(everyBucket))) {
      assert.equal(count, index + 1, `count of bucket ${index}`);
      assert.equal(probe.countsArrayIndex(valueUs), index, `bucket of ${valueUs}`);
      assert.equal(valueUs, everyBucket.lowestEquivalentValue(valueUs), `${valueUs} is its bucket's lowest value`);
      index++;
    }
    assert.equal(index, everyBucket.countsArrayLength);
  });

  it('visits nothing for an empty histogram, and the one bucket of a single value', () => {
    assert.deepEqual(visited(encodeHistogram(newHistogram())), []);
    assert.deepEqual(visited(encodeHistogram(histogramOf([HIGHEST_TRACKABLE_US, 2]))), iterated(encodeHistogram(histogramOf([HIGHEST_TRACKABLE_US, 2]))));
    assert.deepEqual(visited(encodeHistogram(histogramOf([1, 1]))), [[1, 1]]);
  });
});

describe('the total readEncodedBuckets counts', () => {
  it('equals the decoded total', () => {
    const random = mulberry32(99);
    for (let i = 0; i < 30; i++) {
      const encoded = encodeHistogram(randomHistogram(random, Math.floor(random() * 1500), 1 + Math.floor(random() * 100_000)));
      assert.equal(readEncodedBuckets(encoded).totalCount, decodeHistogram(encoded).totalCount);
    }
    assert.equal(readEncodedBuckets(encodeHistogram(newHistogram())).totalCount, 0);
  });
});

describe('malformed strings', () => {
  /** The compressed envelope around a hand-made inner V2 buffer. */
  function envelope(inner: Buffer, cookie = 0x1c849314): string {
    const compressed = deflateSync(inner);
    const head = Buffer.alloc(8);
    head.writeInt32BE(cookie, 0);
    head.writeInt32BE(compressed.length, 4);
    return Buffer.concat([head, compressed]).toString('base64');
  }

  function v2(counts: number[], { cookie = 0x1c849313, digits = 3, lowest = 1, highest = HIGHEST_TRACKABLE_US, payloadLength = counts.length } = {}): Buffer {
    const header = Buffer.alloc(40);
    header.writeInt32BE(cookie, 0);
    header.writeInt32BE(payloadLength, 4);
    header.writeInt32BE(digits, 12);
    header.writeBigInt64BE(BigInt(lowest), 16);
    header.writeBigInt64BE(BigInt(highest), 24);
    header.writeBigInt64BE(1n, 32);
    return Buffer.concat([header, Buffer.from(counts)]);
  }

  const valid = encodeHistogram(histogramOf([1234, 5]));
  const bytes = Buffer.from(valid, 'base64');
  const withOuterCookie = Buffer.from(bytes);
  withOuterCookie.writeInt32BE(0x1c849301, 0);
  const cases: Array<[string, string]> = [
    ['an empty string', ''],
    ['text that is not base64 of a histogram', 'hello, histogram'],
    ['a wrong outer cookie', withOuterCookie.toString('base64')],
    ['a string cut in half', valid.slice(0, valid.length >> 1)],
    ['a payload that is not zlib', Buffer.concat([bytes.subarray(0, 8), Buffer.alloc(bytes.length - 8, 7)]).toString('base64')],
    ['a wrong inner cookie', envelope(v2([2], { cookie: 0x12345678 }))],
    ['a counts length beyond the payload', envelope(v2([2], { payloadLength: 50 }))],
    ['a count cut short', envelope(v2([0x82]))],
    ['a count beyond the shape', envelope(v2([0xff, 0xff, 0x03, 2]))],
    ['impossible significant digits', envelope(v2([2], { digits: 9 }))],
    ['a highest below twice the lowest', envelope(v2([2], { lowest: 10, highest: 15 }))],
  ];

  it('makes the hand-made envelope readable when well formed, so the cases below fail for their one flaw', () => {
    assert.deepEqual(visited(envelope(v2([1, 4, 6]))), [[1, 2], [2, 3]]);
  });

  for (const [what, encoded] of cases) {
    it(`throws a clear Error on ${what}`, () => {
      const malformed = /malformed encoded histogram/;
      assert.throws(() => readEncodedBuckets(encoded), malformed);
    });
  }
});
