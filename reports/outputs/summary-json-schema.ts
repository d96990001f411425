import type { FailingWindow, GateVerdict } from '../gates/gate-types.js';
import type { ReplicaResourceSummary, ResourceStats, TargetResourceSummary } from '../resource-summary.js';
import type { CapacitySearchSummary, IterationSummary, LatencySummary, PhaseSummary, RunSummary, TrafficSummary } from '../summary-types.js';
import type { DropReason, Outcome } from '../../scenarios/outcome.js';
import { SUMMARY_SCHEMA, SUMMARY_SCHEMA_VERSION, type SummaryDocument } from './summary-document.js';

// The JSON Schema of the summary JSON. Its descriptions are the documentation of every key, so a
// reader of the schema alone knows what each value is, its unit and when it is null. Objects with
// fixed keys are closed (additionalProperties: false) and built from the TypeScript types' key
// lists, so a key added to the summary without a description here fails to compile or to validate.
// Shared shapes (latency, traffic) are inlined rather than $ref'd so each use carries its own words.

export interface JsonSchema {
  [keyword: string]: unknown;
}

type OptionalKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];
/** One schema per key of T: tsc names any key of the type the schema forgets. */
type PropertiesOf<T> = { [K in keyof Required<T>]: JsonSchema };

function object<T>(description: string, properties: PropertiesOf<T>, optional: ReadonlyArray<OptionalKeys<T>> = []): JsonSchema {
  const names = Object.keys(properties);
  return {
    description,
    type: 'object',
    additionalProperties: false,
    required: names.filter((name) => !(optional as readonly string[]).includes(name)),
    properties,
  };
}

/** An object keyed by names the run chose (steps, targets, replicas). */
function map(description: string, values: JsonSchema): JsonSchema {
  return { description, type: 'object', additionalProperties: values };
}

const text = (description: string): JsonSchema => ({ description, type: 'string' });
const count = (description: string): JsonSchema => ({ description, type: 'integer', minimum: 0 });
const nonNegative = (description: string): JsonSchema => ({ description, type: 'number', minimum: 0 });
const ratio = (description: string): JsonSchema => ({ description: `${description} A ratio, 0…1.`, type: 'number', minimum: 0, maximum: 1 });
const nullableNumber = (description: string): JsonSchema => ({ description, type: ['number', 'null'] });
const flag = (description: string): JsonSchema => ({ description, type: 'boolean' });
const texts = (description: string): JsonSchema => ({ description, type: 'array', items: { type: 'string' } });

function latency(description: string): JsonSchema {
  const at = (what: string) => nonNegative(`${what}, ms. 0 when nothing was measured.`);
  return object<LatencySummary>(`${description} Milliseconds, from an HDR histogram (3 significant digits); every value is 0 when nothing was measured.`, {
    min: at('Smallest value'),
    mean: at('Arithmetic mean'),
    p50: at('Median (50th percentile)'),
    p90: at('90th percentile'),
    p95: at('95th percentile'),
    p99: at('99th percentile'),
    'p99.9': at('99.9th percentile'),
    max: at('Largest value'),
  });
}

const OUTCOME_MEANINGS: Record<Exclude<Outcome, 'ok'>, string> = {
  http_4xx: 'Responses with a 4xx status.',
  http_5xx: 'Responses with a 5xx status.',
  check_failed: 'Responses that arrived but failed a check of the scenario.',
  timeout: 'Requests that hit the request timeout.',
  connect_refused: 'Connections refused by the target.',
  reset: 'Connections reset or closed mid-request.',
  dns: 'Host names that did not resolve.',
  other: 'Any other client-side failure.',
};

const errorsByClass: JsonSchema = {
  description: 'Failed requests by outcome class; a class that did not occur is absent (so `{}` means no errors).',
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(Object.entries(OUTCOME_MEANINGS).map(([outcome, meaning]) => [outcome, count(`${meaning} Count.`)])),
};

