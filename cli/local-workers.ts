import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AbortWatch } from '../reports/gates/abort-watch.js';
import type { GateOptions } from '../reports/gates/judge-run.js';
import type { AbortRule } from '../scenarios/model.js';
import { LiveMerge } from '../scenarios/results/live-merge.js';
import type { BodyRecord } from '../scenarios/results/results-format.js';
import { RESULTS_FILE_NAME } from '../scenarios/results/results-format.js';
import { CliExit, EXIT } from './exit-codes.js';
import { finishRun } from './finish-run.js';
import type { OutputFlags } from './gate-flags.js';
import type { ProgressDisplay } from './progress.js';
import type { TerminalCaps } from './terminal.js';
import { WorkersProgress } from './workers-progress.js';

// `loadtest run --workers N`: one generator is one Node process, one core. N workers are N
// processes on this machine, each running its segment i/N of the scenario from the same start
// time (a few seconds ahead, so all are up), each writing its own stream. This process merges the
// streams as they grow into the run's one stream (a second behind the slowest worker), draws the
// one progress line from it, watches abortOnFail on it — the whole load's figures, not a worker's —
// and at the end reports and judges it like any run's.

const CLI = fileURLToPath(new URL('./main.js', import.meta.url));
/** Time for N processes to start and load the scenario before the common start. */
const START_LEAD_MS = 3000;
const POLL_MS = 1000;

export interface WorkersOptions {
  workers: number;
  scenarioFile: string;
  /** `--target`, passed on to every worker. */
  target: string | undefined;
  /** Judged here, on the merged stream, as it grows; the workers watch none. */
  abortOnFail: readonly AbortRule[];
  outDir: string;
  progress: ProgressDisplay;
  caps: TerminalCaps;
  gates: GateOptions;
  outputs: OutputFlags & { html?: string };
  quiet: boolean | undefined;
}

/** Runs a scenario that can be shared (see shareProblem, checked by the caller) as N local workers. */
export async function runLocalWorkers(options: WorkersOptions): Promise<void> {
  const n = options.workers;
  const dirs = Array.from({ length: n }, (_, i) => join(options.outDir, `worker-${i}`));
  const files = dirs.map((dir) => join(dir, RESULTS_FILE_NAME));
  const resultsFile = join(options.outDir, RESULTS_FILE_NAME);
  // A previous run's streams here would be read as this run's until the workers replace them.
  for (const file of [...files, resultsFile]) rmSync(file, { force: true });
  mkdirSync(options.outDir, { recursive: true });
  const startAt = Date.now() + START_LEAD_MS;
  if (!options.quiet) options.progress.message(`${n} workers, each a process with its share i/${n} of the load, starting together at ${new Date(startAt).toISOString()}`);
  const children = dirs.map((dir, i) =>
    spawn(process.execPath, [CLI, 'run', options.scenarioFile, '--segment', `${i}/${n}`, '--start-at', String(startAt), '--out', dir, '--quiet', ...(options.target === undefined ? [] : ['--target', options.target])], {
      stdio: ['ignore', 'ignore', 'pipe'],
      // A process group of its own: a Ctrl-C reaches this process alone, which passes it on once.
      detached: true,
    }),
  );
  children.forEach((child, i) => relayStderr(child, `worker ${i}`, options.progress));

  const follower = new MergeFollower(files, resultsFile, children, options);
  const codes = await waitForWorkers(children, follower, options);
  let merged: { requests: number };
  try {
    merged = follower.finish();
  } catch (error) {
    throw new CliExit(EXIT.runFailed, `loadtest run --workers: the workers' streams could not be merged (exit codes ${codes.join(', ')}): ${(error as Error).message}`);
  }
  const finished = finishRun({ resultsFile, gates: options.gates, outputs: options.outputs, quiet: options.quiet, caps: options.caps });
  if (!options.quiet) process.stderr.write(`results: ${resultsFile} (merged from ${n} workers in ${options.outDir}/worker-*: ${merged.requests} requests)${options.outputs.html === undefined ? '' : `\nreport:  ${options.outputs.html}`}\n`);
  // A worker that did not complete left an unfinished end in its stream, so the merged run is
  // incomplete and exits 3 like any run that did not complete.
  process.exitCode = finished.exitCode;
}

