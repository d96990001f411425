import type { Outcome } from '../scenarios/outcome.js';
import { readEncodedBuckets } from '../scenarios/results/histogram-decode.js';
import type { Results } from '../scenarios/results/results-reader.js';
import type { FaultRecord, OutageRecord, ResourceRecord } from '../scenarios/results/results-format.js';
import { summariseResources } from './resource-summary.js';
import { SearchAccumulator } from './search-summary.js';
import type { RunSummary } from './summary-types.js';
import { IterationAccumulator, TrafficAccumulator, decodeStepRecord, round } from './traffic-accumulators.js';

// The run summary: a pure function of the results stream, so `loadtest report` on the file says
// exactly what the run printed when it ended.

export function summarise(results: Results): RunSummary {
  const { header, records } = results;
  const overall = new TrafficAccumulator();
  const overallIterations = new IterationAccumulator();
  const steps = new Map<string, TrafficAccumulator>();
  const phases = new Map<string, { traffic: TrafficAccumulator; iterations: IterationAccumulator; startS?: number; endS?: number; lastStepInterval: Interval | undefined }>();
  const errorMessages = new Map<string, { step: string; outcome: Outcome; message: string; count: number }>();
  const generator: RunSummary['generator'] = { maxRssBytes: 0, maxEventLoopDelayMs: 0, cpuSeconds: 0, saturatedSeconds: 0 };
  const saturatedAt = new Set<number>();
  const resources: ResourceRecord[] = [];
  const faults: RunSummary['faults'] = [];
  const outages: RunSummary['outages'] = [];
  const collectorErrors: string[] = [];
  const searches = new SearchAccumulator();
  let status: RunSummary['status'] | undefined;
  let firstPhaseStartS: number | undefined;
  let lastStepInterval: Interval | undefined;

  const phaseEntry = (name: string) => {
    let entry = phases.get(name);
    if (entry === undefined) {
      entry = { traffic: new TrafficAccumulator(), iterations: new IterationAccumulator(), lastStepInterval: undefined };
      phases.set(name, entry);
    }
    return entry;
  };
  for (const plan of header.phases) phaseEntry(plan.name);

  for (const record of records) {
    switch (record.type) {
      case 'step': {
        const decoded = decodeStepRecord(record);
        overall.add(record, decoded);
        let step = steps.get(record.step);
        if (step === undefined) steps.set(record.step, (step = new TrafficAccumulator()));
        step.add(record, decoded);
        const phase = phaseEntry(record.phase);
        phase.traffic.add(record, decoded);
        phase.lastStepInterval = later(phase.lastStepInterval, record);
        lastStepInterval = later(lastStepInterval, record);
        break;
      }
      case 'iterations':
        const lag = record.lag === null ? null : readEncodedBuckets(record.lag);
        overallIterations.add(record, lag);
        phaseEntry(record.phase).iterations.add(record, lag);
        break;
      case 'error-sample': {
        const key = `${record.step}\u0000${record.outcome}\u0000${record.message}`;
        const seen = errorMessages.get(key);
        if (seen !== undefined) seen.count += record.count;
        else errorMessages.set(key, { step: record.step, outcome: record.outcome, message: record.message, count: record.count });
        break;
      }
      case 'phase': {
        const entry = phaseEntry(record.phase);
        if (record.event === 'start') {
          entry.startS = record.t;
          firstPhaseStartS ??= record.t;
        } else entry.endS = record.t;
        break;
      }
      case 'generator':
        generator.maxRssBytes = Math.max(generator.maxRssBytes, record.rssBytes);
        generator.maxEventLoopDelayMs = Math.max(generator.maxEventLoopDelayMs, record.eventLoopDelayMaxMs);
        generator.cpuSeconds += record.cpuUs / 1e6;
        break;
      case 'host':
        // A merged stream has one host record per worker per second: a second counts once, however many workers were saturated in it.
        if (record.saturated !== undefined && !saturatedAt.has(Math.round(record.t * 1000))) {
          saturatedAt.add(Math.round(record.t * 1000));
          generator.saturatedSeconds += record.dur;
          generator.saturatedReason ??= record.saturated;
        }
        break;
      case 'resource':
        resources.push(record);
        break;
      case 'fault':
        faults.push(withoutType(record));
        break;
      case 'outage':
        outages.push(withoutType(record));
        break;
      case 'event':
        if (record.source?.startsWith('collector') === true && record.level !== 'info') collectorErrors.push(`${record.source}: ${record.message}`);
        break;
      case 'search-level':
      case 'search-result':
        searches.add(record);
        break;
      case 'end':
        status = record.status;
        break;
      default:
        break;
    }
  }

  const lastPhaseEnd = Math.max(0, ...[...phases.values()].map((p) => p.endS ?? 0));
  const loadEndS = loadEnd(lastPhaseEnd, lastStepInterval);
  const durationS = round(Math.max(0, loadEndS - (firstPhaseStartS ?? 0)));
  const finalStatus = status ?? 'interrupted';
  const overallIterationSummary = overallIterations.summarise();

  return {
    scenario: header.scenario.name,
    mode: header.mode,
    target: header.scenario.target,
    startedAt: new Date(header.startEpochMs).toISOString(),
    status: finalStatus,
    partial: finalStatus !== 'completed' || results.tornTail,
    durationS,
    overall: { ...overall.summarise(durationS), dropped: overallIterationSummary.dropped, iterations: overallIterationSummary },
    steps: Object.fromEntries([...steps].map(([name, acc]) => [name, acc.summarise(durationS)])),
    phases: [...phases].map(([name, entry]) => {
      const plan = header.phases.find((p) => p.name === name);
      const phaseDurationS = entry.startS !== undefined ? loadEnd(entry.endS ?? 0, entry.lastStepInterval) - entry.startS : (plan?.durationS ?? 0);
      const iterations = entry.iterations.summarise();
      return {
        name,
        executor: plan?.executor ?? 'unknown',
        durationS: round(phaseDurationS),
        ...entry.traffic.summarise(phaseDurationS),
        dropped: iterations.dropped,
        iterations,
      };
    }),
    topErrors: [...errorMessages.values()].sort((a, b) => b.count - a.count).slice(0, 10),
    generator: { ...generator, cpuSeconds: round(generator.cpuSeconds), saturatedSeconds: round(generator.saturatedSeconds) },
    targets: summariseResources(resources),
    faults,
    outages,
    collectorErrors,
    ...searches.summary(),
  };
}

function withoutType<T extends FaultRecord | OutageRecord>(record: T): Omit<T, 'type'> {
  const { type: _type, ...rest } = record;
  return rest;
}

interface Interval {
  t: number;
  dur: number;
}

function later(current: Interval | undefined, record: Interval): Interval {
  return current === undefined || record.t > current.t ? { t: record.t, dur: record.dur } : current;
}

/**
 * Throughput is requests over the time they took: until the schedule ended, or later when
 * requests still completed after it (a queue draining). Completions are known to the interval, so
 * the end moves only for intervals that began after the schedule ended; otherwise dividing by a
 * whole last interval would understate the rate of every run.
 */
function loadEnd(scheduleEndS: number, lastStepInterval: Interval | undefined): number {
  if (lastStepInterval === undefined) return scheduleEndS;
  if (scheduleEndS === 0) return lastStepInterval.t + lastStepInterval.dur;
  return lastStepInterval.t >= scheduleEndS ? lastStepInterval.t + lastStepInterval.dur : scheduleEndS;
}

export type { IterationSummary, LatencySummary, PhaseSummary, RunSummary, TrafficSummary } from './summary-types.js';
