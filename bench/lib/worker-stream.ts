import type { Outcome } from '../../scenarios/outcome.js';
import { encodeHistogram, HIGHEST_TRACKABLE_US, newHistogram, recordMicros } from '../../scenarios/results/histogram.js';
import type { BodyRecord, HeaderRecord, PhasePlan } from '../../scenarios/results/results-format.js';
import { RESULTS_FORMAT, RESULTS_VERSION } from '../../scenarios/results/results-format.js';
import { ResultsWriter } from '../../scenarios/results/results-writer.js';
import { mulberry32 } from '../../test/helpers/mulberry32.js';

// One worker's share of a one-hour run, as `loadtest run --segment i/N` will write it: the shape of
// bench/report.ts's hour (10 steps with per-second HDR histograms of log-normal latencies and a
// tail, a few errors, iteration accounting, generator and host health, 5 targets × 3 replicas of
// resource samples from the first worker, a leader kill and its outage), at a worker's share of the rate. Seeded per
// worker, so every worker's seconds differ and the merge has real adding to do.

const FLOWS = [
  { name: 'browse', weight: 5, steps: ['home', 'search', 'product', 'reviews'] },
  { name: 'checkout', weight: 2, steps: ['cart', 'login', 'pay', 'confirm'] },
  { name: 'account', weight: 1, steps: ['profile', 'orders'] },
];
const STEPS = FLOWS.flatMap((flow) => flow.steps.map((step, i) => ({ step, first: i === 0 })));
const STEP_BASE_MS = [2, 6, 3, 4, 3, 8, 12, 5, 3, 7];
const TARGETS = ['api', 'auth', 'catalog', 'orders', 'kv'];
const replicasOf = (target: string): string[] => (target === 'kv' ? ['n1', 'n2', 'n3'] : [1, 2, 3].map((i) => `${target}-${i}`));
const OUTAGE = { from: 1200.05, to: 1204.6 };

export interface WorkerStreamOptions {
  durationS: number;
  index: number;
  count: number;
  startEpochMs: number;
}

function header(options: WorkerStreamOptions, phases: PhasePlan[]): HeaderRecord {
  return {
    type: 'header',
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    startEpochMs: options.startEpochMs,
    tool: { name: 'loadtest', version: '0.1.0' },
    mode: 'scenario',
    scenario: { name: 'shop-hour', file: 'scenarios/shop-hour.yaml', target: 'http://127.0.0.1:8080', thresholds: ['p99<250ms', 'errors<1%', 'p99[30s]<300ms'] },
    flows: FLOWS,
    phases,
    histogram: { unit: 'us', significantDigits: 3 },
    generator: { hostname: `worker-${options.index}`, cpus: 8, node: process.version, pid: 4242 + options.index },
    segment: { index: options.index, count: options.count },
  };
}

