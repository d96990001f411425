// The HTML report of a one-hour run: how long `loadtest report --html` takes, how big the page is,
// and how long Chromium takes to open it and draw every chart.
//
//   node dist/bench/report.js [--rounds 5] [--browser-rounds 5] [--regenerate 1]
//
// Targets: a stream of 3,600 s, 10 steps and 5 targets (3 replicas each) renders in under 3 s into
// under 3 MB, and the page draws all its charts in headless Chromium in under 2 s.
//
// The stream is generated once (seeded, realistic: per-second HDR histograms of 30–80 requests per
// step, log-normal latencies with a tail and one slow period, a few errors, a leader kill with its
// outage, per-replica resource samples) and kept in the OS temp dir under a version key; pass
// --regenerate 1 after changing the generator, or bump STREAM_VERSION.
//
// Machines are noisy, so each figure is printed beside a yardstick measured in the same rounds:
// - render: the real CLI as a whole process against `node -e` that reads the stream and
//   JSON.parses every line, the least any reader of the stream must do; the two alternate.
// - browser: the report page (navigation → every chart drawn, as the page measures it) against the
//   same page with its chart script replaced by one that only parses the embedded data.
//
// Where the render time goes: node --cpu-prof dist/cli/main.js report <the stream> --html /tmp/r.html

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import type { Outcome } from '../scenarios/outcome.js';
import { encodeHistogram, HIGHEST_TRACKABLE_US, newHistogram, recordMicros } from '../scenarios/results/histogram.js';
import type { BodyRecord, HeaderRecord, PhasePlan, ResourceRecord } from '../scenarios/results/results-format.js';
import { RESULTS_FORMAT, RESULTS_VERSION } from '../scenarios/results/results-format.js';
import { ResultsWriter } from '../scenarios/results/results-writer.js';
import { chromiumPath } from '../test/helpers/browser.js';
import { mulberry32 } from '../test/helpers/mulberry32.js';
import { parseFlags } from './lib/args.js';
import { BenchError } from './lib/bench-error.js';
import { fmtInt, fmtMiB, fmtRatio, median, table } from './lib/format.js';
import { CLI } from './lib/paths.js';
import { runBench } from './lib/run-bench.js';
import { alternate, PARSE_EVERY_LINE, wallSeconds } from './lib/whole-process-timing.js';

const RENDER_BUDGET_S = 3;
const SIZE_BUDGET_BYTES = 3_000_000;
const BROWSER_BUDGET_S = 2;

/** Bump when the generated stream changes, so a cached one from an older generator is not reused. */
const STREAM_VERSION = 2;
const DURATION_S = 3600;
const START_EPOCH_MS = Date.UTC(2026, 0, 5, 9, 0, 0);

const args = parseFlags(
  process.argv.slice(2),
  { rounds: 5, 'browser-rounds': 5, regenerate: undefined as number | undefined },
  {},
  'node dist/bench/report.js [--rounds 5] [--browser-rounds 5] [--regenerate 1]',
);

// ---- the one-hour stream ----

const FLOWS = [
  { name: 'browse', weight: 5, steps: ['home', 'search', 'product', 'reviews'] },
  { name: 'checkout', weight: 2, steps: ['cart', 'login', 'pay', 'confirm'] },
  { name: 'account', weight: 1, steps: ['profile', 'orders'] },
];
const STEPS = FLOWS.flatMap((flow) => flow.steps.map((step, i) => ({ flow: flow.name, step, first: i === 0 })));
/** Median service time of each step, ms: some steps are cheap, some are not. */
const STEP_BASE_MS = [2, 6, 3, 4, 3, 8, 12, 5, 3, 7];

const TARGETS = [
  { name: 'api', kind: 'command' as const, cpu: 1, memory: 512 * 1048576 },
  { name: 'auth', kind: 'command' as const, cpu: 0.5, memory: 256 * 1048576 },
  { name: 'catalog', kind: 'command' as const, cpu: 1, memory: 1024 * 1048576 },
  { name: 'orders', kind: 'command' as const, cpu: 0.5, memory: 512 * 1048576 },
  { name: 'kv', kind: 'raft' as const, cpu: 0.5, memory: 256 * 1048576 },
];
const replicasOf = (target: (typeof TARGETS)[number]): string[] => (target.kind === 'raft' ? ['n1', 'n2', 'n3'] : [1, 2, 3].map((i) => `${target.name}-${i}`));

const PHASES: PhasePlan[] = [
  { name: 'ramp', executor: 'ramping-arrival-rate', startS: 0, durationS: 600, params: { from: 100, to: 165, maxInFlight: 1000 } },
  { name: 'steady', executor: 'constant-arrival-rate', startS: 600, durationS: 3000, params: { rate: 165, maxInFlight: 1000 } },
];

