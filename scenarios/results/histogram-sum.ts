import { inflateSync } from 'node:zlib';
import { readEncodedBuckets } from './histogram-decode.js';
import type { EncodedBuckets, Layout } from './histogram-decode.js';
import { decodeHistogram, encodeHistogram, newHistogram } from './histogram.js';

// The exact sum of encoded histograms, encoded once: what `loadtest merge` does to every second
// that several workers recorded. Decoding each into a full histogram, adding, and encoding walks
// and clears ~21,500 counts per histogram; here only the recorded buckets are touched, read by the
// sparse reader and written back in the library's V2 encoding (the header the library writes for
// the project's shape, the same ZigZag LEB128 counts with zero runs), so it decodes to exactly the
// added histogram. Histograms of another shape than the project's take the library's path.
//
// The zlib envelope holds the counts in stored (uncompressed) deflate blocks: a valid zlib stream
// every inflater reads, the library's and a browser's alike. Deflating a ~150-byte payload saves
// ~15% of it but costs a zlib context per histogram, and a merge of two one-hour streams encodes
// ~90,000 of them: that was a third of the merge's time.

/** The compressed V2 envelope: cookie with the word-size nibble, then the deflated length. */
const COMPRESSED_COOKIE = 0x1c849304 | 0x10;
const V2_HEADER_BYTES = 40;

interface Reference {
  layout: Readonly<Layout>;
  /** The V2 header the library writes for the project's histogram shape (payload length at offset 4). */
  header: Buffer;
}

let reference: Reference | undefined;

function projectShape(): Reference {
  if (reference !== undefined) return reference;
  const encoded = encodeHistogram(newHistogram());
  const compressed = Buffer.from(encoded, 'base64');
  const inflated = inflateSync(compressed.subarray(8, 8 + compressed.readInt32BE(4)));
  reference = { layout: readEncodedBuckets(encoded).layout, header: Buffer.from(inflated.subarray(0, V2_HEADER_BYTES)) };
  return reference;
}

function sameLayout(a: Readonly<Layout>, b: Readonly<Layout>): boolean {
  return (
    a.unitMagnitude === b.unitMagnitude &&
    a.subBucketHalfCountMagnitude === b.subBucketHalfCountMagnitude &&
    a.subBucketCount === b.subBucketCount &&
    a.bucketCount === b.bucketCount &&
    a.countsArrayLength === b.countsArrayLength
  );
}

/** Counts gathered by index; `touched` lists the indices set, cleared after each sum. */
let scratch = new Float64Array(0);
let touched = new Int32Array(0);
let payload = Buffer.alloc(0);

/** The encoded sum of `encoded` (at least one); a single histogram comes back as it was. */
export function sumEncodedHistograms(encoded: readonly string[]): string {
  if (encoded.length === 1) return encoded[0]!;
  return sumBuckets(encoded.map(readEncodedBuckets));
}

/** The encoded sum of histograms already read by readEncodedBuckets. */
export function sumBuckets(all: readonly EncodedBuckets[]): string {
  if (all.length === 1) return all[0]!.encoded;
  const shape = projectShape();
  if (!all.every((buckets) => sameLayout(buckets.layout, shape.layout))) return sumByLibrary(all);
  const length = shape.layout.countsArrayLength;
  if (scratch.length < length) {
    scratch = new Float64Array(length);
    touched = new Int32Array(length);
  }
  let size = 0;
  for (const { indices, counts } of all) {
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i]!;
      if (scratch[index] === 0) touched[size++] = index;
      scratch[index]! += counts[i]!;
    }
  }
  const order = touched.subarray(0, size).sort();
  // Each count takes at most 9 bytes, and so does each zero run before it.
  const needed = V2_HEADER_BYTES + size * 18 + 1;
  if (payload.length < needed) payload = Buffer.alloc(Math.max(needed, 2 * payload.length));
  shape.header.copy(payload, 0);
  let position = V2_HEADER_BYTES;
  let next = 0;
  for (let i = 0; i < size; i++) {
    const index = order[i]!;
    const gap = index - next;
    // The library writes a lone empty bucket as a count of 0 and a longer run as its negated length.
    if (gap === 1) position = putZigZag(payload, position, 0);
    else if (gap > 1) position = putZigZag(payload, position, -gap);
    position = putZigZag(payload, position, scratch[index]!);
    scratch[index] = 0;
    next = index + 1;
  }
  // An empty histogram is written as one empty bucket, as the library writes it.
  if (size === 0) position = putZigZag(payload, position, 0);
  payload.writeInt32BE(position - V2_HEADER_BYTES, 4);
  return zlibStored(payload, position).toString('base64');
}

/** The largest stored deflate block (its length is 16 bits). */
const STORED_BLOCK_MAX = 65_535;
/** Adler-32 sums fit in a double without reduction for this many bytes (zlib's NMAX). */
const ADLER_NMAX = 5552;

/** The compressed-V2 envelope around bytes [0, length) of `data` as a zlib stream of stored blocks. */
function zlibStored(data: Buffer, length: number): Buffer {
  const blocks = Math.max(1, Math.ceil(length / STORED_BLOCK_MAX));
  const zlibLength = 2 + blocks * 5 + length + 4;
  const out = Buffer.allocUnsafe(8 + zlibLength);
  out.writeInt32BE(COMPRESSED_COOKIE, 0);
  out.writeInt32BE(zlibLength, 4);
  let position = 8;
  // CMF: deflate with a 32 KiB window; FLG: no dictionary, fastest level, check bits making it a multiple of 31.
  out[position++] = 0x78;
  out[position++] = 0x01;
  for (let block = 0; block < blocks; block++) {
    const from = block * STORED_BLOCK_MAX;
    const size = Math.min(STORED_BLOCK_MAX, length - from);
    out[position++] = block === blocks - 1 ? 1 : 0;
    out.writeUInt16LE(size, position);
    out.writeUInt16LE(size ^ 0xffff, position + 2);
    position += 4;
    data.copy(out, position, from, from + size);
    position += size;
  }
  out.writeUInt32BE(adler32(data, length), position);
  return out;
}

function adler32(data: Buffer, length: number): number {
  let a = 1;
  let b = 0;
  for (let start = 0; start < length; start += ADLER_NMAX) {
    const end = Math.min(length, start + ADLER_NMAX);
    for (let i = start; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65_521;
    b %= 65_521;
  }
  return ((b << 16) | a) >>> 0;
}

/** ZigZag, then LEB128 in 7-bit groups, as the library's ZigZagEncoding (exact below 2^56). */
function putZigZag(buffer: Buffer, position: number, value: number): number {
  let raw = value >= 0 ? value * 2 : -value * 2 - 1;
  while (raw >= 128) {
    buffer[position++] = (raw % 128) | 128;
    raw = Math.floor(raw / 128);
  }
  buffer[position++] = raw;
  return position;
}

function sumByLibrary(all: readonly EncodedBuckets[]): string {
  const total = decodeHistogram(all[0]!.encoded);
  for (let i = 1; i < all.length; i++) total.add(decodeHistogram(all[i]!.encoded));
  return encodeHistogram(total);
}
