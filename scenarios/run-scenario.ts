import { hostname, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compileFlows } from './flow/compile-flow.js';
import { createExecutor, phaseParams } from './executors/create-executor.js';
import type { PhaseContext } from './executors/phase-context.js';
import { FlowRunner } from './flow/flow-runner.js';
import { HttpClient } from './http/http-client.js';
import { IterationLauncher } from './executors/iteration-launcher.js';
import type { Scenario } from './model.js';
import { Recorder, recordRunFailure } from './results/recorder.js';
import type { IntervalSnapshot } from './results/recorder.js';
import { RESULTS_FILE_NAME, RESULTS_FORMAT, RESULTS_VERSION } from './results/results-format.js';
import type { HeaderRecord, PhasePlan } from './results/results-format.js';
import { ResultsWriter } from './results/results-writer.js';
import { runEnding } from './results/run-ending.js';
import type { RunResult } from './results/run-ending.js';
import { redactSecrets } from './results/redact-secrets.js';
import { RunClock } from './results/run-clock.js';
import { TOOL_NAME, TOOL_VERSION } from './tool-version.js';

export interface RunOptions {
  /** Directory the results stream is written to. */
  outDir: string;
  onInterval?: (snapshot: IntervalSnapshot) => void;
  /** After a stop request, how long in-flight iterations may still finish. */
  stopDrainMs?: number;
  random?: () => number;
  /** Interval length; tests may shorten it. */
  intervalMs?: number;
}

export type { RunResult } from './results/run-ending.js';

export interface RunHandle {
  /** Stop starting iterations, let in-flight ones finish briefly, then write everything out. */
  stop(): void;
  /** Stop now: abort in-flight requests and close the stream synchronously. */
  abortNow(): void;
  readonly done: Promise<RunResult>;
}

const DEFAULT_STOP_DRAIN_MS = 3000;

/**
 * Runs a scenario's phases in sequence and streams every measurement to `<outDir>/results.ndjson`.
 * Never throws for what the target does; a broken run still ends with a valid, closed stream.
 */
export function startRun(scenario: Scenario, options: RunOptions): RunHandle {
  const clock = new RunClock();
  const resultsFile = join(options.outDir, RESULTS_FILE_NAME);
  const writer = new ResultsWriter(resultsFile, buildHeader(scenario, clock));
  const recorder = new Recorder({
    clock,
    writer,
    phaseNames: scenario.phases.map((p) => p.name),
    intervalMs: options.intervalMs,
    onInterval: options.onInterval,
  });
  const random = options.random ?? Math.random;
  const client = new HttpClient(scenario);
  const runner = new FlowRunner(scenario, client, recorder);
  const launcher = new IterationLauncher(scenario, compileFlows(scenario), runner, recorder, random);

  let stopping = false;
  let resolveStop!: () => void;
  const stopRequested = new Promise<void>((resolve) => (resolveStop = resolve));
  const finish = runEnding(recorder, writer);

  const run = async (): Promise<RunResult> => {
    recorder.start();
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
      };
      recorder.phaseStarted(index);
      await createExecutor(phase).run(context);
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
    return finish(stopping ? 'interrupted' : 'completed');
  };

  const done = run().catch((error: unknown) => {
    launcher.abort();
    void client.destroy();
    const message = recordRunFailure(recorder, error);
    return finish('failed', message);
  });

  return {
    stop(): void {
      if (stopping) return;
      stopping = true;
      recorder.event('info', 'stop requested: no new iterations, draining in-flight ones');
      resolveStop();
    },
    abortNow(): void {
      stopping = true;
      resolveStop();
      launcher.abort();
      void client.destroy();
      finish('interrupted', 'aborted before in-flight iterations finished');
    },
    done,
  };
}

function buildHeader(scenario: Scenario, clock: RunClock): HeaderRecord {
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
  return {
    type: 'header',
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    startEpochMs: clock.startEpochMs,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    mode: 'scenario',
    scenario: { name: scenario.name, file: scenario.file, target: redactSecrets(scenario.target), thresholds: scenario.thresholds },
    phases,
    histogram: { unit: 'us', significantDigits: 3 },
    generator: { hostname: hostname(), cpus: availableParallelism(), node: process.version, pid: process.pid },
  };
}
