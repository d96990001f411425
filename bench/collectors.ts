// The resource collectors: are their figures right, and what does sampling cost?
//
//   node dist/bench/collectors.js [--quick]
//
// Accuracy. Burners run in cgroups of their own (joined before their first instruction, through
// wrapArgv), and the Sampler polls our cgroup source every second for 10 s (--quick: 5 s):
//   (a) a duty-cycle burner, 3 ms of its own CPU time in every 10 ms (0.30 of a core), under a
//       0.5-core quota: reported cores vs the kernel's accounting of the process (utime + stime
//       from /proc/<pid>/stat, read at the same ticks), vs the known 0.30, and not throttled;
//   (b) a spinner under a 0.25-core quota: reported cores vs its accounting and vs the quota, and
//       the throttled share of CFS periods, which must be above zero;
//   (c) a program holding 128 MiB (Buffer.alloc, every page written) beside the same program
//       holding nothing: the difference of their average working sets vs 128 MiB (and vs the
//       difference of their RSS in /proc).
// Averages are over the whole window (CPU weighted by interval), references over the same ticks.
// Within ±5% is the goal. Without cgroups (not root, no controllers) the reason is printed and the
// same cases run as plain processes through the /proc source: no quota, so no throttling to show.
//
// Cost. Ten idle node processes, each in a replica cgroup, sampled every second for 30 s (--quick:
// 5 s) by our cgroup source, then our /proc source, then the obvious peer, systeminformation's
// si.processes() filtered to the ten PIDs; one after another, each alone in a fresh process (see
// lib/collectors-cost-worker.ts: it counts the processes a source spawns too). Printed: each one's
// CPU in % of one core, and the peer's cost as a multiple of ours. Goal: under 1% of a core.
//
// Everything started here is killed by PID and every cgroup removed when the bench ends, also on Ctrl-C.
import { availableParallelism, cpus, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CgroupSource } from '../collectors/cgroup.js';
import type { CgroupLocation } from '../collectors/cgroup-counters.js';
import { ProcessSource } from '../collectors/process.js';
import type { ResourceSample } from '../collectors/resource-sample.js';
import type { ResourceSource } from '../collectors/resource-source.js';
import { Sampler } from '../collectors/sampler.js';
import { createRunCgroup, type RunCgroup } from '../fixtures/launcher/cgroup-sandbox.js';
import { detectCgroupSupport, type CgroupSupport } from '../fixtures/launcher/cgroup-support.js';
import type { ResourceSpec } from '../scenarios/environment-model.js';
import { BenchError } from './lib/bench-error.js';
import type { CostJob, CostMethod, CostResult } from './lib/collectors-cost-worker.js';
import { DUTY_CYCLE_BURNER, HOLDER, SPINNER, nodeProgram, waitReady } from './lib/collectors-programs.js';
import { fmtMiB, fmtPercent, fmtRatio, fmtSignedPercent, lastLines, table } from './lib/format.js';
import { clockTicksPerSecond, processCpuTicks, residentBytes } from './lib/proc-stat.js';
import { collect, signal, sleep, start } from './lib/processes.js';
import { runBench, type BenchSession } from './lib/run-bench.js';

const USAGE = 'node dist/bench/collectors.js [--quick]';
const WORKER = fileURLToPath(new URL('./lib/collectors-cost-worker.js', import.meta.url));
const INTERVAL_MS = 1000;
const TOLERANCE = 0.05;
const COST_GOAL = 0.01;
const DUTY = { busyUs: 3000, periodMs: 10, quota: 0.5 };
const SPIN_QUOTA = 0.25;
const HELD_BYTES = 128 << 20;
const TARGETS = 10;
/** After "ready", before the window: lets the burners settle into their quota and the JIT warm up. */
const SETTLE_MS = 1000;
const READY_TIMEOUT_MS = 15_000;

interface Windows {
  accuracyS: number;
  costS: number;
}

function parseArgs(argv: string[]): Windows {
  let quick = false;
  for (const arg of argv) {
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(`usage: ${USAGE}\n`);
      process.exit(0);
    }
    if (arg !== '--quick') throw new BenchError(`unknown argument ${arg}; usage: ${USAGE}`);
    quick = true;
  }
  return quick ? { accuracyS: 5, costS: 5 } : { accuracyS: 10, costS: 30 };
}

// ── where the processes run ─────────────────────────────────────────────────────────────────────

/** A process the bench started, and the cgroup it runs in (none without cgroup support). */
interface Placed {
  name: string;
  pid: number;
  location?: CgroupLocation;
}

/**
 * Starts programs in replica groups of one run group (or as plain processes without cgroups) and
 * takes them all down again: children by PID first, then the groups (which also kill anything left).
 */