/** The kill whose outage the drill table shows, a follower pause, and a CPU squeeze. */
const FAULTS = [
  { label: 'faults[0]', action: 'kill', target: 'kv', replicas: ['n2'], startS: 1200, endS: 1220, detail: 'SIGKILL to kv/leader (n2)', outage: [1200.05, 1204.6] as const },
  { label: 'faults[1]', action: 'pause', target: 'kv', replicas: ['n1'], startS: 2400, endS: 2405, detail: 'SIGSTOP to kv/follower (n1)', outage: null },
  { label: 'faults[2]', action: 'cpu', target: 'api', replicas: ['api-1'], startS: 3000, endS: 3060, detail: 'CFS quota of api/1 cut to 0.1 core', outage: null },
];
/** Three minutes when everything is four times slower. */
const SLOW = { fromS: 1800, toS: 1980, factor: 4 };

const ERROR_KINDS: Array<{ outcome: Outcome; message: string }> = [
  { outcome: 'http_5xx', message: 'expected status 200, got 503' },
  { outcome: 'timeout', message: 'timed out after 2000 ms' },
  { outcome: 'check_failed', message: '$.status: expected "ok", got "pending"' },
];

function header(): HeaderRecord {
  return {
    type: 'header',
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    startEpochMs: START_EPOCH_MS,
    tool: { name: 'loadtest', version: '0.1.0' },
    mode: 'scenario',
    scenario: {
      name: 'shop-hour',
      file: 'scenarios/shop-hour.yaml',
      target: 'http://127.0.0.1:8080',
      thresholds: ['p99<250ms', 'errors<1%', 'p99[30s]<300ms', 'flow:checkout.errors[10s]<5%', 'target:api.cpu.p95<0.9'],
    },
    flows: FLOWS,
    phases: PHASES,
    histogram: { unit: 'us', significantDigits: 3 },
    generator: { hostname: 'bench', cpus: 8, node: process.version, pid: 4242 },
    targets: Object.fromEntries(
      TARGETS.map((t) => [t.name, { kind: t.kind, replicas: replicasOf(t), requests: { cpuCores: t.cpu / 2, memoryBytes: t.memory / 2 }, limits: { cpuCores: t.cpu, memoryBytes: t.memory }, enforced: true }]),
    ),
  };
}

/** Generates one second's records at a time; everything random comes from one seeded source. */
class HourGenerator {
  private readonly random = mulberry32(20260105);

  /** Box–Muller; 1 - random() keeps the logarithm away from 0. */
  private logNormal(median: number, sigma: number): number {
    const normal = Math.sqrt(-2 * Math.log(1 - this.random())) * Math.cos(2 * Math.PI * this.random());
    return median * Math.exp(sigma * normal);
  }

  private between(lo: number, hi: number): number {
    return lo + Math.floor(this.random() * (hi - lo + 1));
  }

  /** Latency (from when due) and service (from when written) histograms of `count` requests. */
  private latencies(count: number, baseMs: number): { latency: string; service: string } {
    const latency = newHistogram();
    const service = newHistogram();
    for (let i = 0; i < count; i++) {
      // 2% tail, log-normal around 25× the median (up to seconds).
      const serviceUs = this.random() < 0.02 ? this.logNormal(baseMs * 25_000, 1) : this.logNormal(baseMs * 1000, 0.45);
      const queueUs = this.logNormal(150, 0.8);
      recordMicros(service, Math.min(serviceUs, HIGHEST_TRACKABLE_US));
      recordMicros(latency, Math.min(serviceUs + queueUs, HIGHEST_TRACKABLE_US));
    }
    return { latency: encodeHistogram(latency), service: encodeHistogram(service) };
  }

  private phaseAt(s: number): PhasePlan {
    return s < PHASES[1]!.startS ? PHASES[0]! : PHASES[1]!;
  }

