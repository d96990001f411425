// Local workers: does `loadtest run --workers 2` send about twice what one generator sends? Both
// legs run the same closed-model scenario (`constant-vus`, one GET step) against a one-worker nginx
// pinned to core 0; the single generator is pinned to core 1 (the target's core is not its to
// take), the two workers are left to the scheduler on both cores — so the second worker shares a
// core with nginx, as it would on a real two-core generator box. Legs alternate round by round.
// The figure is the ratio of the merged run's requests/s to the single run's.
//
//   node dist/bench/workers.js [--seconds 10] [--vus 32] [--rounds 3]
//
// Needs Debian nginx and taskset (util-linux), and a built tree.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlags } from './lib/args.js';
import { BenchError } from './lib/bench-error.js';
import { GENERATOR_CORE, pinned } from './lib/cores.js';
import { lastLines } from './lib/format.js';
import { oneStepGetScenario } from './lib/loadtest-cli.js';
import { startNginx, HELLO_WORLD } from './lib/nginx-target.js';
import { CLI } from './lib/paths.js';
import { requirePinnedNginxBench } from './lib/prerequisites.js';
import { collect, start } from './lib/processes.js';
import { runBench } from './lib/run-bench.js';

const USAGE = 'node dist/bench/workers.js [--seconds 10] [--vus 32] [--rounds 3]';
/** The target: two workers on two cores send at least this many times one worker's load. */
const TARGET_RATIO = 1.7;

interface Args extends Record<string, number | string | undefined> {
  seconds: number;
  vus: number;
  rounds: number;
}

runBench('workers', async (session) => {
  const args = parseFlags<Args>(process.argv.slice(2), { seconds: 10, vus: 32, rounds: 3 }, {}, USAGE);
  requirePinnedNginxBench();
  const dir = session.workDir('loadtest-bench-workers-');
  const target = await startNginx({ locations: HELLO_WORLD });
  session.onCleanup(() => target.stop());
  const scenario = join(dir, 'load.yaml');
  writeFileSync(scenario, oneStepGetScenario('workers', target.url, args.vus, `{ executor: constant-vus, vus: ${args.vus}, duration: ${args.seconds}s }`));

  const legs = { single: [] as number[], workers: [] as number[] };
  for (let round = 0; round < args.rounds && !session.interrupted; round++) {
    const order: Array<keyof typeof legs> = round % 2 === 0 ? ['single', 'workers'] : ['workers', 'single'];
    for (const leg of order) {
      const summary = join(dir, `${leg}-${round}.json`);
      const cli = [CLI, 'run', scenario, '--quiet', '--out', join(dir, `${leg}-${round}`), '--summary-json', summary];
      const line = leg === 'single' ? pinned(GENERATOR_CORE, process.execPath, cli) : { command: process.execPath, args: [...cli, '--workers', '2'] };
      const finished = await collect(start(line.command, line.args), (args.seconds + 120) * 1000);
      if (finished.code !== 0) throw new BenchError(`${leg} leg exited ${finished.code}: ${lastLines(finished.stderr || finished.stdout)}`);
      const rps = (JSON.parse(readFileSync(summary, 'utf8')) as { overall: { rps: number } }).overall.rps;
      legs[leg].push(rps);
      process.stdout.write(`round ${round + 1}: ${leg === 'single' ? 'one generator (core 1)' : '--workers 2 (both cores)'}  ${Math.round(rps)} req/s\n`);
    }
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const ratio = median(legs.workers) / median(legs.single);
  process.stdout.write(
    `\nmedian: one generator ${Math.round(median(legs.single))} req/s, --workers 2 ${Math.round(median(legs.workers))} req/s` +
      ` → ${ratio.toFixed(2)}× (target ≥ ${TARGET_RATIO}×: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})\n`,
  );
});
