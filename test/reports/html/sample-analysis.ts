import type {
  BreakdownRow,
  Correlation,
  FaultDrillRow,
  RunAnalysis,
  Series,
  TargetResourceSeries,
  TrafficSeries,
} from '../../../reports/analysis/analysis-types.js';
import type { GateVerdict } from '../../../reports/gates/gate-types.js';
import type { TargetResourceSummary } from '../../../reports/resource-summary.js';
import type { LatencySummary, TrafficSummary } from '../../../reports/summary-types.js';
import type { HeaderRecord } from '../../../scenarios/results/results-format.js';
import type { ReportInput } from '../../../reports/html/render-html.js';
import { mulberry32 } from '../../helpers/mulberry32.js';

// Synthetic but plausible run analyses of any length for the HTML report's tests and benchmark:
// traffic ramping through phases, latency rising with load, a leader kill with an outage, replicas
// whose CPU follows the load against a limit. With `hostile`, every name and message a scenario,
// a response or a header can supply carries markup and template syntax that must stay inert text.

/** Strings that would run script or break out of their context if any renderer trusted them. */
export const HOSTILE_STRINGS = [
  '</script><script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=2">',
  '"><svg onload=window.__pwned=3>',
  "{{constructor.constructor('window.__pwned=4')()}}",
  'line\u2028separator\u2029paragraph<!--',
  'javascript:window.__pwned=5',
] as const;

export interface SampleOptions {
  durationS?: number;
  bucketS?: number;
  steps?: number;
  targets?: number;
  replicas?: number;
  faults?: boolean;
  knee?: boolean;
  hostile?: boolean;
  verdict?: ReportInput['verdict'];
  seed?: number;
}