  second(s: number): BodyRecord[] {
    const records: BodyRecord[] = [];
    const phase = this.phaseAt(s);
    if (s === phase.startS) records.push({ type: 'phase', t: s, phase: phase.name, index: PHASES.indexOf(phase), event: 'start' });
    const slow = s >= SLOW.fromS && s < SLOW.toS ? SLOW.factor : 1;
    const [outageFrom, outageTo] = FAULTS[0]!.outage!;
    const inOutage = s + 1 > outageFrom && s < outageTo;
    let started = 0;
    let failedIterations = 0;
    STEPS.forEach(({ step, first }, i) => {
      const count = this.between(30, 80);
      // Mostly no errors; now and then one to three; in the outage most requests fail.
      const errors = inOutage ? Math.round(count * 0.85) : this.random() < 0.08 ? this.between(1, 3) : 0;
      if (first) started += count;
      failedIterations += errors;
      const ok = count - errors;
      const base = (STEP_BASE_MS[i] ?? 5) * slow;
      records.push({ type: 'step', t: s, dur: 1, phase: phase.name, step, outcome: 'ok', count: ok, bytesIn: ok * 1800, bytesOut: ok * 240, ...this.latencies(ok, base) });
      if (errors === 0) return;
      const kind = inOutage ? { outcome: 'connect_refused' as Outcome, message: 'connect ECONNREFUSED 127.0.0.1:2379' } : ERROR_KINDS[this.between(0, ERROR_KINDS.length - 1)]!;
      records.push({ type: 'step', t: s, dur: 1, phase: phase.name, step, outcome: kind.outcome, count: errors, bytesIn: errors * 120, bytesOut: errors * 240, ...this.latencies(errors, kind.outcome === 'timeout' ? 2000 : 1) });
      records.push({ type: 'error-sample', t: s, phase: phase.name, step, outcome: kind.outcome, message: kind.message, count: errors });
    });
    records.push(this.iterations(s, phase.name, started, failedIterations));
    records.push(...this.machine(s));
    records.push(...this.resources(s, slow));
    records.push(...this.faultRecords(s));
    if (s + 1 === phase.startS + phase.durationS) records.push({ type: 'phase', t: s + 1, phase: phase.name, index: PHASES.indexOf(phase), event: 'end' });
    return records;
  }

  private iterations(s: number, phase: string, started: number, failed: number): BodyRecord {
    const lag = newHistogram();
    const duration = newHistogram();
    for (let i = 0; i < 40; i++) {
      recordMicros(lag, this.logNormal(120, 0.9));
      recordMicros(duration, this.logNormal(25_000, 0.5));
    }
    return {
      type: 'iterations',
      t: s,
      dur: 1,
      phase,
      started,
      ok: Math.max(0, started - failed),
      failed: Math.min(started, failed),
      interrupted: 0,
      dropped: { max_in_flight: 0, data_exhausted: 0 },
      inFlight: this.between(2, 12),
      maxInFlight: this.between(12, 30),
      vus: 0,
      lag: encodeHistogram(lag),
      duration: encodeHistogram(duration),
    };
  }

  private machine(s: number): BodyRecord[] {
    const busy = 0.25 + 0.1 * this.random();
    return [
      { type: 'generator', t: s, dur: 1, rssBytes: 120e6 + s * 2000, heapUsedBytes: 40e6 + 10e6 * this.random(), cpuUs: 180_000 + 40_000 * this.random(), eventLoopDelayP99Ms: 1 + this.random(), eventLoopDelayMaxMs: 2 + 5 * this.random() },
      {
        type: 'host',
        t: s,
        dur: 1,
        cpuBusy: busy,
        perCoreBusy: Array.from({ length: 8 }, () => Math.round(busy * (0.6 + 0.8 * this.random()) * 1000) / 1000),
        load1: 2 + this.random(),
        memoryUsedBytes: 6e9,
        memoryTotalBytes: 16e9,
        netRxBytesPerSecond: 1.2e6,
        netTxBytesPerSecond: 0.3e6,
        diskReadBytesPerSecond: 0,
        diskWriteBytesPerSecond: 20e3,
      },
    ];
  }

  private resources(s: number, slow: number): ResourceRecord[] {
    const records: ResourceRecord[] = [];
    for (const target of TARGETS) {
      for (const replica of replicasOf(target)) {
        const down = FAULTS.some((f) => f.action === 'kill' && f.target === target.name && f.replicas.includes(replica) && s >= f.startS && s < f.endS);
        const cpuCores = down ? null : Math.min(target.cpu, target.cpu * (0.3 + 0.15 * this.random()) * (slow > 1 ? 1.8 : 1));
        const throttled = cpuCores !== null && cpuCores > target.cpu * 0.7 ? 0.05 * this.random() : 0;
        const workingSet = down ? null : Math.round(target.memory * (0.35 + 0.05 * this.random() + (s / DURATION_S) * 0.1));
        records.push({
          type: 'resource',
          t: s,
          dur: 1,
          target: target.name,
          replica,
          source: 'cgroup',
          cpuCores,
          cpuThrottledSeconds: throttled,
          cpuPeriods: 10,
          cpuThrottledPeriods: throttled > 0 ? this.between(1, 4) : 0,
          memoryUsageBytes: workingSet === null ? null : workingSet + 20e6,
          workingSetBytes: workingSet,
          rssBytes: workingSet === null ? null : Math.round(workingSet * 0.9),
          pageCacheBytes: 20e6,
          oomKills: 0,
          limits: { cpuCores: target.cpu, memoryBytes: target.memory },
        });
      }
    }
    return records;
  }

