// `loadtest merge` of two one-hour worker streams: how long the whole process takes.
//
//   node dist/bench/merge.js [--rounds 5] [--regenerate 1]
//
// Target: under 5 s. The two streams (one per worker of a run split two ways: 10 steps with
// per-second HDR histograms, iterations, generator and host health, resource samples, a fault and
// its outage; the second worker started 0.3 s after the first) are generated once and kept in the
// OS temp dir under a version key; pass --regenerate 1 after changing the generator, or bump
// STREAM_VERSION.
//
// Beside it, a yardstick measured in the same rounds: `node -e` reading both files and JSON.parsing
// every line, the least any merge must do. The two alternate, after one warm-up round.
//
// Where the time goes: node --cpu-prof dist/cli/main.js merge <a> <b> -o /tmp/merged.ndjson

import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseFlags } from './lib/args.js';
import { BenchError } from './lib/bench-error.js';
import { fmtMiB, fmtRatio, median, table } from './lib/format.js';
import { CLI } from './lib/paths.js';
import { runBench } from './lib/run-bench.js';
import { writeWorkerStream } from './lib/worker-stream.js';
import { alternate, PARSE_EVERY_LINE, wallSeconds } from './lib/whole-process-timing.js';

const BUDGET_S = 5;
/** Bump when the generated streams change, so cached ones from an older generator are not reused. */
const STREAM_VERSION = 1;
const DURATION_S = 3600;
const START_EPOCH_MS = Date.UTC(2026, 0, 5, 9, 0, 0);
const WORKERS = 2;

const args = parseFlags(process.argv.slice(2), { rounds: 5, regenerate: undefined as number | undefined }, {}, 'node dist/bench/merge.js [--rounds 5] [--regenerate 1]');

/** The cached worker streams, generated (each written atomically) when missing. */
function workerStreams(regenerate: boolean): string[] {
  const dir = join(tmpdir(), `loadtest-bench-merge-v${STREAM_VERSION}`);
  mkdirSync(dir, { recursive: true });
  return Array.from({ length: WORKERS }, (_, index) => {
    const file = join(dir, `worker-${index}.ndjson`);
    if (existsSync(file) && !regenerate) {
      process.stdout.write(`stream: ${file} (cached; --regenerate 1 to make it anew)\n`);
      return file;
    }
    const began = performance.now();
    const partial = `${file}.partial`;
    writeWorkerStream(partial, { durationS: DURATION_S, index, count: WORKERS, startEpochMs: START_EPOCH_MS + index * 300 });
    renameSync(partial, file);
    process.stdout.write(`stream: ${file} (generated in ${((performance.now() - began) / 1000).toFixed(1)} s)\n`);
    return file;
  });
}

runBench('bench merge', async (session) => {
  if (!existsSync(CLI)) throw new BenchError(`${CLI} not found: build first (npm run build)`);
  const streams = workerStreams(args.regenerate !== undefined);
  const out = join(session.workDir('loadtest-bench-merge-'), 'merged.ndjson');
  const merge = (): Promise<number> => wallSeconds(process.execPath, [CLI, 'merge', ...streams, '-o', out], 'loadtest merge');
  const yardstick = (): Promise<number> => wallSeconds(process.execPath, ['-e', PARSE_EVERY_LINE, ...streams], 'the yardstick');
  const [merges, yardsticks] = await alternate(merge, yardstick, args.rounds);
  if (session.interrupted) return;
  const mergeS = median(merges);
  const yardstickS = median(yardsticks);
  const inputBytes = streams.reduce((sum, file) => sum + statSync(file).size, 0);
  process.stdout.write(
    '\n' +
      table([
        ['', 'median s', 'runs (s)'],
        ['loadtest merge (2 × 1 h)', mergeS.toFixed(2), merges.map((s) => s.toFixed(2)).join(' ')],
        ['yardstick: read + parse', yardstickS.toFixed(2), yardsticks.map((s) => s.toFixed(2)).join(' ')],
      ]) +
      '\n\n' +
      `inputs ${fmtMiB(inputBytes)} MiB, merged ${fmtMiB(statSync(out).size)} MiB\n` +
      `merge / ${BUDGET_S} s budget: ${fmtRatio(mergeS / BUDGET_S)} ${mergeS < BUDGET_S ? '(within budget)' : '(OVER BUDGET)'}\n` +
      `merge / yardstick: ${fmtRatio(mergeS / yardstickS)}\n`,
  );
  if (mergeS >= BUDGET_S) process.exitCode = 1;
});
