import hdr from 'hdr-histogram-js';
import type { JsHistogram } from 'hdr-histogram-js';
import { inflateSync } from 'node:zlib';
import { decodeHistogram, type Histogram } from './histogram.js';

// Reports fold tens of thousands of per-second histograms into a few accumulators. Decoding each
// one into a full histogram allocates and scans a ~21,500-entry counts array only to throw it away;
// reading the compressed V2 encoding in place touches just the buckets that were recorded.
//
// Every decision below mirrors hdr-histogram-js's own decoder (JsHistogram.encoding.js) and its
// JsHistogram bucket arithmetic, so the results are the ones `decodeHistogram` would give.

const COMPRESSED_COOKIE_BASE = 0x1c849304;
const V2_COOKIE_BASE = 0x1c849303;
/** The cookie's word-size nibble: flags, not part of the identity. */
const COOKIE_FLAG_BITS = 0xf0;
/** cookie, payload length, normalizing index offset, significant digits (int32 each), lowest, highest, int-to-double ratio (int64 each). */
const V2_HEADER_BYTES = 40;
const TWO_POW_32 = 2 ** 32;

/** The bucket arithmetic of a histogram shape, as JsHistogram.init derives it. */
export interface Layout {
  unitMagnitude: number;
  subBucketHalfCountMagnitude: number;
  subBucketHalfCount: number;
  subBucketCount: number;
  bucketCount: number;
  countsArrayLength: number;
}

interface EncodedCounts {
  encoded: string;
  layout: Layout;
  /** The inflated V2 buffer; counts are the varints in [start, end). */
  bytes: Buffer;
  start: number;
  end: number;
}

/**
 * An encoded histogram read once: its non-empty buckets, by index in increasing order. A report
 * adds each second into several totals (overall, step, phase); reading it once and adding these
 * into each total saves inflating it again for every one.
 */
export interface EncodedBuckets {
  /** The string they were read from, for targets of another shape (see addBucketsInto). */
  readonly encoded: string;
  readonly layout: Readonly<Layout>;
  readonly indices: Int32Array;
  readonly counts: Float64Array;
  readonly totalCount: number;
}

/** Reads the non-empty buckets of an encoded histogram; throws on a malformed string. */
export function readEncodedBuckets(encoded: string): EncodedBuckets {
  const source = openEncoded(encoded);
  // Every count takes at least one byte, so the payload length bounds how many there are.
  const collected = scratchFor(Math.min(source.end - source.start, source.layout.countsArrayLength));
  let size = 0;
  let totalCount = 0;
  forEachCountIndex(source, (index, count) => {
    collected.indices[size] = index;
    collected.counts[size++] = count;
    totalCount += count;
  });
  return { encoded, layout: source.layout, indices: collected.indices.slice(0, size), counts: collected.counts.slice(0, size), totalCount };
}

/**
 * Adds buckets read by readEncodedBuckets into `target`, exactly as `target.add(decodeHistogram(buckets.encoded))`:
 * index by index into a target of the same layout, else by the library's own `add`.
 */
export function addBucketsInto(target: Histogram, buckets: EncodedBuckets): void {
  const { layout, indices, counts } = buckets;
  if (!addsByIndex(target, layout)) {
    target.add(decodeHistogram(buckets.encoded));
    return;
  }
  const size = indices.length;
  for (let i = 0; i < size; i++) target.addToCountAtIndex(indices[i]!, counts[i]!);
  finishAdd(target, layout, buckets.totalCount, indices[0] === 0 ? indices[1] : indices[0], size === 0 ? -1 : indices[size - 1]!);
}

/**
 * Whether counts can go straight to their index: the target has the bucket layout of the encoding
 * (always so for `newHistogram()` and the project's streams), the condition under which `add`
 * itself adds index by index. Beyond it, a unit magnitude above 0 makes `add`'s max arithmetic
 * differ from updateMinAndMax's, so that shape takes the reference path too, as does any other
 * combination: `add`'s cross-layout behaviour is kept as it is.
 */
function addsByIndex(target: Histogram, layout: Readonly<Layout>): target is JsHistogram {
  return (
    target instanceof hdr.JsHistogram &&
    target.bucketCount === layout.bucketCount &&
    target.subBucketCount === layout.subBucketCount &&
    target.unitMagnitude === layout.unitMagnitude &&
    layout.unitMagnitude === 0
  );
}