  private faultRecords(s: number): BodyRecord[] {
    const records: BodyRecord[] = [];
    for (const f of FAULTS) {
      const common = { type: 'fault' as const, action: f.action, target: f.target, replicas: f.replicas, label: f.label };
      if (f.startS === s) records.push({ ...common, t: s + 0.002, event: 'start', detail: f.detail });
      if (f.endS === s) records.push({ ...common, t: s + 0.004, event: 'end', detail: `undone: ${f.detail}` });
      if (f.outage !== null && Math.floor(f.outage[1]) === s) {
        const [from, to] = f.outage;
        records.push({ type: 'outage', t: from, end: to, durationS: Math.round((to - from) * 1000) / 1000, failed: 2400, ok: 310, afterFault: `${f.label} ${f.action} ${f.target}` });
      }
    }
    return records;
  }
}

/** The cached stream, generated (and written atomically) when missing. */
function hourStream(regenerate: boolean): string {
  const dir = join(tmpdir(), `loadtest-bench-report-v${STREAM_VERSION}`);
  const file = join(dir, 'results.ndjson');
  if (existsSync(file) && !regenerate) {
    process.stdout.write(`stream: ${file} (cached; --regenerate 1 to make it anew)\n`);
    return file;
  }
  mkdirSync(dir, { recursive: true });
  const partial = `${file}.partial`;
  const began = performance.now();
  const writer = new ResultsWriter(partial, header());
  const generator = new HourGenerator();
  writer.append([{ type: 'event', t: 0, level: 'info', message: 'targets ready: api, auth, catalog, orders, kv', source: 'launcher' }]);
  for (let s = 0; s < DURATION_S; s++) writer.append(generator.second(s));
  writer.append([{ type: 'end', t: DURATION_S, status: 'completed' }]);
  writer.close();
  renameSync(partial, file);
  process.stdout.write(`stream: ${file} (generated in ${((performance.now() - began) / 1000).toFixed(1)} s)\n`);
  return file;
}

// ---- rendering as a whole process ----

interface RenderFigures {
  report: number[];
  yardstick: number[];
  htmlBytes: number;
}

async function timeRender(stream: string, html: string, rounds: number): Promise<RenderFigures> {
  const report = (): Promise<number> => wallSeconds(process.execPath, [CLI, 'report', stream, '--html', html], 'loadtest report');
  const yardstick = (): Promise<number> => wallSeconds(process.execPath, ['-e', PARSE_EVERY_LINE, stream], 'the yardstick');
  const [reportS, yardstickS] = await alternate(report, yardstick, rounds);
  return { report: reportS, yardstick: yardstickS, htmlBytes: statSync(html).size };
}

// ---- opening the page in Chromium ----

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];

/**
 * The same page with the chart script swapped for one that only parses the embedded data: what the
 * page costs a browser before a single chart is drawn. The chart script is the page's last script.
 */
function yardstickPage(html: string): string {
  const open = html.lastIndexOf('<script>');
  const close = html.indexOf('</script>', open);
  if (open === -1 || close === -1) throw new BenchError('the report has no chart script to replace');
  const parseOnly = `JSON.parse(document.getElementById('report-data').textContent); window.__parsedAtMs = Math.round(performance.now());`;
  // The page's Content-Security-Policy lists its scripts by hash: the swapped script gets the old one's place.
  // Compared without the base64 padding, which the page writes as an HTML entity.
  const hash = (text: string): string => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64').replace(/=+$/, '')}`;
  const withPolicy = html.replace(hash(html.slice(open + '<script>'.length, close)), hash(parseOnly));
  if (withPolicy === html) throw new BenchError("the report's Content-Security-Policy does not list its chart script");
  // Hashes are all of one length, so the script still starts and ends where it did.
  return `${withPolicy.slice(0, open)}<script>${parseOnly}${withPolicy.slice(close)}`;
}

interface PageFigures {
  readyMs: number[];
  yardstickMs: number[];
  charts: number;
  expected: number;
}

interface ReportState {
  ready: boolean;
  charts: number;
  expected: number;
  errors: string[];
  readyAtMs: number | null;
}

