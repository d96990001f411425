// A `loadtest bench` run: the max-throughput client wired to the same recorder and results stream
// as a scenario run, so `loadtest report` and every summary read it the same way. One phase, named
// "bench", with executor "max-throughput".

import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import { Recorder, recordRunFailure, type IntervalSnapshot } from '../results/recorder.js';
import { RESULTS_FILE_NAME, RESULTS_FORMAT, RESULTS_VERSION, type HeaderRecord } from '../results/results-format.js';
import { ResultsWriter } from '../results/results-writer.js';
import { RunClock } from '../results/run-clock.js';
import { runEnding } from '../results/run-ending.js';
import type { RunResult } from '../results/run-ending.js';
import { TOOL_NAME, TOOL_VERSION } from '../tool-version.js';
import { runMaxThroughput, type MaxThroughputResult } from './client.js';
import { resolveOptions, type MaxThroughputOptions } from './options.js';
import { redactSecrets } from '../results/redact-secrets.js';

export const BENCH_PHASE = 'bench';
export const BENCH_EXECUTOR = 'max-throughput';

export interface BenchRunOptions {
  /** Directory the results stream is written to. */
  outDir: string;
  onInterval?: (snapshot: IntervalSnapshot) => void;
  /** Interval length; tests may shorten it. */
  intervalMs?: number;
}

export interface BenchHandle {
  /** Stop now: in-flight requests end as interrupted and the stream is closed. */
  stop(): void;
  readonly done: Promise<RunResult & { client?: MaxThroughputResult }>;
}

/**
 * Starts a bench run. Throws MaxThroughputOptionError for bad options before anything is written;
 * after that never throws: a broken run still ends with a valid, closed stream.
 */
export function startBench(client: Omit<MaxThroughputOptions, 'signal' | 'phase' | 'stepName'>, options: BenchRunOptions): BenchHandle {
  const resolved = resolveOptions(client);
  const abort = new AbortController();
  const clock = new RunClock();
  const resultsFile = join(options.outDir, RESULTS_FILE_NAME);
  const header: HeaderRecord = {
    type: 'header',
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    startEpochMs: clock.startEpochMs,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    mode: 'bench',
    scenario: { name: redactSecrets(`${resolved.method} ${resolved.url.pathname}${resolved.url.search}`), file: '', target: redactSecrets(resolved.url.href), thresholds: [] },
    phases: [
      {
        name: BENCH_PHASE,
        executor: BENCH_EXECUTOR,
        startS: 0,
        durationS: resolved.durationMs / 1000,
        params: {
          connections: resolved.connections,
          pipelining: resolved.pipelining,
          timeoutMs: resolved.timeoutMs,
          ...(Number.isFinite(resolved.maxRequests) ? { maxRequests: resolved.maxRequests } : {}),
        },
      },
    ],
    histogram: { unit: 'us', significantDigits: 3 },
    generator: { hostname: hostname(), cpus: availableParallelism(), node: process.version, pid: process.pid },
  };
  const writer = new ResultsWriter(resultsFile, header);
  const recorder = new Recorder({
    clock,
    writer,
    phaseNames: [BENCH_PHASE],
    intervalMs: options.intervalMs,
    onInterval: options.onInterval,
  });

  const finish = runEnding(recorder, writer);

  const run = async (): Promise<RunResult & { client?: MaxThroughputResult }> => {
    recorder.start();
    recorder.phaseStarted(0);
    recorder.setVus(0, resolved.connections * resolved.pipelining);
    const result = await runMaxThroughput({ ...client, phase: 0, signal: abort.signal }, recorder);
    recorder.setVus(0, 0);
    recorder.phaseEnded(0);
    return { ...finish(result.stoppedBy === 'signal' ? 'interrupted' : 'completed'), client: result };
  };

  const done = run().catch((error: unknown) => {
    abort.abort();
    const message = recordRunFailure(recorder, error);
    return finish('failed', message);
  });

  return {
    stop(): void {
      if (!abort.signal.aborted) {
        recorder.event('info', 'stop requested: in-flight requests are interrupted');
        abort.abort();
      }
    },
    done,
  };
}