/** Writes one worker's stream to `file` through the real writer. */
export function writeWorkerStream(file: string, options: WorkerStreamOptions): void {
  const random = mulberry32(20260105 + options.index);
  const share = 1 / options.count;
  const phases: PhasePlan[] = [{ name: 'steady', executor: 'constant-arrival-rate', startS: 0, durationS: options.durationS, params: { rate: 165 * share, maxInFlight: 1000 } }];
  const logNormal = (median: number, sigma: number): number => median * Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
  const between = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const latencies = (count: number, baseMs: number): { latency: string; service: string } => {
    const latency = newHistogram();
    const service = newHistogram();
    for (let i = 0; i < count; i++) {
      const serviceUs = random() < 0.02 ? logNormal(baseMs * 25_000, 1) : logNormal(baseMs * 1000, 0.45);
      recordMicros(service, Math.min(serviceUs, HIGHEST_TRACKABLE_US));
      recordMicros(latency, Math.min(serviceUs + logNormal(150, 0.8), HIGHEST_TRACKABLE_US));
    }
    return { latency: encodeHistogram(latency), service: encodeHistogram(service) };
  };

  const writer = new ResultsWriter(file, header(options, phases));
  writer.append([{ type: 'phase', t: 0, phase: 'steady', index: 0, event: 'start' }]);
  for (let s = 0; s < options.durationS; s++) {
    // Flush times as the recorder writes them: a millisecond or two after each boundary.
    const t = s === 0 ? 0 : s + between(0, 3) / 1000;
    const records: BodyRecord[] = [];
    const inOutage = s + 1 > OUTAGE.from && s < OUTAGE.to;
    let started = 0;
    let failed = 0;
    STEPS.forEach(({ step, first }, i) => {
      const count = Math.round(between(30, 80) * share);
      const errors = inOutage ? Math.round(count * 0.85) : random() < 0.08 ? between(1, 3) : 0;
      if (first) started += count;
      failed += errors;
      const ok = count - errors;
      records.push({ type: 'step', t, dur: 1, phase: 'steady', step, outcome: 'ok', count: ok, bytesIn: ok * 1800, bytesOut: ok * 240, ...latencies(ok, STEP_BASE_MS[i]!) });
      if (errors === 0) return;
      const outcome: Outcome = inOutage ? 'connect_refused' : 'http_5xx';
      records.push({ type: 'step', t, dur: 1, phase: 'steady', step, outcome, count: errors, bytesIn: errors * 120, bytesOut: errors * 240, ...latencies(errors, 1) });
      records.push({ type: 'error-sample', t, phase: 'steady', step, outcome, message: inOutage ? 'connect ECONNREFUSED 127.0.0.1:2379' : 'expected status 200, got 503', count: errors });
    });
    const lag = newHistogram();
    const duration = newHistogram();
    for (let i = 0; i < 20; i++) {
      recordMicros(lag, logNormal(120, 0.9));
      recordMicros(duration, logNormal(25_000, 0.5));
    }
    records.push({
      type: 'iterations', t, dur: 1, phase: 'steady', started, ok: Math.max(0, started - failed), failed: Math.min(started, failed), interrupted: 0,
      dropped: { max_in_flight: 0, data_exhausted: 0 }, inFlight: between(1, 6), maxInFlight: between(6, 15), vus: 0, lag: encodeHistogram(lag), duration: encodeHistogram(duration),
    });
    records.push({ type: 'generator', t, dur: 1, rssBytes: 120e6 + s * 2000, heapUsedBytes: 40e6, cpuUs: 90_000 + 20_000 * random(), eventLoopDelayP99Ms: 1 + random(), eventLoopDelayMaxMs: 2 + 5 * random() });
    const busy = 0.25 + 0.1 * random();
    records.push({
      type: 'host', t, dur: 1, cpuBusy: busy, perCoreBusy: Array.from({ length: 8 }, () => Math.round(busy * 1000) / 1000), load1: 2, memoryUsedBytes: 6e9, memoryTotalBytes: 16e9,
      netRxBytesPerSecond: 1.2e6, netTxBytesPerSecond: 0.3e6, diskReadBytesPerSecond: 0, diskWriteBytesPerSecond: 20e3,
    });
    // The first worker samples the targets' replicas; two workers sampling the same replica would be two samples of it.
    for (const target of options.index === 0 ? TARGETS : []) {
      for (const replica of replicasOf(target)) {
        const cpuCores = 0.3 + 0.15 * random();
        records.push({
          type: 'resource', t, dur: 1, target, replica, source: 'cgroup', cpuCores, cpuThrottledSeconds: 0, cpuPeriods: 10, cpuThrottledPeriods: 0,
          memoryUsageBytes: 3e8, workingSetBytes: 2.8e8, rssBytes: 2.5e8, pageCacheBytes: 2e7, oomKills: 0, limits: { cpuCores: 1, memoryBytes: 512 * 1048576 },
        });
      }
    }
    if (s === 1200) records.push({ type: 'fault', t: 1200.002, event: 'start', action: 'kill', target: 'kv', replicas: ['n2'], label: 'faults[0]', detail: 'SIGKILL to kv/leader (n2)' });
    if (s === 1204) records.push({ type: 'outage', t: OUTAGE.from, end: OUTAGE.to, durationS: 4.55, failed: 1200, ok: 150, afterFault: 'faults[0] kill kv' });
    writer.append(records);
  }
  writer.append([
    { type: 'phase', t: options.durationS, phase: 'steady', index: 0, event: 'end' },
    { type: 'end', t: options.durationS, status: 'completed' },
  ]);
  writer.close();
}