function trafficProperties(scope: string): PropertiesOf<TrafficSummary> {
  return {
    requests: count(`Requests completed ${scope}, whatever their outcome.`),
    rps: nonNegative(`Requests completed per second ${scope}: requests over the time the load ran (extended while a queue still drained after the schedule). Per second.`),
    errors: count(`Requests ${scope} whose outcome was not ok.`),
    errorRate: ratio(`errors / requests ${scope}; 0 when there were no requests.`),
    errorsByClass,
    bytesIn: count(`Response bytes received ${scope}. Bytes.`),
    bytesOut: count(`Request bytes sent ${scope}. Bytes.`),
    latency: latency(`Latency ${scope} from when each request was due (its iteration's intended start in the open model): what a user of the system waited, queueing included.`),
    serviceTime: latency(`Service time ${scope} from when each request was written to the socket: the target's own time, without queueing in the generator.`),
  };
}

const DROP_MEANINGS: Record<DropReason, string> = {
  max_in_flight: 'Iterations that were due but did not start because the in-flight bound (maxInFlight) was reached. Count.',
  data_exhausted: 'Iterations that did not start because a data source ran out of rows. Count.',
};

function iterations(scope: string): JsonSchema {
  return object<IterationSummary>(`Iterations (one pass of a flow) ${scope}.`, {
    started: count('Iterations started.'),
    ok: count('Iterations that ended with every request ok.'),
    failed: count('Iterations that ended with a failed request or check.'),
    interrupted: count('Iterations cut off by the end of their phase or of the run.'),
    dropped: count('Iterations that were due but never started (sum of droppedByReason).'),
    droppedByReason: {
      description: 'Dropped iterations by reason; a reason that did not occur may be absent.',
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(Object.entries(DROP_MEANINGS).map(([reason, meaning]) => [reason, count(meaning)])),
    },
    startLag: latency('How late iterations started (actual − intended start) in the open model; all 0 in the closed model.'),
  });
}

const overall = object<RunSummary['overall']>('The whole run: every step of every phase.', {
  ...trafficProperties('over the whole run'),
  dropped: count('Iterations that were due but never started, over the whole run (open model; 0 in the closed model).'),
  iterations: iterations('over the whole run'),
});

const phase = object<PhaseSummary>('One phase of load, in the order the scenario declares them.', {
  name: text('Phase name from the scenario.'),
  executor: text('How the phase made load: constant-vus, ramping-vus, constant-arrival-rate, ramping-arrival-rate (or "unknown" for a phase the header did not plan).'),
  durationS: nonNegative('How long the phase ran, seconds (its planned duration when it never started).'),
  ...trafficProperties('in this phase'),
  dropped: count('Iterations due in this phase that never started.'),
  iterations: iterations('in this phase'),
});

const resourceStats = (scope: string) =>
  object<ResourceStats>(`CPU used ${scope}, in cores (1.0 = one core busy). Each is null when the source reported no CPU.`, {
    avg: nullableNumber('Time-weighted mean over the samples, cores; null without CPU samples.'),
    p95: nullableNumber('95th percentile (nearest rank) over the samples, cores; null without CPU samples.'),
    max: nullableNumber('Highest sample, cores; null without CPU samples.'),
  });

function replicaProperties(scope: string): PropertiesOf<ReplicaResourceSummary> {
  return {
    cpu: resourceStats(scope),
    throttledPct: nullableNumber(`Share of CFS periods ${scope} in which the CPU quota held the container back, percent (0…100); null when the source does not report throttling.`),
    memory: object<ReplicaResourceSummary['memory']>(`Memory working set ${scope} (what the kernel counts against a memory limit), bytes.`, {
      p95: nullableNumber('95th percentile (nearest rank) of the working set, bytes; null without memory samples.'),
      max: nullableNumber('Highest working set, bytes; null without memory samples.'),
    }),
  };
}

