// Open-model accuracy: does `loadtest run` start iterations at the rate it was asked for, on time?
//
//   node dist/bench/open-model.js [--seconds 20]
//
// Against a one-worker nginx on core 0, with the generator on core 1: first the closed-model maximum
// (64 VUs over 64 connections), then the open model's own maximum — the highest arrival rate it
// sustains with nothing dropped and the achieved rate within 1% (bisection, short runs) — then
// constant-arrival-rate runs at 20%, 50% and 80% of the open-model maximum and at a fixed 2,000/s.
// Starting an iteration on a schedule costs more than starting it when a response frees a user
// (no batching of work per event-loop turn), so the open maximum sits below the closed one; both
// are printed, and each run's rate as a share of both. For each: the rate achieved against the target (started and completed), iterations
// dropped, and start lateness (actual − intended start) from the stream's per-second histograms.
// Needs what bench/throughput.ts needs (nginx, taskset, a built tree); installs nothing.

import { parseFlags } from './lib/args.js';
import { GENERATOR_CORE, TARGET_CORE } from './lib/cores.js';
import { fmtInt, fmtMs, fmtPercent, table } from './lib/format.js';
import { oneStepGetScenario, runScenario } from './lib/loadtest-cli.js';
import { startNginx, type NginxTarget } from './lib/nginx-target.js';
import { nginxVersion, requirePinnedNginxBench } from './lib/prerequisites.js';
import { runBench } from './lib/run-bench.js';
import { percentileMs, phaseFigures } from './lib/stream-figures.js';

const CONNECTIONS = 64;
/** Far above what the target keeps in flight at these rates: a drop would mean the generator stalled. */
const MAX_IN_FLIGHT = 10_000;
/** Achieved rates must be within this fraction of the target. */
const ACCURACY_TOLERANCE = 0.01;
const FIXED_RATE = 2000;
const FIXED_RATE_P99_GOAL_MS = 2;

interface OpenRun {
  label: string;
  rate: number;
  startedPerS: number;
  completedPerS: number;
  dropped: number;
  errors: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagP99AfterFirstSecondMs: number;
  lagMaxMs: number;
}

async function closedMaximum(dir: string, target: NginxTarget, seconds: number): Promise<{ rps: number; errors: number }> {
  const phase = `{ name: max, executor: constant-vus, vus: ${CONNECTIONS}, duration: ${seconds}s }`;
  const { summary } = await runScenario(dir, 'max', oneStepGetScenario('open-model-max', target.url, CONNECTIONS, phase), seconds);
  return { rps: summary.overall.rps, errors: summary.overall.errors };
}

const SEARCH_STEPS = 5;
const SEARCH_SECONDS = 5;

/** The highest rate that held (nothing dropped, completions within tolerance), by bisection. */
async function openMaximum(dir: string, target: NginxTarget, closedRps: number): Promise<number> {
  let held = Math.round(closedRps * 0.1);
  let failed = Math.round(closedRps);
  for (let step = 0; step < SEARCH_STEPS; step++) {
    const rate = Math.round((held + failed) / 2);
    const run = await openRun(dir, target, SEARCH_SECONDS, `search ${step + 1}`, rate);
    const holds = run.dropped === 0 && Math.abs(run.completedPerS / rate - 1) <= ACCURACY_TOLERANCE;
    process.stderr.write(`  search ${fmtInt(rate)}/s: ${holds ? 'held' : 'did not hold'}\n`);
    if (holds) held = rate;
    else failed = rate;
  }
  return held;
}

async function openRun(dir: string, target: NginxTarget, seconds: number, label: string, rate: number): Promise<OpenRun> {
  const phase = `{ name: open, executor: constant-arrival-rate, rate: ${rate}, maxInFlight: ${MAX_IN_FLIGHT}, duration: ${seconds}s }`;
  const file = `open-${rate}`;
  const { summary, results } = await runScenario(dir, file, oneStepGetScenario(file, target.url, CONNECTIONS, phase), seconds);
  const figures = phaseFigures(results, 'open');
  return {
    label,
    rate,
    startedPerS: figures.started / figures.seconds,
    completedPerS: summary.overall.requests / summary.durationS,
    dropped: figures.dropped,
    errors: summary.overall.errors,
    lagP50Ms: percentileMs(figures.lag, 50),
    lagP99Ms: percentileMs(figures.lag, 99),
    lagP99AfterFirstSecondMs: percentileMs(figures.lagAfterFirstSecond, 99),
    lagMaxMs: figures.lag.totalCount === 0 ? 0 : figures.lag.maxValue / 1000,
  };
}