export function buildSampleReport(options: SampleOptions = {}): ReportInput {
  const o = {
    durationS: 300,
    bucketS: 1,
    steps: 4,
    targets: 2,
    replicas: 3,
    faults: true,
    knee: true,
    hostile: false,
    verdict: 'fail' as const,
    seed: 7,
    ...options,
  };
  const random = mulberry32(o.seed);
  const name = namer(o.hostile);
  const stepNames = Array.from({ length: o.steps }, (_, i) => name(`step-${i + 1}`, i));
  const phaseNames = [name('warm-up', 1), name('ramp', 2), name('peak', 3)];
  const targetNames = Array.from({ length: o.targets }, (_, i) => name(`kv-${i + 1}`, i + 2));
  const replicaNames = (target: number): string[] => Array.from({ length: o.replicas }, (_, r) => name(`n${r + 1}`, target * o.replicas + r + 1));

  const n = Math.max(1, Math.ceil(o.durationS / o.bucketS));
  const t = Array.from({ length: n }, (_, i) => i * o.bucketS);
  const faults: FaultDrillRow[] = o.faults ? sampleFaults(o.durationS, targetNames, replicaNames, name) : [];
  const inOutage = (s: number): boolean => faults.some((f) => f.outages.some((out) => s >= out.t && s < out.end));
  const afterFault = (s: number): number => faults.reduce((m, f) => (s >= f.startS && s < f.startS + 30 ? Math.max(m, 1 - (s - f.startS) / 30) : m), 0);

  // Offered load ramps from 20% to 100% over the first 60% of the run, then holds.
  const load = t.map((s) => Math.min(1, 0.2 + (0.8 * s) / (0.6 * o.durationS)));
  const peakRps = 800;
  const overall = traffic(t, (i) => {
    const s = t[i] as number;
    const rps = peakRps * (load[i] as number) * (0.97 + 0.06 * random());
    const outage = inOutage(s);
    const base = 8 + 40 * (load[i] as number) ** 4 + 60 * afterFault(s);
    return { rps: outage ? rps * 0.3 : rps, errors: outage ? rps * 0.7 : rps * 0.001 * random(), base: outage ? base * 20 : base, jitter: random() };
  });
  const steps: Record<string, TrafficSeries> = {};
  stepNames.forEach((step, k) => {
    steps[step] = traffic(t, (i) => ({ rps: (overall.rps[i] as number) / o.steps, errors: (overall.errorsPerS[i] as number) / o.steps, base: (overall.p50[i] ?? 8) * (0.5 + k * 0.4), jitter: random() }));
  });

  const resources: TargetResourceSeries[] = targetNames.map((target, ti) => ({
    target,
    source: 'cgroup',
    limits: { cpuCores: 2, memoryBytes: 512 * 1024 * 1024 },
    replicas: replicaNames(ti).map((replica, ri) => {
      const killed = (s: number): boolean => faults.some((f) => f.target === target && f.replicas.includes(replica) && s >= f.startS && (f.endS === null || s < f.endS));
      return {
        replica,
        cpuCores: t.map((s, i) => (killed(s) ? null : round((0.2 + 1.6 * (load[i] as number) * (ri === 0 ? 1.1 : 0.8)) * (0.9 + 0.2 * random()), 3))),
        throttledPct: t.map((s, i) => (killed(s) ? null : round(Math.max(0, 30 * ((load[i] as number) - 0.7)) * random(), 2))),
        workingSetBytes: t.map((s, i) => (killed(s) ? null : Math.round((180 + 120 * (load[i] as number) + 10 * random()) * 1024 * 1024))),
      };
    }),
  }));

  const latency = latencySummary(12, 45, 180);
  const overallSummary: TrafficSummary = trafficSummary(peakRps * 0.7 * o.durationS, o.durationS, 0.012, latency);
  const analysis: RunAnalysis = {
    summary: {
      scenario: name('checkout-capacity', 0),
      mode: 'scenario',
      target: 'http://kv.internal:8080',
      startedAt: '2025-01-15T10:00:00.000Z',
      status: o.verdict === 'error' ? 'interrupted' : 'completed',
      partial: o.verdict === 'error',
      durationS: o.durationS,
      overall: {
        ...overallSummary,
        dropped: 42,
        iterations: { started: 1000, ok: 980, failed: 20, interrupted: 0, dropped: 42, droppedByReason: { max_in_flight: 42 }, startLag: latencySummary(0.1, 0.5, 2) },
      },
      steps: Object.fromEntries(stepNames.map((s, k) => [s, trafficSummary(overallSummary.requests / o.steps, o.durationS, 0.01, latencySummary(5 + 4 * k, 20 + 10 * k, 80 + 30 * k))])),
      phases: phaseNames.map((phase, k) => ({
        ...trafficSummary(overallSummary.requests / 3, o.durationS / 3, 0.01, latencySummary(10 + k * 5, 40 + k * 20, 150 + k * 50)),
        name: phase,
        executor: 'ramping-arrival-rate',
        durationS: o.durationS / 3,
        dropped: 14,
        iterations: { started: 333, ok: 326, failed: 7, interrupted: 0, dropped: 14, droppedByReason: { max_in_flight: 14 }, startLag: latencySummary(0.1, 0.5, 2) },
      })),
      topErrors: [
        { step: stepNames[0] as string, outcome: 'http_5xx', message: name('status 503: no leader', 4), count: 812 },
        { step: stepNames[stepNames.length - 1] as string, outcome: 'connect_refused', message: name('connect ECONNREFUSED 10.0.0.7:8080', 5), count: 97 },
      ],
      generator: { maxRssBytes: 210e6, maxEventLoopDelayMs: 12, cpuSeconds: 0.4 * o.durationS, saturatedSeconds: 0 },
      targets: Object.fromEntries(resources.map((r) => [r.target, resourceSummary(r)])),
      faults: faults.map((f) => ({ t: f.startS, event: 'start' as const, action: f.action, target: f.target, replicas: f.replicas, label: f.label, detail: f.detail })),
      outages: faults.flatMap((f) => f.outages.map((out) => ({ ...out, afterFault: f.label }))),
      collectorErrors: [],
    },
    timeline: { bucketS: o.bucketS, t, overall, steps, droppedPerS: t.map((s) => (inOutage(s) ? 3 : 0)), maxInFlight: t.map(() => 50) },
    resources,
    correlations: sampleCorrelations(resources),
    throughput: sampleThroughput(o.knee),
    faultDrill: faults,
    flows: [
      { name: name('checkout', 1), weight: 3, steps: stepNames },
      { name: name('browse', 2), weight: 1, steps: stepNames.slice(0, 2) },
    ],
    breakdown: sampleBreakdown(stepNames, phaseNames, overallSummary),
    distribution: sampleDistribution(),
    warnings: [name('dropped 42 iterations: the in-flight bound was reached', 3), 'collector docker (api) failed twice'],
  };
  const header: HeaderRecord = {
    type: 'header',
    format: 'loadtest-results',
    version: 1,
    startEpochMs: Date.parse('2025-01-15T10:00:00.000Z'),
    tool: { name: 'loadtest', version: '0.1.0' },
    mode: 'scenario',
    scenario: { name: analysis.summary.scenario, file: name('scenarios/checkout.yaml', 1), target: 'http://kv.internal:8080', thresholds: ['p99<300ms', name('errors<1%', 2)] },
    phases: phaseNames.map((phase, k) => ({ name: phase, executor: 'ramping-arrival-rate', startS: (k * o.durationS) / 3, durationS: o.durationS / 3, params: { from: 100 * k, to: 100 * (k + 1), maxInFlight: 200 } })),
    histogram: { unit: 'us', significantDigits: 3 },
    generator: { hostname: name('gen-1', 0), cpus: 8, node: 'v20.18.1', pid: 4242 },
    targets: Object.fromEntries(
      targetNames.map((target, ti) => [target, { kind: 'raft' as const, replicas: replicaNames(ti), requests: { cpuCores: 1, memoryBytes: 256 * 1024 * 1024 }, limits: { cpuCores: 2, memoryBytes: 512 * 1024 * 1024 }, enforced: true }]),
    ),
  };
  return { analysis, gates: sampleGates(name, o.durationS), verdict: o.verdict, header, generatedAt: '2025-01-15T11:00:00.000Z' };
}

