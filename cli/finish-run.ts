import { renameSync, writeFileSync } from 'node:fs';
import { evaluateThresholds } from '../reports/thresholds.js';
import type { ThresholdVerdict } from '../reports/thresholds.js';
import { renderTerminalSummary } from '../reports/render-terminal.js';
import { summarise } from '../reports/summary.js';
import type { RunSummary } from '../reports/summary-types.js';
import { readResults } from '../scenarios/results/results-reader.js';
import { EXIT } from './exit-codes.js';
import type { TerminalCaps } from './terminal.js';

export interface FinishOptions {
  resultsFile: string;
  thresholds: readonly string[];
  summaryJson?: string;
  quiet?: boolean;
  caps: TerminalCaps;
}

/**
 * What every load-producing command does at the end: read the stream back (the report is built
 * from the file, never from memory, so it is exactly what `loadtest report` would show), print the
 * summary, write the summary JSON, and choose the exit code.
 */
export function finishRun(options: FinishOptions): { summary: RunSummary; verdicts: ThresholdVerdict[]; exitCode: number } {
  const summary = summarise(readResults(options.resultsFile));
  const verdicts = evaluateThresholds(summary, options.thresholds);
  if (!options.quiet) process.stdout.write(renderTerminalSummary(summary, verdicts, { color: options.caps.color }));
  if (options.summaryJson !== undefined) writeJsonAtomically(options.summaryJson, { ...summary, thresholds: verdicts });
  const failed = verdicts.some((v) => !v.passed);
  const exitCode = summary.status !== 'completed' ? EXIT.runFailed : failed ? EXIT.thresholdFailed : EXIT.ok;
  return { summary, verdicts, exitCode };
}

/** Written beside and renamed into place, so a reader never sees half a file. */
export function writeJsonAtomically(path: string, value: unknown): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(value, null, 2) + '\n');
  renameSync(temporary, path);
}