function report(nginx: string, seconds: number, max: { rps: number; errors: number }, openMax: number, runs: OpenRun[]): string {
  const accuracy = (achieved: number, rate: number): string =>
    `${fmtPercent(achieved / rate, 2)} ${Math.abs(achieved / rate - 1) <= ACCURACY_TOLERANCE ? 'ok' : 'MISS'}`;
  const rows = [['run', 'target/s', '÷ closed max', 'started/s', 'start acc.', 'completed/s', 'compl. acc.', 'dropped', 'errors', 'lag p50', 'lag p99', 'p99 excl. 1st s', 'lag max']];
  for (const r of runs) {
    rows.push([
      r.label,
      fmtInt(r.rate),
      fmtPercent(r.rate / max.rps, 0),
      fmtInt(r.startedPerS),
      accuracy(r.startedPerS, r.rate),
      fmtInt(r.completedPerS),
      accuracy(r.completedPerS, r.rate),
      fmtInt(r.dropped),
      fmtInt(r.errors),
      fmtMs(r.lagP50Ms),
      fmtMs(r.lagP99Ms),
      fmtMs(r.lagP99AfterFirstSecondMs),
      fmtMs(r.lagMaxMs),
    ]);
  }
  const fixed = runs.find((r) => r.label === `fixed ${fmtInt(FIXED_RATE)}/s`);
  return [
    `open model: nginx ${nginx} (1 worker, core ${TARGET_CORE}) ← loadtest run on core ${GENERATOR_CORE}; one-step GET flow, ` +
      `${CONNECTIONS} connections, maxInFlight ${fmtInt(MAX_IN_FLIGHT)}, ${seconds} s per run`,
    'no peer offers an open model with lateness accounting on this machine; figures are absolute accuracy',
    '',
    `maximum, closed model (${CONNECTIONS} VUs): ${fmtInt(max.rps)} req/s, ${fmtInt(max.errors)} errors`,
    `maximum, open model (highest rate held: nothing dropped, within ${fmtPercent(ACCURACY_TOLERANCE, 0)}; bisection of ${SEARCH_SECONDS} s runs): ` +
      `${fmtInt(openMax)}/s = ${fmtPercent(openMax / max.rps, 0)} of the closed maximum`,
    '',
    table(rows),
    `  acc. = achieved / target (ok within ${fmtPercent(ACCURACY_TOLERANCE, 0)}); started/s = iterations started / phase seconds; ` +
      'completed/s = requests / run duration (summary)',
    '  lag = iteration start lateness, actual − intended start, ms; "p99 excl. 1st s" leaves out the phase\'s first second',
    fixed === undefined
      ? ''
      : `  ${fmtInt(FIXED_RATE)}/s: lag p99 ${fmtMs(fixed.lagP99Ms)} ms (goal < ${FIXED_RATE_P99_GOAL_MS} ms: ${fixed.lagP99Ms < FIXED_RATE_P99_GOAL_MS ? 'met' : 'NOT met'}), ` +
        `excl. 1st s ${fmtMs(fixed.lagP99AfterFirstSecondMs)} ms`,
  ].join('\n') + '\n';
}

runBench('open-model', async (session) => {
  const { seconds } = parseFlags(process.argv.slice(2), { seconds: 20 }, {}, 'node dist/bench/open-model.js [--seconds 20]');
  const nginx = requirePinnedNginxBench();
  const dir = session.workDir('loadtest-open-model-');
  const target = await startNginx({ nginx });
  session.onCleanup(() => target.stop());
  process.stderr.write(`nginx on ${target.url} (pid ${target.masterPid}, worker ${target.workerPid})\nmaximum: closed model, ${CONNECTIONS} VUs … `);
  const max = await closedMaximum(dir, target, seconds);
  process.stderr.write(`${fmtInt(max.rps)} req/s\nmaximum: open model …\n`);
  const openMax = await openMaximum(dir, target, max.rps);
  const plan: Array<[string, number]> = [
    ...[0.2, 0.5, 0.8].map((share): [string, number] => [`${share * 100}% of open max`, Math.round(openMax * share)]),
    [`fixed ${fmtInt(FIXED_RATE)}/s`, FIXED_RATE],
  ];
  const runs: OpenRun[] = [];
  for (const [label, rate] of plan) {
    if (session.interrupted) return;
    process.stderr.write(`${label}: ${fmtInt(rate)}/s … `);
    const run = await openRun(dir, target, seconds, label, rate);
    runs.push(run);
    process.stderr.write(`started ${fmtInt(run.startedPerS)}/s, lag p99 ${fmtMs(run.lagP99Ms)} ms, dropped ${run.dropped}\n`);
  }
  if (!session.interrupted) process.stdout.write('\n' + report(nginxVersion(nginx), seconds, max, openMax, runs));
});