const target = object<TargetResourceSummary>(
  'What one target\'s replicas used over the run, from the collectors\' samples. Statistics are over (replica, interval) samples, i.e. per replica, because requests and limits are set per container.',
  {
    source: text('Where the samples were read (cgroup, process, docker, kubernetes, prometheus); several joined by ", ".'),
    replicas: count('Replicas seen in the samples.'),
    samples: count('Resource samples, over all replicas.'),
    ...replicaProperties('of one replica (over every replica\'s samples)'),
    totalCpu: object<TargetResourceSummary['totalCpu']>('CPU of the whole target: the sum over replicas per sampling tick, cores.', {
      avg: nullableNumber('Mean over ticks of the replicas\' summed CPU, cores; null without CPU samples.'),
      max: nullableNumber('Highest tick of the replicas\' summed CPU, cores; null without CPU samples.'),
    }),
    limits: object<TargetResourceSummary['limits']>('Per-replica limits as last reported by the source.', {
      cpuCores: nullableNumber('CPU limit per replica, cores; null when none is set or known.'),
      memoryBytes: nullableNumber('Memory limit per replica, bytes; null when none is set or known.'),
    }),
    oomKills: count('Times a replica was killed for exceeding its memory limit during the run.'),
    byReplica: map('The same per-replica figures for each replica, keyed by replica id.', object<ReplicaResourceSummary>('One replica over the run.', replicaProperties('of this replica'))),
  },
);

const fault = object<RunSummary['faults'][number]>(
  'A fault of the chaos drill taking effect ("start") or being undone ("end").',
  {
    t: nonNegative('When it happened, seconds on the run clock (since the run started).'),
    event: { description: '"start": the fault took effect; "end": it was undone (restart, resume, heal).', enum: ['start', 'end'] },
    action: text('What was done: kill, restart, pause, partition, cpu, delay.'),
    target: text('The target it acted on.'),
    replicas: texts('The replicas it acted on, as resolved when it fired (a role such as "leader" becomes a node id).'),
    label: text('Where it is in the scenario, e.g. "faults[2]".'),
    detail: text('What it did, in words, e.g. "SIGKILL to n2 (the leader)".'),
    error: text('Why it could not be carried out; absent when it was (the run goes on either way).'),
  },
  ['error'],
);

const outage = object<RunSummary['outages'][number]>(
  'A stretch when clients were not served, judged from the requests\' own outcomes (by due time, in 100 ms buckets where most requests failed).',
  {
    t: nonNegative('Start: when the first failing request was due, seconds on the run clock.'),
    end: nonNegative('End: when the first request that then succeeded was due, seconds on the run clock.'),
    durationS: nonNegative('end − t, seconds.'),
    failed: count('Requests due within the outage that failed.'),
    ok: count('Requests due within the outage that succeeded.'),
    afterFault: text('The last fault that started at or before the outage, e.g. "faults[0] kill kv"; absent when none had.'),
  },
  ['afterFault'],
);

const failingWindow = object<FailingWindow>('A stretch of the run where consecutive windows failed.', {
  startS: nonNegative('Start, seconds on the run clock.'),
  endS: nonNegative('End, seconds on the run clock.'),
});

const gate = object<GateVerdict>(
  'One pass/fail check of the run: a threshold from the scenario or the command line, or a regression limit against a baseline summary.',
  {
    kind: { description: '"threshold": held to a fixed limit; "regression": held to a change from a baseline summary.', enum: ['threshold', 'regression'] },
    expression: text('The gate as written, e.g. "p99[30s]<300ms" or "p99:+10%".'),
    passed: flag('Whether the gate held. A gate with nothing to judge (actual null) fails.'),
    actual: nullableNumber(
      'The measured value in the expression\'s unit (ms, ratio 0…1, per second, cores, bytes or count); for windowed gates the worst window\'s. null when there was nothing to measure (see reason).',
    ),
    actualText: text('The measured value, readable, with its unit.'),
    limitText: text('The limit it was held to, readable, e.g. "< 300 ms" or "≤ +10% of 212 ms".'),
    reason: text('Why there was nothing to judge, when actual is null ("no step named x in this run", "no data"); absent otherwise.'),
    window: object<NonNullable<GateVerdict['window']>>(
      'Sliding-window gates only: the gate was judged on every window of this length.',
      {
        seconds: nonNegative('Window length, seconds.'),
        worstStartS: nullableNumber('Where the worst window started, seconds on the run clock; null when no window could be judged.'),
        evaluated: count('Windows judged.'),
        failed: count('Windows that failed.'),
        failing: { description: 'The stretches of the run whose windows failed, merged.', type: 'array', items: failingWindow },
      },
    ),
    baseline: object<NonNullable<GateVerdict['baseline']>>('Regression gates only: the baseline summary\'s value and the change from it.', {
      value: nullableNumber('The baseline\'s value in the expression\'s unit; null when the baseline has no such figure.'),
      valueText: text('The baseline\'s value, readable.'),
      changeText: text('The change from the baseline, readable, e.g. "+12.5%".'),
    }),
    abortOnFail: flag('Whether the gate was set to stop the run as soon as it failed; absent means false.'),
    abortedAtS: nonNegative('Set on the gate that stopped the run early: when, seconds on the run clock. Such a gate counts as failed.'),
  },
  ['reason', 'window', 'baseline', 'abortOnFail', 'abortedAtS'],
);