/** Plain names, or the same names wrapped in a hostile string (the plain part keeps them unique). */
function namer(hostile: boolean): (plain: string, i: number) => string {
  return (plain, i) => (hostile ? `${HOSTILE_STRINGS[i % HOSTILE_STRINGS.length]} ${plain}` : plain);
}

function traffic(t: number[], at: (i: number) => { rps: number; errors: number; base: number; jitter: number }): TrafficSeries {
  const out: TrafficSeries = { rps: [], errorsPerS: [], p50: [], p90: [], p95: [], p99: [], p999: [], max: [] };
  t.forEach((_, i) => {
    const { rps, errors, base, jitter } = at(i);
    out.rps.push(round(rps, 4));
    out.errorsPerS.push(round(errors, 4));
    const none = rps <= 0;
    const push = (series: Series, factor: number): void => {
      series.push(none ? null : round(base * factor * (0.9 + 0.2 * jitter), 4));
    };
    push(out.p50, 1);
    push(out.p90, 2.2);
    push(out.p95, 2.8);
    push(out.p99, 4.5);
    push(out.p999, 7);
    push(out.max, 9);
  });
  return out;
}

function sampleFaults(durationS: number, targets: string[], replicasOf: (t: number) => string[], name: (plain: string, i: number) => string): FaultDrillRow[] {
  const target = targets[0] as string;
  const leader = replicasOf(0)[1] as string;
  const kill = durationS * 0.4;
  const pause = durationS * 0.7;
  return [
    {
      label: name('faults[0] kill kv leader', 0),
      action: 'kill',
      target,
      replicas: [leader],
      detail: name(`SIGKILL to ${leader} (the leader)`, 1),
      startS: kill,
      endS: kill + durationS * 0.1,
      outages: [{ t: kill + 0.2, end: kill + 4.2, durationS: 4, failed: 2900, ok: 40 }],
      unavailableS: 4,
      recoverS: 4.2,
      requestsDuring: 3100,
      errorsDuring: 2900,
      caughtBy: [name('errors[10s]<5%', 2)],
    },
    {
      label: name('faults[1] pause follower', 3),
      action: 'pause',
      target: targets[targets.length - 1] as string,
      replicas: [replicasOf(targets.length - 1)[2] ?? 'n3'],
      detail: name('SIGSTOP for 20 s', 4),
      startS: pause,
      endS: pause + 20,
      outages: [],
      unavailableS: 0,
      recoverS: 0,
      requestsDuring: 15000,
      errorsDuring: 3,
      caughtBy: [],
    },
  ];
}

function latencySummary(p50: number, p95: number, p99: number): LatencySummary {
  return { min: p50 / 5, mean: p50 * 1.3, p50, p90: p95 * 0.8, p95, p99, 'p99.9': p99 * 1.6, max: p99 * 3 };
}

function trafficSummary(requests: number, durationS: number, errorRate: number, latency: LatencySummary): TrafficSummary {
  const r = Math.round(requests);
  const errors = Math.round(r * errorRate);
  return {
    requests: r,
    rps: round(r / durationS, 4),
    errors,
    errorRate: r > 0 ? errors / r : 0,
    errorsByClass: { ok: r - errors, http_5xx: Math.round(errors * 0.9), connect_refused: errors - Math.round(errors * 0.9) },
    bytesIn: r * 512,
    bytesOut: r * 128,
    latency,
    serviceTime: latencySummary(latency.p50 * 0.8, latency.p95 * 0.8, latency.p99 * 0.8),
  };
}