/**
 * What `add` does after the counts. A decoded histogram's max is the top of its highest bucket and
 * its min the bottom of its lowest bucket above bucket 0 (which holds the value 0, never a
 * minimum); `add` merges those into the target's, and so does updateMinAndMax.
 */
function finishAdd(target: JsHistogram, layout: Readonly<Layout>, totalCount: number, lowestNonZeroIndex: number | undefined, highestIndex: number): void {
  if (highestIndex < 0) return;
  target.addToTotalCount(totalCount);
  target.updateMinAndMax(highestEquivalentValue(layout, highestIndex));
  if (lowestNonZeroIndex !== undefined) target.updateMinAndMax(valueFromIndex(layout, lowestNonZeroIndex));
}

function fail(reason: string, cause?: unknown): never {
  throw new Error(`malformed encoded histogram: ${reason}`, cause === undefined ? undefined : { cause });
}

function openEncoded(encoded: string): EncodedCounts {
  const compressed = Buffer.from(encoded, 'base64');
  if (compressed.length < 8) fail(`${compressed.length} bytes, shorter than the 8-byte envelope`);
  const cookie = compressed.readInt32BE(0);
  if ((cookie & ~COOKIE_FLAG_BITS) !== COMPRESSED_COOKIE_BASE) fail(`cookie 0x${(cookie >>> 0).toString(16)} is not a compressed V2 histogram`);
  const compressedLength = compressed.readInt32BE(4);
  if (compressedLength < 0 || 8 + compressedLength > compressed.length) fail(`compressed length ${compressedLength} does not fit in ${compressed.length - 8} bytes`);
  let bytes: Buffer;
  try {
    bytes = inflateSync(compressed.subarray(8, 8 + compressedLength));
  } catch (error) {
    fail(`the zlib payload does not inflate (${(error as Error).message})`, error);
  }
  return readV2Header(encoded, bytes);
}

function readV2Header(encoded: string, bytes: Buffer): EncodedCounts {
  if (bytes.length < V2_HEADER_BYTES) fail(`inflated payload of ${bytes.length} bytes, shorter than the V2 header`);
  const cookie = bytes.readInt32BE(0);
  if ((cookie & ~COOKIE_FLAG_BITS) !== V2_COOKIE_BASE) fail(`inner cookie 0x${(cookie >>> 0).toString(16)} is not a V2 histogram`);
  const payloadLength = bytes.readInt32BE(4);
  // The normalizing index offset (byte 8) and int-to-double ratio (byte 32) are ignored, as the library's decoder ignores them.
  const significantDigits = bytes.readInt32BE(12);
  const lowest = readInt64(bytes, 16);
  const highest = readInt64(bytes, 24);
  if (payloadLength < 0 || V2_HEADER_BYTES + payloadLength > bytes.length) fail(`counts length ${payloadLength} overruns the ${bytes.length}-byte payload`);
  // The same limits the histogram constructor enforces when decodeHistogram builds one.
  if (significantDigits < 0 || significantDigits > 5) fail(`${significantDigits} significant digits`);
  if (lowest < 1) fail(`lowest trackable value ${lowest}`);
  if (highest < 2 * lowest) fail(`highest trackable value ${highest} below twice the lowest (${lowest})`);
  return { encoded, layout: layoutOf(lowest, highest, significantDigits), bytes, start: V2_HEADER_BYTES, end: V2_HEADER_BYTES + payloadLength };
}

function readInt64(bytes: Buffer, offset: number): number {
  return bytes.readUInt32BE(offset) * TWO_POW_32 + bytes.readUInt32BE(offset + 4);
}

function layoutOf(lowestDiscernibleValue: number, highestTrackableValue: number, significantDigits: number): Layout {
  const largestValueWithSingleUnitResolution = 2 * Math.floor(10 ** significantDigits);
  const unitMagnitude = Math.floor(Math.log2(lowestDiscernibleValue));
  const subBucketCountMagnitude = Math.ceil(Math.log2(largestValueWithSingleUnitResolution));
  const subBucketHalfCountMagnitude = (subBucketCountMagnitude > 1 ? subBucketCountMagnitude : 1) - 1;
  const subBucketCount = 2 ** (subBucketHalfCountMagnitude + 1);
  const bucketCount = bucketsNeededToCover(highestTrackableValue, subBucketCount, unitMagnitude);
  const subBucketHalfCount = subBucketCount / 2;
  return { unitMagnitude, subBucketHalfCountMagnitude, subBucketHalfCount, subBucketCount, bucketCount, countsArrayLength: (bucketCount + 1) * subBucketHalfCount };
}