class Placement {
  private readonly pids: number[] = [];
  private readonly run: RunCgroup | undefined;

  constructor(session: BenchSession, support: CgroupSupport, runId: string) {
    this.run = support.ok ? createRunCgroup(runId) : undefined;
    session.onCleanup(() => this.tearDown());
  }

  async start(name: string, argv: string[], limits: ResourceSpec['limits'] = {}): Promise<Placed> {
    const replica = this.run?.replica(name, { limits, requests: {} });
    const line = replica?.wrapArgv(argv) ?? argv;
    const child = start(line[0]!, line.slice(1));
    if (child.pid === undefined) throw new BenchError(`${name}: could not start ${line[0]}`);
    this.pids.push(child.pid);
    await waitReady(child, name, READY_TIMEOUT_MS);
    return replica === undefined ? { name, pid: child.pid } : { name, pid: child.pid, location: replica.location };
  }

  async tearDown(): Promise<void> {
    for (const pid of this.pids.splice(0)) signal(pid, 'SIGKILL');
    await this.run?.remove();
  }
}

// ── accuracy ────────────────────────────────────────────────────────────────────────────────────

/** What the window saw of one process: its samples, and the kernel's accounting at the same ticks. */
interface Observed {
  samples: Array<{ sample: ResourceSample; intervalMs: number }>;
  ticks: Array<{ atMs: number; cpuTicks: number; rssBytes: number | undefined }>;
}

/** Polls `placed` through `source` every second for `seconds`, reading /proc for each at every tick. */
async function observe(source: ResourceSource, placed: Placed[], seconds: number): Promise<Map<string, Observed>> {
  const seen = new Map(placed.map((p) => [p.name, { samples: [], ticks: [] } as Observed]));
  const errors: string[] = [];
  const from = performance.now();
  const sampler = new Sampler({
    sources: [source],
    intervalMs: INTERVAL_MS,
    nowMs: () => performance.now() - from,
    onSamples: (_source, samples, intervalMs) => {
      for (const sample of samples) seen.get(sample.replica)?.samples.push({ sample, intervalMs });
    },
    onError: (_source, message) => errors.push(message),
    // Runs in the same poll as the source's reads, so the reference covers the same instants.
    onTick: async (atMs) => {
      for (const p of placed) seen.get(p.name)!.ticks.push({ atMs, cpuTicks: processCpuTicks(p.pid), rssBytes: residentBytes(p.pid) });
    },
  });
  sampler.start();
  await sleep(seconds * 1000);
  await sampler.stop();
  if (errors.length > 0) throw new Error(`the ${source.name} source failed during the accuracy window: ${errors.join('; ')}`);
  return seen;
}

/** Cores over the window: CPU time over wall time, each interval weighted by its length. */
function reportedCores(o: Observed): number {
  const ms = o.samples.reduce((sum, s) => sum + s.intervalMs, 0);
  return o.samples.reduce((sum, s) => sum + (s.sample.cpuCores ?? NaN) * s.intervalMs, 0) / ms;
}

/** The kernel's accounting of the process itself over the same ticks, in cores. */
function referenceCores(o: Observed, ticksPerSecond: number): number {
  const first = o.ticks[0]!;
  const last = o.ticks[o.ticks.length - 1]!;
  return (last.cpuTicks - first.cpuTicks) / ticksPerSecond / ((last.atMs - first.atMs) / 1000);
}

