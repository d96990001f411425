import type { GateOptions } from '../reports/gates/judge-run.js';
import { renderTerminalSummary } from '../reports/render-terminal.js';
import { readResults } from '../scenarios/results/results-reader.js';
import { EXIT } from './exit-codes.js';
import type { OutputFlags } from './gate-flags.js';
import { judgeResults, studyFromStream, writeOutputs } from './judge-and-write.js';
import { withPlanVerdict, writeCapacityOutputs, type CapacityFiles } from './capacity-outputs.js';
import type { Judged } from './judge-and-write.js';
import type { TerminalCaps } from './terminal.js';

export interface FinishOptions {
  resultsFile: string;
  gates: GateOptions;
  outputs: OutputFlags & { html?: string };
  quiet?: boolean;
  caps: TerminalCaps;
  /** Where a run with a capacity: section writes its recommendation, sized from this stream. */
  capacity?: CapacityFiles;
}

/**
 * What every load-producing command does at the end: read the stream back (the report is built
 * from the file, never from memory, so it is exactly what `loadtest report` would show), print the
 * summary and the verdict, write the outputs, and choose the exit code.
 */
export function finishRun(options: FinishOptions): Judged & { exitCode: number } {
  const judged = judgeResults(readResults(options.resultsFile), options.gates);
  if (!options.quiet) process.stdout.write(renderTerminalSummary(judged.summary, judged.gates, { color: options.caps.color }));
  // Sized only where something uses it: the capacity files, or (drawn by writeOutputs) the report.
  const study = options.capacity === undefined ? undefined : studyFromStream(judged);
  let exitCode = exitCodeFor(judged);
  if (study && options.capacity !== undefined) {
    if (!options.quiet) process.stdout.write('\n');
    writeCapacityOutputs(study, options.capacity, !options.quiet);
    exitCode = withPlanVerdict(study, exitCode);
  }
  writeOutputs(judged, options.outputs, study);
  return { ...judged, exitCode };
}

/** A failed gate is exit 1 even when it stopped the run; otherwise a run that did not complete is 3. */
export function exitCodeFor(judged: Pick<Judged, 'verdict'>): number {
  return judged.verdict === 'fail' ? EXIT.thresholdFailed : judged.verdict === 'error' ? EXIT.runFailed : EXIT.ok;
}