function resourceSummary(target: TargetResourceSeries): TargetResourceSummary {
  const stats = (values: Series): { avg: number | null; p95: number | null; max: number | null } => {
    const v = values.filter((x): x is number => x !== null).sort((a, b) => a - b);
    if (v.length === 0) return { avg: null, p95: null, max: null };
    return { avg: round(v.reduce((s, x) => s + x, 0) / v.length, 4), p95: v[Math.floor(0.95 * (v.length - 1))] ?? null, max: v[v.length - 1] ?? null };
  };
  const byReplica = Object.fromEntries(
    target.replicas.map((r) => {
      const mem = stats(r.workingSetBytes);
      return [r.replica, { cpu: stats(r.cpuCores), throttledPct: stats(r.throttledPct).avg, memory: { p95: mem.p95, max: mem.max } }];
    }),
  );
  const all = (pick: (r: TargetResourceSeries['replicas'][number]) => Series): Series => target.replicas.flatMap(pick);
  const mem = stats(all((r) => r.workingSetBytes));
  return {
    source: target.source,
    replicas: target.replicas.length,
    samples: target.replicas.length * (target.replicas[0]?.cpuCores.length ?? 0),
    cpu: stats(all((r) => r.cpuCores)),
    throttledPct: stats(all((r) => r.throttledPct)).avg,
    memory: { p95: mem.p95, max: mem.max },
    totalCpu: { avg: null, max: null },
    limits: target.limits,
    oomKills: 0,
    byReplica,
  };
}

function sampleCorrelations(resources: TargetResourceSeries[]): Correlation[] {
  return resources.flatMap((r, i) => [
    { target: r.target, replica: null, metric: 'cpuCores' as const, r: 0.82 - i * 0.3, rho: 0.79 - i * 0.3, points: 280, strength: i === 0 ? ('strong' as const) : ('weak' as const) },
    { target: r.target, replica: r.replicas[0]?.replica ?? null, metric: 'throttledPct' as const, r: 0.55, rho: 0.61, points: 280, strength: 'moderate' as const },
    { target: r.target, replica: null, metric: 'workingSetBytes' as const, r: 0.05, rho: -0.02, points: 280, strength: 'none' as const },
  ]);
}

function sampleThroughput(knee: boolean): RunAnalysis['throughput'] {
  const points = Array.from({ length: 16 }, (_, i) => {
    const rps = 50 + i * 50;
    return { rps, p50: round(8 + (rps / 800) ** 4 * 30, 4), p99: round(30 + (rps / 650) ** 6 * 200, 4), errorRate: rps > 700 ? 0.02 : 0.001, seconds: 10 };
  });
  return {
    points,
    knee: knee ? { rps: 600, p99Ms: round(30 + (600 / 650) ** 6 * 200, 4), method: 'slo', sloMs: 300, note: 'highest throughput whose p99 met p99<300ms' } : null,
  };
}

function sampleBreakdown(steps: string[], phases: string[], overall: TrafficSummary): BreakdownRow[] {
  const row = (scope: BreakdownRow['scope'], name: string, phase: string | null, share: number, k: number): BreakdownRow => ({
    scope,
    name,
    phase,
    requests: Math.round(overall.requests * share),
    rps: round(overall.rps * share, 4),
    errors: Math.round(overall.errors * share),
    errorRate: overall.errorRate,
    latency: latencySummary(5 + 4 * k, 20 + 10 * k, 80 + 30 * k),
  });
  const rows: BreakdownRow[] = [];
  for (const phase of [null, ...phases]) {
    const share = phase === null ? 1 : 1 / phases.length;
    rows.push(row('flow', 'checkout', phase, share * 0.75, 3));
    steps.forEach((step, k) => rows.push(row('step', step, phase, share / steps.length, k)));
  }
  return rows;
}

function sampleDistribution(): RunAnalysis['distribution'] {
  const out: RunAnalysis['distribution'] = [];
  for (let x = 0; x <= 4.5; x += 0.05) {
    const percentile = round(100 * (1 - 10 ** -x), 8);
    out.push({ percentile, ms: round(5 + 8 * x + 2 * Math.exp(1.4 * x), 4) });
  }
  out.push({ percentile: 100, ms: 2400 });
  return out;
}

function sampleGates(name: (plain: string, i: number) => string, durationS: number): GateVerdict[] {
  return [
    { kind: 'threshold', expression: 'p99<300ms', passed: true, actual: 180, actualText: '180 ms', limitText: '< 300 ms' },
    {
      kind: 'threshold',
      expression: name('errors[10s]<5%', 2),
      passed: false,
      actual: 0.71,
      actualText: '71%',
      limitText: '< 5%',
      window: { seconds: 10, worstStartS: durationS * 0.4, evaluated: Math.round(durationS / 10), failed: 1, failing: [{ startS: durationS * 0.4, endS: durationS * 0.4 + 10 }] },
      abortOnFail: false,
    },
    {
      kind: 'regression',
      expression: name('p95:+10%', 5),
      passed: false,
      actual: 45,
      actualText: '45 ms',
      limitText: '≤ +10% of 38 ms',
      baseline: { value: 38, valueText: '38 ms', changeText: '+18%' },
    },
    { kind: 'threshold', expression: name('p99{step:nope}<1s', 1), passed: true, actual: null, actualText: 'n/a', limitText: '< 1 s', reason: name('no step named nope in this run', 0) },
  ];
}

function round(value: number, digits: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(digits));
}