function bucketsNeededToCover(value: number, subBucketCount: number, unitMagnitude: number): number {
  let smallestUntrackableValue = subBucketCount * 2 ** unitMagnitude;
  let bucketsNeeded = 1;
  while (smallestUntrackableValue <= value) {
    if (smallestUntrackableValue > Number.MAX_SAFE_INTEGER / 2) return bucketsNeeded + 1;
    smallestUntrackableValue *= 2;
    bucketsNeeded++;
  }
  return bucketsNeeded;
}

/** Reused by readEncodedBuckets to collect buckets before copying out exactly as many as there are. */
let bucketScratch = { indices: new Int32Array(0), counts: new Float64Array(0) };

function scratchFor(size: number): typeof bucketScratch {
  if (bucketScratch.indices.length < size) bucketScratch = { indices: new Int32Array(size), counts: new Float64Array(size) };
  return bucketScratch;
}

/** The lowest value of a bucket (JsHistogram.valueFromIndex). */
function valueFromIndex(layout: Readonly<Layout>, index: number): number {
  let bucketIndex = Math.floor(index / layout.subBucketHalfCount) - 1;
  let subBucketIndex = (index % layout.subBucketHalfCount) + layout.subBucketHalfCount;
  if (bucketIndex < 0) {
    subBucketIndex -= layout.subBucketHalfCount;
    bucketIndex = 0;
  }
  return subBucketIndex * 2 ** (bucketIndex + layout.unitMagnitude);
}

/** The highest value of a bucket: every bucket below the second spans 2^unitMagnitude, each one above twice the one before. */
function highestEquivalentValue(layout: Readonly<Layout>, index: number): number {
  const bucketIndex = Math.max(Math.floor(index / layout.subBucketHalfCount) - 1, 0);
  return valueFromIndex(layout, index) + 2 ** (bucketIndex + layout.unitMagnitude) - 1;
}

/**
 * Walks the ZigZag LEB128 counts, calling onCount(index, count) for every bucket whose count is
 * not zero. A negative value is a run of empty buckets. Counts are cut to 32 bits as the
 * project's 32-bit decoder stores them, so every entry point agrees with `decodeHistogram`.
 */
function forEachCountIndex(counts: EncodedCounts, onCount: (index: number, count: number) => void): void {
  const { bytes, end } = counts;
  const { countsArrayLength } = counts.layout;
  let position = counts.start;
  let index = 0;
  while (position < end) {
    let byte = bytes[position++]!;
    // ZigZag keeps the sign in the lowest bit, which is the first byte's lowest bit.
    const isZeroRun = (byte & 1) === 1;
    let raw = byte & 0x7f;
    // The common case, a count under 64 or a short zero run, is a single byte.
    if (byte & 0x80) {
      let scale = 128;
      do {
        if (position >= bytes.length) fail('the last count is cut short');
        if (scale > 2 ** 49) fail('a count needs more than 8 bytes, beyond any safe integer');
        byte = bytes[position++]!;
        raw += (byte & 0x7f) * scale;
        scale *= 128;
      } while (byte & 0x80);
      if (raw > Number.MAX_SAFE_INTEGER) fail(`a count of ${raw} is beyond any safe integer`);
    }
    if (isZeroRun) {
      index += (raw + 1) / 2;
      continue;
    }
    let count = raw / 2;
    // Floating-point % is a library call: only pay for it on the rare count that needs it.
    if (count >= TWO_POW_32) count %= TWO_POW_32;
    if (count !== 0) {
      if (index >= countsArrayLength) fail(`a count at bucket ${index}, beyond the ${countsArrayLength} buckets of its shape`);
      onCount(index, count);
    }
    index++;
  }
}

/**
 * Takes buckets added earlier back out of `target`: what a sliding window does as a second leaves
 * it. Counts and the total are exact, so percentiles stay exact; min and max are not narrowed
 * again (callers that need a window's max keep it themselves).
 */
export function subtractBucketsFrom(target: Histogram, buckets: EncodedBuckets): void {
  if (!addsByIndex(target, buckets.layout)) {
    target.subtract(decodeHistogram(buckets.encoded));
    return;
  }
  const { indices, counts } = buckets;
  for (let i = 0; i < indices.length; i++) target.addToCountAtIndex(indices[i]!, -counts[i]!);
  target.addToTotalCount(-buckets.totalCount);
}