const documentProperties: PropertiesOf<SummaryDocument> = {
  schema: { description: `Identifies the file as a loadtest run summary; always "${SUMMARY_SCHEMA}".`, const: SUMMARY_SCHEMA },
  schemaVersion: {
    description: `Major version of this layout (${SUMMARY_SCHEMA_VERSION}). Keys may be added without a bump; removing or renaming a key or changing a meaning or unit bumps it, and readers refuse a newer version.`,
    const: SUMMARY_SCHEMA_VERSION,
  },
  verdict: {
    description: '"fail" if any gate failed (including a gate that stopped the run); otherwise "error" if the run did not complete; otherwise "pass".',
    enum: ['pass', 'fail', 'error'],
  },
  scenario: text('Scenario name.'),
  mode: { description: '"scenario" for `loadtest run`, "bench" for `loadtest bench`.', enum: ['scenario', 'bench'] },
  target: text('The base URL (or target name) the load went to.'),
  startedAt: {
    description: 'Wall-clock time of the run clock\'s zero, ISO 8601 UTC. Every other time in this file ("seconds on the run clock") counts from here.',
    type: 'string',
    pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$',
  },
  status: {
    description: '"completed": the schedule ran to its end; "interrupted": stopped early (a signal, or a gate set to abort); "failed": the run itself broke.',
    enum: ['completed', 'interrupted', 'failed'],
  },
  partial: flag('True when the run did not finish its schedule (or its stream was cut off): the figures cover what was measured.'),
  durationS: nonNegative('How long load ran, seconds: from the first phase start to the last phase end (or later while requests still completed).'),
  overall,
  steps: map('Per step, keyed by step name, over all phases.', object<TrafficSummary>('One step (one request of a flow) over the whole run.', trafficProperties('for this step'))),
  phases: { description: 'Per phase, in the order the scenario declares them.', type: 'array', items: phase },
  topErrors: {
    description: 'The most frequent failure messages (up to 10), most frequent first.',
    type: 'array',
    items: object<RunSummary['topErrors'][number]>('One distinct failure message.', {
      step: text('The step whose requests failed.'),
      outcome: { description: 'The outcome class of the failures (see errorsByClass).', enum: Object.keys(OUTCOME_MEANINGS) },
      message: text('The failure message, e.g. "status 503" or a check\'s description (secrets redacted).'),
      count: count('Occurrences of this exact message.'),
    }),
  },
  generator: object<RunSummary['generator']>('The load generator\'s own health: a saturated generator makes the latency figures suspect.', {
    maxRssBytes: count('Highest resident memory of the generator process, bytes.'),
    maxEventLoopDelayMs: nonNegative('Worst event-loop delay of the generator, ms: how late it could have been sending requests.'),
    cpuSeconds: nonNegative('CPU time the generator process used, seconds.'),
    saturatedSeconds: nonNegative('Seconds during which the generator\'s machine was saturated (CPU or memory); 0 is what you want.'),
    saturatedReason: text('The first reason the machine was found saturated; absent when it never was.'),
  }, ['saturatedReason']),
  targets: map('Per target (keyed by target name), what its replicas used, from the collectors. Empty when nothing was sampled.', target),
  faults: { description: 'The chaos drill as it happened, in time order. Empty without faults.', type: 'array', items: fault },
  outages: { description: 'Stretches when clients were not served, in time order. Empty when there were none.', type: 'array', items: outage },
  collectorErrors: texts('Problems the resource collectors reported (first occurrence of each message, prefixed with the collector). Non-empty means the resource figures may have gaps.'),
  gates: { description: 'Every gate\'s verdict, in the order they were given. Empty when the run had no gates.', type: 'array', items: gate },
  capacitySearch: { description: 'Each capacity-search phase, in the order they ran. Absent when the run had none.', type: 'array', items: capacitySearch() },
};

