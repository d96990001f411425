import type { GateOptions } from '../reports/gates/judge-run.js';
import { renderTerminalSummary } from '../reports/render-terminal.js';
import { readResults } from '../scenarios/results/results-reader.js';
import { EXIT } from './exit-codes.js';
import type { OutputFlags } from './gate-flags.js';
import { judgeResults, writeOutputs } from './judge-and-write.js';
import type { Judged } from './judge-and-write.js';
import type { TerminalCaps } from './terminal.js';

export interface FinishOptions {
  resultsFile: string;
  gates: GateOptions;
  outputs: OutputFlags & { html?: string };
  quiet?: boolean;
  caps: TerminalCaps;
}

/**
 * What every load-producing command does at the end: read the stream back (the report is built
 * from the file, never from memory, so it is exactly what `loadtest report` would show), print the
 * summary and the verdict, write the outputs, and choose the exit code.
 */
export function finishRun(options: FinishOptions): Judged & { exitCode: number } {
  const judged = judgeResults(readResults(options.resultsFile), options.gates);
  if (!options.quiet) process.stdout.write(renderTerminalSummary(judged.summary, judged.gates, { color: options.caps.color }));
  writeOutputs(judged, options.outputs);
  return { ...judged, exitCode: exitCodeFor(judged) };
}

/** A failed gate is exit 1 even when it stopped the run; otherwise a run that did not complete is 3. */
export function exitCodeFor(judged: Pick<Judged, 'verdict'>): number {
  return judged.verdict === 'fail' ? EXIT.thresholdFailed : judged.verdict === 'error' ? EXIT.runFailed : EXIT.ok;
}