/** The live merge of the workers' streams, with the progress line and abortOnFail drawn from it. */
class MergeFollower {
  readonly #merge: LiveMerge;
  readonly #progress = new WorkersProgress();
  #watch: AbortWatch | undefined;
  #abortedBy: string | undefined;
  #failure: Error | undefined;

  constructor(
    files: readonly string[],
    resultsFile: string,
    private readonly children: readonly ChildProcess[],
    private readonly options: WorkersOptions,
  ) {
    this.#merge = new LiveMerge(files, resultsFile, (records) => this.#onMerged(records));
  }

  /** Merges what the workers have written since the last poll. */
  poll(): void {
    this.#guarded(() => this.#merge.poll());
  }

  /** A worker's process ended; one that wrote no stream leaves nothing to merge, so the others are stopped. */
  workerExited(worker: number, code: number): void {
    if (this.#guarded(() => this.#merge.workerExited(worker)) !== false) return;
    this.options.progress.message(`worker ${worker} exited (${code}) without writing a results stream: stopping the other workers`);
    for (const child of this.children) if (child.exitCode === null) child.kill('SIGINT');
  }

  finish(): { requests: number } {
    if (this.#failure !== undefined) throw this.#failure;
    return this.#merge.finish(this.#abortedBy);
  }

  /** A stream that cannot be merged stops the following, not the workers: their own streams stay. */
  #guarded<T>(step: () => T): T | undefined {
    if (this.#failure !== undefined) return undefined;
    try {
      return step();
    } catch (error) {
      this.#failure = error as Error;
      this.options.progress.message(`warning: cannot merge the workers' streams as they run (${this.#failure.message}); the workers go on`);
      return undefined;
    }
  }

  #onMerged(records: readonly BodyRecord[]): void {
    const snapshot = this.#progress.add(records);
    if (snapshot !== undefined && !this.options.quiet) this.options.progress.update(snapshot);
    if (this.#abortedBy !== undefined || this.options.abortOnFail.length === 0) return;
    this.#watch ??= new AbortWatch(this.options.abortOnFail, this.#merge.header?.flows ?? []);
    const failed = this.#watch.feed(records);
    if (failed === undefined) return;
    this.#abortedBy = failed;
    this.options.progress.message(`threshold ${failed} failed on the merged load: stopping the workers (abortOnFail)`);
    for (const child of this.children) if (child.exitCode === null) child.kill('SIGINT');
  }
}

/** Merges and shows progress each second until every worker has exited. */
function waitForWorkers(children: ChildProcess[], follower: MergeFollower, options: WorkersOptions): Promise<number[]> {
  const timer = setInterval(() => follower.poll(), POLL_MS);
  // Signals to this process are passed on to each worker by PID, once: the first Ctrl-C stops the
  // load (the workers drain and write their streams, this process merges the rest of what they
  // wrote), a second stops them at once, as it does a single run; SIGTERM likewise.
  const forward = (signal: NodeJS.Signals): void => children.forEach((child) => child.exitCode === null && child.signalCode === null && child.kill(signal));
  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts++;
    options.progress.message(interrupts === 1 ? 'stopping the workers: they finish in-flight iterations and write their streams' : 'stopping the workers now');
    forward('SIGINT');
  };
  const onTerminate = (): void => forward('SIGTERM');
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  // The workers are out of the terminal's reach: a closed terminal ends them through this process.
  process.on('SIGHUP', onTerminate);
  const exited = children.map(
    (child, worker) =>
      new Promise<number>((resolve) =>
        child.on('exit', (code, signal) => {
          const status = code ?? (signal === 'SIGINT' ? 130 : EXIT.runFailed);
          follower.workerExited(worker, status);
          resolve(status);
        }),
      ),
  );
  return Promise.all(exited).finally(() => {
    clearInterval(timer);
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onTerminate);
    process.off('SIGHUP', onTerminate);
    options.progress.finish();
  });
}

function relayStderr(child: ChildProcess, label: string, progress: ProgressDisplay): void {
  let partial = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') progress.message(`${label}: ${line}`);
  });
}