function throttled(o: Observed): { periods: number; throttledPeriods: number } | undefined {
  if (o.samples.some((s) => s.sample.cpuPeriods === null || s.sample.cpuThrottledPeriods === null)) return undefined;
  return {
    periods: o.samples.reduce((sum, s) => sum + s.sample.cpuPeriods!, 0),
    throttledPeriods: o.samples.reduce((sum, s) => sum + s.sample.cpuThrottledPeriods!, 0),
  };
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const meanWorkingSet = (o: Observed): number => mean(o.samples.map((s) => s.sample.workingSetBytes ?? NaN));
const meanRss = (o: Observed): number => mean(o.ticks.map((t) => t.rssBytes ?? NaN));

type Row = [string, string, string, string, string];

function errorRow(label: string, reported: number, reference: number, show: (n: number) => string, referenceLabel: string): Row {
  const error = reported / reference - 1;
  const within = Math.abs(error) <= TOLERANCE;
  return [label, show(reported), `${show(reference)} ${referenceLabel}`, fmtSignedPercent(error), within ? 'within ±5%' : 'OUTSIDE ±5%'];
}

function throttleRow(label: string, o: Observed, expectThrottling: boolean): Row {
  const t = throttled(o);
  if (t === undefined) return [label, 'n/a', 'no quota without cgroups', '', 'not shown'];
  const share = t.periods === 0 ? 0 : t.throttledPeriods / t.periods;
  const shown = t.throttledPeriods > 0;
  const verdict = shown === expectThrottling ? (shown ? 'throttling shown' : 'not throttled, right') : shown ? 'THROTTLED (unexpected)' : 'NO THROTTLING SHOWN';
  return [label, `${fmtPercent(share)} of periods`, `${t.throttledPeriods} of ${t.periods} periods`, '', verdict];
}

const cores = (n: number): string => `${n.toFixed(3)} cores`;
const mib = (n: number): string => `${fmtMiB(n)} MiB`;

async function accuracy(session: BenchSession, support: CgroupSupport, seconds: number): Promise<string> {
  const placement = new Placement(session, support, `collectors-accuracy-${process.pid}`);
  const duty = await placement.start('duty', nodeProgram(DUTY_CYCLE_BURNER, [DUTY.busyUs, DUTY.periodMs]), { cpuCores: DUTY.quota });
  const spin = await placement.start('spin', nodeProgram(SPINNER), { cpuCores: SPIN_QUOTA });
  const held = await placement.start('holds-128MiB', nodeProgram(HOLDER, [HELD_BYTES]));
  const base = await placement.start('holds-nothing', nodeProgram(HOLDER, [0]));
  const placed = [duty, spin, held, base];
  await sleep(SETTLE_MS);
  const source: ResourceSource = support.ok
    ? new CgroupSource({ target: 'accuracy', replicas: () => placed.map((p) => ({ replica: p.name, location: p.location! })) })
    : new ProcessSource({ target: 'accuracy', children: false, replicas: () => placed.map((p) => ({ replica: p.name, pid: p.pid })) });
  const seen = await observe(source, placed, seconds);
  // Down before the cost runs: the burners would otherwise compete with the samplers for the cores.
  await placement.tearDown();

  const ticksPerSecond = clockTicksPerSecond();
  const [d, s, h, b] = placed.map((p) => seen.get(p.name)!) as [Observed, Observed, Observed, Observed];
  const known = DUTY.busyUs / 1000 / DUTY.periodMs;
  // Without cgroups nothing enforces a quota: the spinner takes a whole core, so there is nothing to compare with.
  const quota = (q: number): string => (support.ok ? `quota ${q}` : 'no quota (no cgroups)');
  const rows: Row[] = [
    ['case', 'reported', 'reference', 'error', 'verdict'],
    errorRow(`(a) duty-cycle burner, ${quota(DUTY.quota)}`, reportedCores(d), referenceCores(d, ticksPerSecond), cores, '(its /proc utime+stime)'),
    errorRow('    same, vs the known share', reportedCores(d), known, cores, '(3 ms CPU per 10 ms)'),
    throttleRow('    throttling', d, false),
    errorRow(`(b) spinner, ${quota(SPIN_QUOTA)}`, reportedCores(s), referenceCores(s, ticksPerSecond), cores, '(its /proc utime+stime)'),
    support.ok ? errorRow('    same, vs the quota', reportedCores(s), SPIN_QUOTA, cores, '(the quota)') : ['    same, vs the quota', cores(reportedCores(s)), 'no quota without cgroups', '', 'not shown'],
    throttleRow('    throttling', s, support.ok),
    errorRow('(c) working set, 128 MiB − nothing', meanWorkingSet(h) - meanWorkingSet(b), HELD_BYTES, mib, '(allocated)'),
    errorRow('    same, vs /proc RSS difference', meanWorkingSet(h) - meanWorkingSet(b), meanRss(h) - meanRss(b), mib, '(VmRSS 128 MiB − nothing)'),
  ];
  const how = support.ok ? `our cgroup source (cgroup v${support.version}), each process in its own replica group` : 'our /proc source (no cgroups: see above), plain processes';
  return [
    `accuracy: ${how}; Sampler at ${INTERVAL_MS / 1000} s for ${seconds} s (${d.samples.length} intervals), averaged over the window`,
    `  working set: holds-128MiB ${mib(meanWorkingSet(h))}, holds-nothing ${mib(meanWorkingSet(b))}`,
    '',
    table(rows),
  ].join('\n');
}

// ── cost ────────────────────────────────────────────────────────────────────────────────────────

const METHODS: Array<{ method: CostMethod; label: string; needsCgroups: boolean }> = [
  { method: 'cgroup', label: 'ours: cgroup source', needsCgroups: true },
  { method: 'process', label: 'ours: /proc source', needsCgroups: false },
  { method: 'systeminformation', label: 'peer: si.processes()', needsCgroups: false },
];

/** One sampler alone in its own process (lib/collectors-cost-worker.ts) over the targets. */
async function costOf(method: CostMethod, targets: Placed[], seconds: number): Promise<CostResult> {
  const job: CostJob = { method, seconds, intervalMs: INTERVAL_MS, targets: targets.map((t) => ({ replica: t.name, pid: t.pid, ...(t.location ? { location: t.location } : {}) })) };
  const finished = await collect(start(process.execPath, [WORKER, JSON.stringify(job)]), (seconds + 20) * 1000);
  if (finished.code !== 0) throw new BenchError(`the ${method} cost worker exited ${finished.code}: ${lastLines(finished.stderr || finished.stdout)}`);
  return JSON.parse(finished.stdout.trim().split('\n').pop() ?? '') as CostResult;
}

const coreShare = (r: CostResult): number => (r.selfCpuUs + r.childrenCpuUs) / 1000 / r.wallMs;

async function cost(session: BenchSession, support: CgroupSupport, seconds: number): Promise<string> {
  const placement = new Placement(session, support, `collectors-cost-${process.pid}`);
  const targets: Placed[] = [];
  for (let i = 0; i < TARGETS; i++) targets.push(await placement.start(`idle-${i}`, nodeProgram(HOLDER, [0])));
  const results = new Map<CostMethod, CostResult>();
  for (const { method, needsCgroups } of METHODS) {
    if (session.interrupted) return '';
    if (needsCgroups && !support.ok) continue;
    process.stderr.write(`cost: ${method}, ${seconds} s … `);
    results.set(method, await costOf(method, targets, seconds));
    process.stderr.write('done\n');
  }
  await placement.tearDown();

  const peer = results.get('systeminformation')!;
  const rows = [['sampler', 'CPU, % of a core', 'own', 'children', 'ms CPU per poll', 'polls', 'samples', 'peer ÷ this', `goal < ${fmtPercent(COST_GOAL, 0)}`]];
  for (const { method, label } of METHODS) {
    const r = results.get(method);
    if (r === undefined) {
      rows.push([label, 'skipped (no cgroups)', '', '', '', '', '', '', '']);
      continue;
    }
    const share = coreShare(r);
    rows.push([
      label,
      fmtPercent(share, 3),
      fmtPercent(r.selfCpuUs / 1000 / r.wallMs, 3),
      fmtPercent(r.childrenCpuUs / 1000 / r.wallMs, 3),
      ((r.selfCpuUs + r.childrenCpuUs) / 1000 / r.polls).toFixed(2),
      String(r.polls),
      String(r.samples),
      fmtRatio(coreShare(peer) / share),
      method === 'systeminformation' ? '' : share < COST_GOAL ? 'met' : 'NOT met',
    ]);
  }
  const errors = [...results].flatMap(([method, r]) => r.errors.map((e) => `  ${method}: ${e}`));
  return [
    `cost: ${TARGETS} idle node processes${support.ok ? ', each in its own replica cgroup' : ' (plain processes)'}, sampled every ${INTERVAL_MS / 1000} s for ${seconds} s by each sampler in turn`,
    '  each sampler alone in a fresh node process running the project Sampler; CPU = its own (process.cpuUsage, all threads)',
    '  + its reaped children (/proc/self/stat cutime+cstime: si.processes() runs ps through a shell), from the first poll',
    '  to the end of Sampler.stop(), over the wall time of that window; node start-up and module loading excluded',
    '',
    table(rows),
    ...(errors.length > 0 ? ['', 'sampler errors:', ...errors] : []),
  ].join('\n');
}

// ── the bench ───────────────────────────────────────────────────────────────────────────────────

function machine(support: CgroupSupport): string {
  const cgroups = support.ok ? `cgroup v${support.version}` : `no cgroups (${support.reason})`;
  return `machine: ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? '?'}), Linux ${release()}, node ${process.version}, ${cgroups}`;
}

runBench('collectors', async (session) => {
  const windows = parseArgs(process.argv.slice(2));
  const began = performance.now();
  const support = detectCgroupSupport();
  process.stdout.write(`${machine(support)}\n`);
  if (!support.ok) process.stdout.write(`cgroups unavailable: ${support.reason}; the accuracy cases use the /proc source instead, and throttling cannot be shown\n`);
  process.stderr.write(`accuracy: ${windows.accuracyS} s … `);
  const accuracyReport = await accuracy(session, support, windows.accuracyS);
  process.stderr.write('done\n');
  if (session.interrupted) return;
  process.stdout.write(`\n${accuracyReport}\n`);
  const costReport = await cost(session, support, windows.costS);
  if (session.interrupted) return;
  process.stdout.write(`\n${costReport}\n\nwhole bench: ${((performance.now() - began) / 1000).toFixed(1)} s\n`);
});
