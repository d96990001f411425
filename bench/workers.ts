// Local workers: does `loadtest run --workers 2` send about twice what one generator sends? Both
// legs run the same closed-model scenario (`constant-vus`, a one-step flow with a templated JSON
// body and a check) against a one-worker nginx pinned to core 0; the single generator is pinned to
// core 1 (the target's core is not its to take), the two workers are left to the scheduler on both
// cores — so they share a core with nginx, as they would on a two-core generator box that also
// hosts the target. Legs alternate round by round. Figures: the ratio of the merged run's
// requests/s to the single run's, and — since nginx's CPU (measured from /proc) comes out of the
// same two cores — the workers' requests/s per generator core against the single generator's.
//
//   node dist/bench/workers.js [--seconds 10] [--vus 32] [--rounds 3]
//
// Needs Debian nginx and taskset (util-linux), and a built tree.

import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { parseFlags } from './lib/args.js';
import { BenchError } from './lib/bench-error.js';
import { GENERATOR_CORE, pinned } from './lib/cores.js';
import { lastLines } from './lib/format.js';
import { startNginx, HELLO_WORLD } from './lib/nginx-target.js';
import { CLI } from './lib/paths.js';
import { requirePinnedNginxBench } from './lib/prerequisites.js';
import { meteredRun } from './lib/cpu-meter.js';
import { clockTicksPerSecond } from './lib/proc-stat.js';
import { runBench } from './lib/run-bench.js';

const USAGE = 'node dist/bench/workers.js [--seconds 10] [--vus 32] [--rounds 3]';
/** The target: two workers on two cores send at least this many times one worker's load. */
const TARGET_RATIO = 1.7;

interface Leg {
  rps: number;
  /** Cores nginx used while the load ran. */
  targetCores: number;
}

interface Args extends Record<string, number | string | undefined> {
  seconds: number;
  vus: number;
  rounds: number;
}

/**
 * A user flow as scenarios are written, not a bare GET: a templated JSON body, a header, a body
 * check. The generator's work per request is then a scenario's, and the one-worker nginx, pinned to
 * its own core, stays far from its limit — the figure is the generators', not the target's.
 */
function flowScenario(url: string, vus: number, seconds: number): string {
  return [
    'name: workers',
    `target: ${url.replace(/\/$/, '')}`,
    `http: { connections: ${vus} }`,
    'flows:',
    '  - name: order',
    '    steps:',
    '      - name: order',
    '        request:',
    '          method: POST',
    '          url: "/orders?user={{iteration}}"',
    '          headers: { x-request-id: "{{uuid}}" }',
    '          json: { user: "user-{{iteration}}", sku: "sku-{{randomInt 1 500}}", note: "{{randomString 32}}", quantity: "{{randomInt 1 5}}" }',
    '        check: { status: 200, body: { contains: hello } }',
    `phases: [ { executor: constant-vus, vus: ${vus}, duration: ${seconds}s } ]`,
    '',
  ].join('\n');
}

runBench('workers', async (session) => {
  const args = parseFlags<Args>(process.argv.slice(2), { seconds: 10, vus: 32, rounds: 3 }, {}, USAGE);
  requirePinnedNginxBench();
  const dir = session.workDir('loadtest-bench-workers-');
  const target = await startNginx({ locations: HELLO_WORLD });
  session.onCleanup(() => target.stop());
  const scenario = join(dir, 'load.yaml');
  writeFileSync(scenario, flowScenario(target.url, args.vus, args.seconds));

  const legs = { single: [] as Leg[], workers: [] as Leg[] };
  const clockTicks = clockTicksPerSecond();
  for (let round = 0; round < args.rounds && !session.interrupted; round++) {
    const order: Array<keyof typeof legs> = round % 2 === 0 ? ['single', 'workers'] : ['workers', 'single'];
    for (const leg of order) {
      const summary = join(dir, `${leg}-${round}.json`);
      const cli = [CLI, 'run', scenario, '--quiet', '--out', join(dir, `${leg}-${round}`), '--summary-json', summary];
      const line = leg === 'single' ? pinned(GENERATOR_CORE, process.execPath, cli) : { command: process.execPath, args: [...cli, '--workers', '2'] };
      const began = performance.now();
      const run = await meteredRun(line, target.workerPid, clockTicks, (args.seconds + 120) * 1000);
      const wallS = (performance.now() - began) / 1000;
      if (run.finished.code !== 0) throw new BenchError(`${leg} leg exited ${run.finished.code}: ${lastLines(run.finished.stderr || run.finished.stdout)}`);
      const rps = (JSON.parse(readFileSync(summary, 'utf8')) as { overall: { rps: number } }).overall.rps;
      // nginx's CPU over the whole leg, spread over the seconds of load (it is idle before and after).
      const targetCores = (run.targetCpu * wallS) / args.seconds;
      legs[leg].push({ rps, targetCores });
      process.stdout.write(`round ${round + 1}: ${leg === 'single' ? 'one generator (core 1)' : '--workers 2 (both cores)'}  ${Math.round(rps)} req/s, nginx ${targetCores.toFixed(2)} cores\n`);
    }
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const single = median(legs.single.map((l) => l.rps));
  const workers = median(legs.workers.map((l) => l.rps));
  const ratio = workers / single;
  // What the two workers had: both cores less what nginx took of them. Per generator core, the
  // workers against the one generator on its dedicated core: how close to linear the split scales.
  const generatorCores = 2 - median(legs.workers.map((l) => l.targetCores));
  const perCore = workers / generatorCores / single;
  process.stdout.write(
    `\nmedian: one generator ${Math.round(single)} req/s, --workers 2 ${Math.round(workers)} req/s → ${ratio.toFixed(2)}× (target ≥ ${TARGET_RATIO}×: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})\n` +
      `the workers had ${generatorCores.toFixed(2)} cores (nginx took the rest): ${(workers / generatorCores).toFixed(0)} req/s per generator core, ${perCore.toFixed(2)}× one generator's\n` +
      // One generator on a core of its own, the target on the other: two workers sharing the
      // cores with the target can at best send what the cores left to them would at one generator's rate.
      `ceiling on these cores: ${generatorCores.toFixed(2)}× one generator (2 cores less the target's ${(2 - generatorCores).toFixed(2)})\n`,
  );
});