/** Milliseconds from navigation start to `flag` as the page measured it, in a fresh page, offline. */
async function openOnce(browser: Browser, file: string, ready: string, measured: string): Promise<unknown> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  try {
    const url = pathToFileURL(file).href;
    await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort('blockedbyclient')));
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(ready, null, { timeout: 30_000 });
    return await page.evaluate(measured);
  } finally {
    await context.close();
  }
}

async function timePage(html: string, dir: string, rounds: number): Promise<PageFigures> {
  const executablePath = chromiumPath();
  if (executablePath === null) throw new BenchError('Chromium not found (apt-get install chromium, or point LOADTEST_CHROMIUM at one)');
  const plain = join(dir, 'yardstick.html');
  writeFileSync(plain, yardstickPage(readFileSync(html, 'utf8')));
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const figures: PageFigures = { readyMs: [], yardstickMs: [], charts: 0, expected: 0 };
    const report = async (): Promise<number> => {
      const state = (await openOnce(browser, html, 'window.__loadtestReport !== undefined && window.__loadtestReport.ready === true', 'window.__loadtestReport')) as ReportState;
      if (state.errors.length > 0) throw new BenchError(`charts failed to draw: ${state.errors.join('; ')}`);
      figures.charts = state.charts;
      figures.expected = state.expected;
      return state.readyAtMs ?? NaN;
    };
    const yardstick = async (): Promise<number> => (await openOnce(browser, plain, 'window.__parsedAtMs !== undefined', 'window.__parsedAtMs')) as number;
    [figures.readyMs, figures.yardstickMs] = await alternate(report, yardstick, rounds);
    return figures;
  } finally {
    await browser.close();
  }
}

// ---- the bench ----

function streamShape(file: string): string {
  const bytes = statSync(file).size;
  const lines = readFileSync(file, 'utf8').split('\n').length - 1;
  return `${fmtInt(lines)} records, ${fmtMiB(bytes)} MiB: ${DURATION_S} s, ${STEPS.length} steps, ${TARGETS.length} targets × 3 replicas`;
}

runBench('bench report', async (session) => {
  const stream = hourStream(args.regenerate !== undefined);
  process.stdout.write(`        ${streamShape(stream)}\n\n`);
  const dir = session.workDir('loadtest-bench-report-');
  const html = join(dir, 'report.html');

  const render = await timeRender(stream, html, args.rounds);
  const reportS = median(render.report);
  const yardstickS = median(render.yardstick);
  process.stdout.write(`render: loadtest report --html, whole process, median of ${args.rounds} rounds (one warm-up)\n`);
  process.stdout.write(
    table([
      ['', 'median s', 'min s', 'max s'],
      ['report --html', reportS.toFixed(2), Math.min(...render.report).toFixed(2), Math.max(...render.report).toFixed(2)],
      ['yardstick: read + JSON.parse every line', yardstickS.toFixed(2), Math.min(...render.yardstick).toFixed(2), Math.max(...render.yardstick).toFixed(2)],
    ]) + '\n',
  );
  process.stdout.write(`  report / yardstick: ${fmtRatio(reportS / yardstickS)}\n`);
  process.stdout.write(`  time: ${(reportS / RENDER_BUDGET_S).toFixed(2)} of the ${RENDER_BUDGET_S} s budget\n`);
  process.stdout.write(`  size: ${fmtInt(render.htmlBytes)} bytes, ${(render.htmlBytes / SIZE_BUDGET_BYTES).toFixed(2)} of the 3 MB budget\n\n`);

  if (session.interrupted) return;
  const page = await timePage(html, dir, args['browser-rounds']);
  const readyMs = median(page.readyMs);
  const parsedMs = median(page.yardstickMs);
  process.stdout.write(`browser: navigation → every chart drawn, as the page measures it, median of ${args['browser-rounds']} fresh pages (one warm-up)\n`);
  process.stdout.write(
    table([
      ['', 'median ms', 'min ms', 'max ms'],
      ['report page', fmtInt(readyMs), fmtInt(Math.min(...page.readyMs)), fmtInt(Math.max(...page.readyMs))],
      ['yardstick: same page, data parsed, no charts', fmtInt(parsedMs), fmtInt(Math.min(...page.yardstickMs)), fmtInt(Math.max(...page.yardstickMs))],
    ]) + '\n',
  );
  process.stdout.write(`  report / yardstick: ${fmtRatio(readyMs / parsedMs)}\n`);
  process.stdout.write(`  time: ${(readyMs / 1000 / BROWSER_BUDGET_S).toFixed(2)} of the ${BROWSER_BUDGET_S} s budget\n`);
  process.stdout.write(`  charts drawn: ${page.charts} of ${page.expected}\n`);
  if (page.charts !== page.expected) process.exitCode = 1;
});
