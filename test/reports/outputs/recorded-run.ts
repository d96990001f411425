import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GateVerdict } from '../../../reports/gates/gate-types.js';
import { summarise } from '../../../reports/summary.js';
import type { RunSummary } from '../../../reports/summary-types.js';
import { Recorder } from '../../../scenarios/results/recorder.js';
import type { ResourceRecord } from '../../../scenarios/results/results-format.js';
import { testHeader } from '../../helpers/stream-header.js';
import { readResults } from '../../../scenarios/results/results-reader.js';
import { ResultsWriter } from '../../../scenarios/results/results-writer.js';
import { RunClock } from '../../../scenarios/results/run-clock.js';

// A small run recorded through the real recorder and stream, with everything the outputs render:
// two phases, a step whose name is hostile to XML and Markdown, failures with a hostile message, a
// fault and the outage it caused, resource samples of two replicas, a saturated generator host and
// a collector warning. The summary read back is what the outputs are tested on.

/** A step name an attacker-controlled scenario or a careless one could hold. */
export const HOSTILE_STEP = `</testcase><script>alert("x")</script> & 'q' | col \u0001 *b* _i_ [l](u) \`c\`\nnext`;
export const HOSTILE_MESSAGE = 'status 503 <b>down</b> & "quoted" \u0001\uD800 | ]]>';

const cache = new Map<RunSummary['status'], Promise<RunSummary>>();

export function recordedSummary(status: RunSummary['status'] = 'completed'): Promise<RunSummary> {
  let summary = cache.get(status);
  if (summary === undefined) cache.set(status, (summary = recordRun(status)));
  return summary;
}

async function recordRun(status: RunSummary['status']): Promise<RunSummary> {
  const file = join(mkdtempSync(join(tmpdir(), 'loadtest-outputs-')), 'results.ndjson');
  const clock = new RunClock();
  const writer = new ResultsWriter(
    file,
    testHeader({
      startEpochMs: clock.startEpochMs,
      scenario: { name: 'checkout & <co>' },
      phases: [
        { name: 'warm', executor: 'constant-vus', startS: 0, durationS: 0.2, params: { vus: 1 } },
        { name: 'peak', executor: 'constant-arrival-rate', startS: 0.2, durationS: 0.3, params: { rate: 10, maxInFlight: 5 } },
      ],
    }),
  );
  const recorder = new Recorder({ clock, writer, phaseNames: ['warm', 'peak'], intervalMs: 50, requestTimeoutMs: 100 });
  recorder.start();
  recorder.event('warning', 'docker api unreachable', 'collector docker (api)');
  recorder.phaseStarted(0);
  for (let i = 1; i <= 100; i++) {
    recorder.iterationStarted(0, 0);
    recorder.request(0, 'login', 'ok', i * 1000, i * 500, 100, 50);
    recorder.request(0, HOSTILE_STEP, 'ok', 2000, 1000, 10, 10);
    recorder.iterationEnded(0, i * 1000, 'ok');
  }
  await sleep(120);
  recorder.phaseEnded(0);
  recorder.phaseStarted(1);
  recorder.fault({ event: 'start', action: 'kill', target: 'kv', replicas: ['n2'], label: 'faults[0]', detail: 'SIGKILL to n2 (the leader)' });
  for (let i = 0; i < 10; i++) {
    recorder.iterationStarted(1, 2000);
    recorder.request(1, 'order', 'http_5xx', 1000, 1000, 10, 10, HOSTILE_MESSAGE);
    recorder.iterationEnded(1, 1000, 'failed');
  }
  recorder.iterationDropped(1, 'max_in_flight');
  await sleep(150);
  for (let i = 0; i < 10; i++) {
    recorder.iterationStarted(1, 1000);
    recorder.request(1, 'order', 'ok', 1000, 1000, 10, 10);
    recorder.iterationEnded(1, 1000, 'ok');
  }
  recorder.fault({ event: 'end', action: 'restart', target: 'kv', replicas: ['n2'], label: 'faults[0]', detail: 'restarted n2' });
  recorder.append([...resourceSamples(recorder.nowS()), saturatedHost(recorder.nowS())]);
  await sleep(60);
  recorder.phaseEnded(1);
  recorder.stop(status);
  writer.close();
  return summarise(readResults(file));
}

function resourceSamples(nowS: number): ResourceRecord[] {
  const sample = (replica: string, t: number, cpuCores: number, workingSetBytes: number): ResourceRecord => ({
    type: 'resource',
    t,
    dur: 0.1,
    target: 'kv',
    replica,
    source: 'cgroup',
    cpuCores,
    cpuThrottledSeconds: 0.001,
    cpuPeriods: 10,
    cpuThrottledPeriods: 1,
    memoryUsageBytes: workingSetBytes + 1000,
    workingSetBytes,
    rssBytes: workingSetBytes,
    pageCacheBytes: 1000,
    oomKills: 0,
    limits: { cpuCores: 0.5, memoryBytes: 268435456 },
  });
  const t = Math.max(0, nowS - 0.2);
  return [sample('n1', t, 0.1, 19_000_000), sample('n2', t, 0.3, 21_000_000), sample('n1', t + 0.1, 0.2, 19_500_000), sample('n2', t + 0.1, 0.4, 22_000_000)];
}

function saturatedHost(nowS: number) {
  return {
    type: 'host' as const,
    t: Math.max(0, nowS - 0.1),
    dur: 0.1,
    cpuBusy: 0.99,
    perCoreBusy: [0.99, 0.99],
    load1: 4,
    memoryUsedBytes: 1e9,
    memoryTotalBytes: 2e9,
    netRxBytesPerSecond: null,
    netTxBytesPerSecond: null,
    diskReadBytesPerSecond: null,
    diskWriteBytesPerSecond: null,
    saturated: 'cpu 99% busy',
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One gate of each kind the outputs distinguish. */
export const GATES = {
  pass: { kind: 'threshold', expression: 'p50<60ms', passed: true, actual: 12.5, actualText: '12.5 ms', limitText: '< 60 ms' },
  fail: { kind: 'threshold', expression: 'errors<1%', passed: false, actual: 0.047, actualText: '4.70%', limitText: '< 1%' },
  window: {
    kind: 'threshold',
    expression: 'p99[5s]<300ms',
    passed: false,
    actual: 412,
    actualText: '412 ms',
    limitText: '< 300 ms',
    window: { seconds: 5, worstStartS: 40, evaluated: 20, failed: 3, failing: [{ startS: 40, endS: 47 }] },
  },
  regression: {
    kind: 'regression',
    expression: 'p99:+10%',
    passed: false,
    actual: 265,
    actualText: '265 ms',
    limitText: '≤ +10% of 212 ms',
    baseline: { value: 212, valueText: '212 ms', changeText: '+25.0%' },
  },
  aborted: {
    kind: 'threshold',
    expression: 'errors[10s]<5%',
    passed: false,
    actual: 0.5,
    actualText: '50.00%',
    limitText: '< 5%',
    abortOnFail: true,
    abortedAtS: 12,
    window: { seconds: 10, worstStartS: 2, evaluated: 1, failed: 1, failing: [{ startS: 2, endS: 12 }] },
  },
  noData: { kind: 'threshold', expression: 'step:nosuch.p99<1ms', passed: false, actual: null, actualText: 'no data', limitText: '< 1 ms', reason: 'no step named "nosuch" in this run' },
} satisfies Record<string, GateVerdict>;
