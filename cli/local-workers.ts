import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GateOptions } from '../reports/gates/judge-run.js';
import { RESULTS_FILE_NAME } from '../scenarios/results/results-format.js';
import { CliExit, EXIT } from './exit-codes.js';
import { finishRun } from './finish-run.js';
import type { OutputFlags } from './gate-flags.js';
import { mergeStreamFiles } from './merge.js';
import type { ProgressDisplay } from './progress.js';
import type { TerminalCaps } from './terminal.js';
import { WorkersProgress } from './workers-progress.js';

// `loadtest run --workers N`: one generator is one Node process, one core. N workers are N
// processes on this machine, each running its segment i/N of the scenario from the same start
// time (a few seconds ahead, so all are up), each writing its own stream; one progress line adds
// their seconds as they land, and at the end the streams are merged exactly into the run's stream,
// which is then reported and judged like any run's: thresholds hold for the whole load, not per worker.

const CLI = fileURLToPath(new URL('./main.js', import.meta.url));
/** Time for N processes to start and load the scenario before the common start. */
const START_LEAD_MS = 3000;
const POLL_MS = 1000;

export interface WorkersOptions {
  workers: number;
  scenarioFile: string;
  /** `--target`, passed on to every worker. */
  target: string | undefined;
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
  mkdirSync(options.outDir, { recursive: true });
  const startAt = Date.now() + START_LEAD_MS;
  const dirs = Array.from({ length: n }, (_, i) => join(options.outDir, `worker-${i}`));
  if (!options.quiet) options.progress.message(`${n} workers, each a process with its share i/${n} of the load, starting together at ${new Date(startAt).toISOString()}`);
  const children = dirs.map((dir, i) =>
    spawn(process.execPath, [CLI, 'run', options.scenarioFile, '--segment', `${i}/${n}`, '--start-at', String(startAt), '--out', dir, '--quiet', ...(options.target === undefined ? [] : ['--target', options.target])], {
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  children.forEach((child, i) => relayStderr(child, `worker ${i}`, options.progress));
  const codes = await waitForWorkers(children, dirs, options);

  const resultsFile = join(options.outDir, RESULTS_FILE_NAME);
  const files = dirs.map((dir) => join(dir, RESULTS_FILE_NAME));
  try {
    mergeStreamFiles(files, resultsFile, { allowPartial: false });
  } catch (error) {
    throw new CliExit(EXIT.runFailed, `loadtest run --workers: the workers' streams could not be merged (exit codes ${codes.join(', ')}): ${(error as Error).message}`);
  }
  const finished = finishRun({ resultsFile, gates: options.gates, outputs: options.outputs, quiet: options.quiet, caps: options.caps });
  if (!options.quiet) process.stderr.write(`results: ${resultsFile} (merged from ${n} workers in ${options.outDir}/worker-*)${options.outputs.html === undefined ? '' : `\nreport:  ${options.outputs.html}`}\n`);
  // A worker that did not complete left an unfinished end in its stream, so the merged run is
  // incomplete and exits 3 like any run that did not complete.
  process.exitCode = finished.exitCode;
}

/** Shows the merged progress each second until every worker has exited; Ctrl-C reaches them through the process group. */
function waitForWorkers(children: ChildProcess[], dirs: string[], options: WorkersOptions): Promise<number[]> {
  const tail = new WorkersProgress(dirs.map((dir) => join(dir, RESULTS_FILE_NAME)));
  const timer = options.quiet
    ? undefined
    : setInterval(() => {
        const snapshot = tail.poll();
        if (snapshot !== undefined) options.progress.update(snapshot);
      }, POLL_MS);
  // The first Ctrl-C stops the workers (they drain and write their streams); this process waits for
  // them and merges what they wrote. A SIGTERM sent to this process alone is passed on by PID.
  const onInterrupt = (): void => options.progress.message('stopping the workers: they finish in-flight iterations and write their streams');
  const onTerminate = (): void => children.forEach((child) => child.exitCode === null && child.kill('SIGTERM'));
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  return Promise.all(children.map((child) => new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : EXIT.runFailed)))))).finally(() => {
    if (timer !== undefined) clearInterval(timer);
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onTerminate);
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
