// Folding a results stream's per-second latency histograms into one accumulator: the reference,
// target.add(decodeHistogram(s)), against addBucketsInto(target, readEncodedBuckets(s)), which reads
// the encoding's non-empty buckets in place — the path the reports take.
//
//   node dist/bench/histogram-decode.js [--seed 1] [--strings 2000] [--rounds 7]
//
// The strings are seeded, realistic seconds: 300 to 3,000 samples each, log-normal around 3 ms,
// with a 2% tail log-normal around 80 ms (up to seconds). Each round times both ways over every
// string into a fresh accumulator, alternating which goes first; the medians over rounds are
// printed. Both accumulators must end identical.
//
// Second table: a report adds each second into three totals (overall, step, phase). Timed the same
// way: decode once and add three times, against readEncodedBuckets once and addBucketsInto three
// times. Target: at least 3× faster here, the way reports use it. Needs only a built tree
// (`npx tsc -p tsconfig.json`).

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { HIGHEST_TRACKABLE_US, decodeHistogram, encodeHistogram, newHistogram, recordMicros, type Histogram } from '../scenarios/results/histogram.js';
import { addBucketsInto, readEncodedBuckets } from '../scenarios/results/histogram-decode.js';
import { mulberry32 } from '../test/helpers/mulberry32.js';
import { fmtRatio, median, table } from './lib/format.js';

const TARGET_RATIO = 3;
const STRINGS_PER_HOUR = 72_000;
const PERCENTILES = [50, 90, 99, 99.9, 100];

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    strings: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '7' },
  },
});
const seed = Number(values.seed);
const stringCount = Number(values.strings);
const rounds = Number(values.rounds);

function logNormal(random: () => number, medianUs: number, sigma: number): number {
  // Box–Muller; 1 - random() keeps the logarithm away from 0.
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.min(HIGHEST_TRACKABLE_US, medianUs * Math.exp(sigma * normal));
}

function realisticSeconds(): string[] {
  const random = mulberry32(seed);
  return Array.from({ length: stringCount }, () => {
    const histogram = newHistogram();
    const samples = 300 + Math.floor(random() * 2700);
    for (let i = 0; i < samples; i++) {
      recordMicros(histogram, random() < 0.02 ? logNormal(random, 80_000, 1.2) : logNormal(random, 3_000, 0.5));
    }
    return encodeHistogram(histogram);
  });
}

type Fold = (targets: Histogram[], encoded: string) => void;

/** µs per string to fold every string into fresh accumulators. */
function timeFold(strings: string[], totals: number, fold: Fold): { usPerString: number; target: Histogram } {
  const targets = Array.from({ length: totals }, () => newHistogram());
  const start = performance.now();
  for (const s of strings) fold(targets, s);
  return { usPerString: ((performance.now() - start) * 1000) / strings.length, target: targets[totals - 1]! };
}

const viaDecode: Fold = (targets, encoded) => {
  const decoded = decodeHistogram(encoded);
  for (const t of targets) t.add(decoded);
};
const viaBuckets: Fold = (targets, encoded) => {
  const buckets = readEncodedBuckets(encoded);
  for (const t of targets) addBucketsInto(t, buckets);
};

function assertSame(a: Histogram, b: Histogram): void {
  const figures = (h: Histogram): number[] => [h.totalCount, h.minNonZeroValue, h.maxValue, h.mean, ...PERCENTILES.map((p) => h.getValueAtPercentile(p))];
  const [fa, fb] = [figures(a), figures(b)];
  if (fa.join() !== fb.join()) throw new Error(`the two accumulators differ: ${fa.join(' ')} vs ${fb.join(' ')}`);
}

/** Median µs per string of each fold over the rounds, alternating which goes first. */
function race(totals: number, folds: Fold[]): number[][] {
  // One untimed pass each, so every path is compiled before the first measurement.
  const warm = folds.map((fold) => timeFold(strings, totals, fold).target);
  for (const target of warm.slice(1)) assertSame(target, warm[0]!);
  const samples = folds.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    const order = folds.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    const targets: Histogram[] = [];
    for (const i of order) {
      const { usPerString, target } = timeFold(strings, totals, folds[i]!);
      samples[i]!.push(usPerString);
      targets.push(target);
    }
    for (const target of targets.slice(1)) assertSame(target, targets[0]!);
  }
  return samples;
}

const strings = realisticSeconds();
const meanLength = strings.reduce((sum, s) => sum + s.length, 0) / strings.length;
const hourSeconds = (us: number): string => `${((us * STRINGS_PER_HOUR) / 1e6).toFixed(2)} s`;
const row = (name: string, us: number[]): string[] => [name, median(us).toFixed(1), hourSeconds(median(us)), us.map((u) => u.toFixed(1)).join(' ')];
const header = (what: string): string[] => [what, 'µs per string', `one hour (${STRINGS_PER_HOUR.toLocaleString('en-US')} strings)`, 'rounds (µs)'];

console.log(`seed ${seed}, ${strings.length} strings (mean ${Math.round(meanLength)} characters), ${rounds} rounds, medians:\n`);

const [decodeUs, bucketsUs] = race(1, [viaDecode, viaBuckets]) as [number[], number[]];
const ratio = median(decodeUs) / median(bucketsUs);
console.log(table([header('into one total'), row('target.add(decodeHistogram(s))', decodeUs), row('addBucketsInto(target, readEncodedBuckets(s))', bucketsUs)]));
console.log(`ratio ${fmtRatio(ratio)}\n`);

const [decode3Us, buckets3Us] = race(3, [viaDecode, viaBuckets]) as [number[], number[]];
console.log(table([header('into three totals'), row('decode once, add ×3', decode3Us), row('readEncodedBuckets once, addBucketsInto ×3', buckets3Us)]));
const ratio3 = median(decode3Us) / median(buckets3Us);
console.log(`ratio to decode once: ${fmtRatio(ratio3)} (target ≥ ${TARGET_RATIO}×)`);
if (ratio3 < TARGET_RATIO) process.exitCode = 1;
