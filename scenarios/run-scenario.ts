import { hostname, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { launchEnvironment, type LaunchedEnvironment } from '../fixtures/launcher/environment.js';
import { compileFlows } from './flow/compile-flow.js';
import { createExecutor, phaseParams } from './executors/create-executor.js';
import type { PhaseContext } from './executors/phase-context.js';
import { FlowRunner } from './flow/flow-runner.js';
import { HttpClient } from './http/http-client.js';
import { ReplicaBalancer } from './http/replica-balancer.js';
import { IterationLauncher } from './executors/iteration-launcher.js';
import type { CapacityPlanSpec, Scenario } from './model.js';
import { WHOLE, type Segment } from './segment.js';
import { waitForStart } from './start-time.js';
import { DEFAULT_INTERVAL_MS, Recorder, recordRunFailure } from './results/recorder.js';
import type { IntervalSnapshot } from './results/recorder.js';
import { RESULTS_FILE_NAME, RESULTS_FORMAT, RESULTS_VERSION } from './results/results-format.js';
import type { BodyRecord, CapacityPlanRecord, HeaderRecord, PhasePlan } from './results/results-format.js';
import { ResultsWriter } from './results/results-writer.js';
import { runEnding } from './results/run-ending.js';
import type { RunResult } from './results/run-ending.js';
import { redactSecrets } from './results/redact-secrets.js';
import { RunClock } from './results/run-clock.js';
import { startObservation, type Observation } from './run-observation.js';
import { TOOL_NAME, TOOL_VERSION } from './tool-version.js';

export interface RunOptions {
  /** Directory the results stream is written to. */
  outDir: string;
  /** This worker's share of the load (`--segment i/N`); the whole by default. */
  segment?: Segment;
  /** Wall-clock time (ms since epoch) the load starts at, after the targets are up (`--start-at`): workers start together. */
  startAtEpochMs?: number;
  onInterval?: (snapshot: IntervalSnapshot) => void;
  /** Told about the targets the run starts (and what it could not give them), as it happens. */
  onNote?: (level: 'info' | 'warning', message: string) => void;
  /** After a stop request, how long in-flight iterations may still finish. */
  stopDrainMs?: number;
  random?: () => number;
  /** Interval length; tests may shorten it. */
  intervalMs?: number;
  /**
   * Given the stream's header, returns a function told every batch of records written; when it
   * returns a threshold, the run stops (abortOnFail) and the end record names it.
   */
  watchRecords?: (header: HeaderRecord) => ((records: readonly BodyRecord[]) => string | undefined) | undefined;
}

export type { RunResult } from './results/run-ending.js';

export interface RunHandle {
  /** Stop starting iterations, let in-flight ones finish briefly, then write everything out. */
  stop(): void;
  /** Stop now: abort in-flight requests, kill the targets the run started and close the stream synchronously. */
  abortNow(): void;
  readonly done: Promise<RunResult>;
}

const DEFAULT_STOP_DRAIN_MS = 3000;

/** The parts of a run that exist once its targets are up and its clock has started. */
interface Measuring {
  recorder: Recorder;
  launcher: IterationLauncher;
  client: HttpClient;
  observation: Observation;
  finish: (status: RunResult['status'], message?: string, abortedBy?: string) => RunResult;
}

/**
 * Starts the scenario's targets (if it has any), then runs its phases in sequence with its
 * collectors and fault timeline, streaming every measurement to `<outDir>/results.ndjson`, and
 * finally stops the targets. Never throws for what the target does; a broken run still ends with
 * a valid, closed stream, and with every process, cgroup and namespace it made removed.
 */
export function startRun(scenario: Scenario, options: RunOptions): RunHandle {
  const resultsFile = join(options.outDir, RESULTS_FILE_NAME);
  const segment = options.segment ?? WHOLE;
  let stopping = false;
  let resolveStop!: () => void;
  const stopRequested = new Promise<void>((resolve) => (resolveStop = resolve));
  let environment: LaunchedEnvironment | undefined;
  let measuring: Measuring | undefined;
  /** The abortOnFail threshold that stopped the run, if one did. */
  let abortedBy: string | undefined;
  const notes: Array<{ level: 'info' | 'warning'; message: string }> = [];
  const note = (level: 'info' | 'warning', message: string): void => {
    notes.push({ level, message });
    options.onNote?.(level, message);
  };

  /** A run that ends before its load begins still leaves a stream saying why: header, events, end. */
  const endBeforeLoad = async (status: 'failed' | 'interrupted', message: string): Promise<RunResult> => {
    const problems = (await environment?.teardown()) ?? [];
    const clock = new RunClock();
    const writer = new ResultsWriter(resultsFile, buildHeader(scenario, clock, undefined, segment, options.intervalMs ?? DEFAULT_INTERVAL_MS));
    const recorder = new Recorder({ clock, writer, phaseNames: [] });
    for (const n of notes) recorder.event(n.level, n.message, 'launcher');
    recorder.event(status === 'failed' ? 'error' : 'info', message, 'launcher');
    if (problems.length > 0) recorder.event('error', `cleaning up the targets: ${problems.join('; ')}`, 'launcher');
    return runEnding(recorder, writer)(status, message);
  };

  const run = async (): Promise<RunResult> => {
    const runId = `${Date.now().toString(36)}-${process.pid}`;
    try {
      if (Object.keys(scenario.environment.targets).length > 0) {
        environment = await launchEnvironment(scenario.environment.targets, { outDir: options.outDir, runId, note, stopping: () => stopping });
      }
    } catch (error) {
      return endBeforeLoad('failed', `could not start the targets: ${(error as Error).message}`);
    }
    if (stopping) return endBeforeLoad('interrupted', 'stopped while the targets were starting');
    const effective = withLaunchedTarget(scenario, environment);
    if (options.startAtEpochMs !== undefined) {
      await waitForStart(options.startAtEpochMs, note, () => stopping);
      if (stopping) return endBeforeLoad('interrupted', 'stopped while waiting for the start time');
    }
    const clock = new RunClock();
    const header = buildHeader(effective.scenario, clock, environment, segment, options.intervalMs ?? DEFAULT_INTERVAL_MS);
    const writer = new ResultsWriter(resultsFile, header);
    const watch = options.watchRecords?.(header);
    if (watch !== undefined) {
      writer.observe((records) => {
        const failed = abortedBy === undefined && !stopping ? watch(records) : undefined;
        if (failed === undefined) return;
        abortedBy = failed;
        measuring?.recorder.event('error', `threshold ${failed} failed: stopping the run (abortOnFail)`);
        handle.stop();
      });
    }
    const recorder = new Recorder({
      clock,
      writer,
      phaseNames: scenario.phases.map((p) => p.name),
      intervalMs: options.intervalMs,
      onInterval: options.onInterval,
      requestTimeoutMs: maxTimeoutMs(scenario),
    });
    for (const n of notes) recorder.event(n.level, n.message, 'launcher');
    const client = new HttpClient(effective.scenario);
    const runner = new FlowRunner(effective.scenario, client, recorder, effective.balancer);
    const launcher = new IterationLauncher(effective.scenario, compileFlows(effective.scenario), runner, recorder, options.random ?? Math.random, segment);
    recorder.start();
    const observation = startObservation(scenario, environment, recorder, clock, segment.index === 0);
    const current: Measuring = { recorder, launcher, client, observation, finish: runEnding(recorder, writer) };
    measuring = current;
    try {
      for (let index = 0; index < scenario.phases.length && !stopping; index++) {
        const phase = scenario.phases[index]!;
        const context: PhaseContext = {
          index,
          startMs: performance.now(),
          launch: (intendedMs, vu) => launcher.launch(index, intendedMs, vu),
          inFlight: () => launcher.inFlight(index),
          dropped: (reason) => recorder.iterationDropped(index, reason),
          setVus: (vus) => recorder.setVus(index, vus),
          stopping: () => stopping,
          stopRequested,
          watchRequests: (watch) => recorder.watchRequests(index, watch),
          record: (record) => recorder.append([record]),
          nowS: () => clock.nowS(),
        };
        recorder.phaseStarted(index);
        await createExecutor(phase, segment).run(context);
        recorder.phaseEnded(index);
      }
      const drainMs = stopping ? (options.stopDrainMs ?? DEFAULT_STOP_DRAIN_MS) : scenario.gracefulStopMs;
      if (!(await launcher.drain(drainMs))) {
        const left = launcher.inFlight();
        recorder.event('warning', `${left} iteration(s) still running after ${drainMs} ms were interrupted`);
        launcher.abort();
        await launcher.drain(1000);
      }
      await client.destroy();
      await observation.stop();
      await stopTargets(recorder);
      if (abortedBy !== undefined) return current.finish('interrupted', `stopped: threshold ${abortedBy} failed (abortOnFail)`, abortedBy);
      return current.finish(stopping ? 'interrupted' : 'completed');
    } catch (error) {
      launcher.abort();
      void client.destroy();
      const message = recordRunFailure(recorder, error);
      await observation.stop().catch(() => undefined);
      await stopTargets(recorder);
      return current.finish('failed', message);
    }
  };

  const stopTargets = async (recorder: Recorder): Promise<void> => {
    if (environment === undefined) return;
    const problems = await environment.teardown();
    if (problems.length > 0) recorder.event('error', `cleaning up the targets: ${problems.join('; ')}`, 'launcher');
    else recorder.event('info', 'targets stopped and removed', 'launcher');
  };

  // Whatever happens above, the targets this run started do not outlive it.
  const done = run().catch(async (error: unknown) => {
    await environment?.teardown();
    throw error;
  });

  const handle: RunHandle = {
    stop(): void {
      if (stopping) return;
      stopping = true;
      measuring?.recorder.event('info', 'stop requested: no new iterations, draining in-flight ones');
      resolveStop();
    },
    abortNow(): void {
      stopping = true;
      resolveStop();
      if (measuring !== undefined) {
        measuring.launcher.abort();
        void measuring.client.destroy();
        measuring.observation.stopNow();
      }
      environment?.teardownNow();
      measuring?.finish('interrupted', 'aborted before in-flight iterations finished', abortedBy);
    },
    done,
  };
  return handle;
}

/** With `target: <launched target>`, requests go to its replicas, spread by a balancer. */
function withLaunchedTarget(scenario: Scenario, environment: LaunchedEnvironment | undefined): { scenario: Scenario; balancer?: ReplicaBalancer } {
  if (scenario.targetRef === undefined) return { scenario };
  const target = environment?.targets.get(scenario.targetRef);
  if (target === undefined) throw new Error(`target ${scenario.targetRef} was not started`);
  const urls = target.replicas().map((r) => r.url);
  const balancer = new ReplicaBalancer(urls.map((u) => new URL(u).origin));
  return { scenario: { ...scenario, target: urls[0] as string }, balancer };
}

/** A flow's request steps in the order it runs them (loops contribute theirs once). */
function requestStepNames(steps: Scenario['flows'][number]['steps']): string[] {
  const names: string[] = [];
  for (const step of steps) {
    if (step.kind === 'request') names.push(step.name);
    else if (step.kind === 'loop') names.push(...requestStepNames(step.steps));
  }
  return [...new Set(names)];
}

/** The longest any request may take: outages are judged once every request due in a moment has ended. */
function maxTimeoutMs(scenario: Scenario): number {
  let max = scenario.defaults.timeoutMs;
  const visit = (steps: Scenario['flows'][number]['steps']): void => {
    for (const step of steps) {
      if (step.kind === 'request' && step.request.timeoutMs !== undefined) max = Math.max(max, step.request.timeoutMs);
      if (step.kind === 'loop') visit(step.steps);
    }
  };
  for (const flow of scenario.flows) visit(flow.steps);
  return max;
}

function buildHeader(scenario: Scenario, clock: RunClock, environment: LaunchedEnvironment | undefined, segment: Segment, intervalMs: number): HeaderRecord {
  let startS = 0;
  const phases: PhasePlan[] = scenario.phases.map((phase) => {
    const plan = {
      name: phase.name,
      executor: phase.executor,
      startS,
      durationS: phase.durationMs / 1000,
      params: phaseParams(phase),
    };
    startS += phase.durationMs / 1000;
    return plan;
  });
  const header: HeaderRecord = {
    type: 'header',
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    startEpochMs: clock.startEpochMs,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    mode: 'scenario',
    scenario: {
      name: scenario.name,
      file: scenario.file,
      target: redactSecrets(scenario.target || (scenario.targetRef ?? '')),
      thresholds: scenario.thresholds,
      ...(scenario.abortOnFail.length > 0 ? { abortOnFail: scenario.abortOnFail.map((rule) => rule.expression) } : {}),
      ...(scenario.targetRef === undefined ? {} : { targetRef: scenario.targetRef }),
      ...(scenario.capacity === undefined ? {} : { capacity: capacityPlanRecord(scenario.capacity) }),
    },
    flows: scenario.flows.map((flow) => ({ name: flow.name, weight: flow.weight, steps: requestStepNames(flow.steps) })),
    phases,
    histogram: { unit: 'us', significantDigits: 3 },
    intervalS: intervalMs / 1000,
    generator: { hostname: hostname(), cpus: availableParallelism(), node: process.version, pid: process.pid },
    ...(segment.count > 1 ? { segment: { index: segment.index, count: segment.count } } : {}),
  };
  const targets = Object.values(scenario.environment.targets);
  if (targets.length > 0) {
    header.targets = Object.fromEntries(
      targets.map((spec) => [
        spec.name,
        {
          kind: spec.kind,
          replicas: environment?.targets.get(spec.name)?.replicas().map((r) => r.id) ?? [],
          requests: spec.resources.requests,
          limits: spec.resources.limits,
          enforced: environment !== undefined && environment.withoutCgroups === null,
        },
      ]),
    );
  }
  return header;
}

function capacityPlanRecord(plan: CapacityPlanSpec): CapacityPlanRecord {
  const { target, peakRps, headroom, nPlusOne, cpuLimit } = plan;
  return { target, peakRps, slo: { latency: plan.slo.latency.map(({ metric, maxMs }) => ({ metric, maxMs })), maxErrorRate: plan.slo.maxErrorRate }, headroom, nPlusOne, cpuLimit };
}