function capacitySearch(): JsonSchema {
  const level = object<CapacitySearchSummary['levels'][number]>('One level of the search, judged over the requests due after its warm-up, wherever they completed.', {
    t: nonNegative('When the level was judged, seconds on the run clock.'),
    rate: nonNegative('The arrival rate offered, per second.'),
    stage: { description: '"climb" while going up the ladder, "refine" while bisecting between the last level that held and the first that failed.', enum: ['climb', 'refine'] },
    from: nonNegative('Start of the judged window, seconds on the run clock.'),
    to: nonNegative('End of the judged window, seconds on the run clock.'),
    requests: count('Requests due in the window that completed.'),
    errors: count('Of those, requests that failed.'),
    dropped: count('Iterations due in the window that could not start (in-flight bound).'),
    unfinished: count('Iterations due in the window still running when it was judged; counted as slower than the settle time.'),
    achievedRps: nonNegative('Iterations completed per second of the window.'),
    p50: nullableNumber('Median latency from due time, ms; null without requests.'),
    p99: nullableNumber('99th percentile latency from due time, ms; null without requests.'),
    latency: map('The SLO\'s own percentiles (ms), keyed by name ("p99").', { description: 'The percentile, ms; null when no request of the level completed.', type: ['number', 'null'] }),
    passed: flag('Whether the level met the SLO: percentiles and error ratio within it, nothing dropped, at least 95% of the offered rate completed.'),
    reason: text('Why the level failed, in words; absent when it held.'),
  }, ['reason']);
  return object<CapacitySearchSummary>('One capacity search: the highest arrival rate at which the SLO held (the knee) for the configuration under test.', {
    phase: text('The capacity-search phase.'),
    kneeRps: nullableNumber('The highest rate that met the SLO, per second; null when no level did.'),
    failedRps: nullableNumber('The lowest rate that failed, per second; null when every level held (the knee is then at least the highest rate tried).'),
    finished: flag('False when the run stopped before the search ended: the knee is then the highest level that held so far.'),
    slo: {
      description: 'The SLO each level was held to; null when the search did not finish.',
      oneOf: [
        { type: 'null' },
        object<NonNullable<CapacitySearchSummary['slo']>>('Latency limits and the error ratio.', {
          latency: {
            description: 'Latency limits, from due time.',
            type: 'array',
            items: object<NonNullable<CapacitySearchSummary['slo']>['latency'][number]>('One percentile limit.', { metric: text('The percentile, e.g. "p99".'), maxMs: nonNegative('Its limit, ms.') }),
          },
          maxErrorRate: ratio('Highest share of failed requests.'),
        }),
      ],
    },
    levels: { description: 'Every level judged, in the order they ran.', type: 'array', items: level },
  });
}

export const SUMMARY_JSON_SCHEMA: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: `loadtest run summary (${SUMMARY_SCHEMA} version ${SUMMARY_SCHEMA_VERSION})`,
  ...object<SummaryDocument>(
    'The summary of one load-test run as written by --summary-json: traffic, latency, errors, resources, faults and the gates\' verdicts. Latencies are milliseconds, rates per second, ratios 0…1, CPU in cores, memory in bytes, times "on the run clock" in seconds since startedAt.',
    documentProperties,
    ['capacitySearch'],
  ),
};
