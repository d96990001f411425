import { join } from 'node:path';
import type { GateOptions } from '../reports/gates/judge-run.js';
import { EXIT } from './exit-codes.js';
import { finishRun, type FinishOptions } from './finish-run.js';
import type { OutputFlags } from './gate-flags.js';
import type { ProgressDisplay } from './progress.js';
import type { TerminalCaps } from './terminal.js';

/** What `run` and `bench` both hand back: a run in progress that can be stopped. */
export interface RunningLoad {
  stop(): void;
  /** Stop at once, closing the stream synchronously; absent where stop() already does that. */
  abortNow?(): void;
  readonly done: Promise<{ status: 'completed' | 'interrupted' | 'failed'; resultsFile: string; message?: string }>;
}

export interface AwaitRunOptions {
  label: 'run' | 'bench';
  outDir: string;
  progress: ProgressDisplay;
  caps: TerminalCaps;
  stopMessage: string;
  gates: GateOptions;
  outputs: OutputFlags & { html?: string };
  quiet?: boolean;
  capacity?: FinishOptions['capacity'];
}

/**
 * Waits for a load to end while honouring Ctrl-C (first: stop and drain; second: quit now, the
 * stream being valid up to its last full second), then prints the summary and sets the exit code.
 */
export async function awaitRun(load: RunningLoad, options: AwaitRunOptions): Promise<FinishedRun> {
  const { progress } = options;
  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts++;
    if (interrupts === 1) {
      progress.message(`${options.stopMessage} (Ctrl-C again to quit now)`);
      load.stop();
    } else {
      load.abortNow?.();
      progress.message(`aborted; results so far are in ${join(options.outDir, 'results.ndjson')}`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  const result = await load.done;
  process.off('SIGINT', onInterrupt);
  process.off('SIGTERM', onInterrupt);
  progress.finish();

  if (result.status === 'failed') process.stderr.write(`${options.label} failed: ${result.message ?? 'unknown error'}\n`);
  const finished = finishRun({
    resultsFile: result.resultsFile,
    gates: options.gates,
    outputs: options.outputs,
    quiet: options.quiet,
    caps: options.caps,
    ...(options.capacity === undefined ? {} : { capacity: options.capacity }),
  });
  if (!options.quiet) process.stderr.write(`results: ${result.resultsFile}${options.outputs.html === undefined ? '' : `\nreport:  ${options.outputs.html}`}\n`);
  // A run that failed outright is exit 3 whatever its partial figures say (see runVerdict).
  const exitCode = result.status === 'failed' ? EXIT.runFailed : finished.exitCode;
  process.exitCode = exitCode;
  return { ...finished, exitCode, status: result.status };
}

/** A run as it ended: its judged stream, its exit code, and whether it ran to its end. */
export type FinishedRun = ReturnType<typeof finishRun> & { status: 'completed' | 'interrupted' | 'failed' };

/** results/<name>-<UTC time>: one folder per run, so runs never overwrite each other by default. */
export function defaultOutDir(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'run';
  const time = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return join('results', `${slug}-${time}`);
}
