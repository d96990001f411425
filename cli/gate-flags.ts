import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { parseRegressionLimits, DEFAULT_MAX_REGRESSION } from '../reports/gates/regression-limits.js';
import type { GateOptions } from '../reports/gates/judge-run.js';
import { parseSummaryDocument, SummaryFileError } from '../reports/outputs/summary-document.js';
import { parseThreshold, ThresholdSyntaxError } from '../scenarios/language/threshold-expression.js';
import { CliExit, EXIT } from './exit-codes.js';

// The gate and output options `run`, `report` and `gate` share, so the three commands judge and
// write alike.

export interface GateFlags {
  threshold?: string[];
  scenarioThresholds?: boolean;
  baseline?: string;
  maxRegression?: string;
}

export interface OutputFlags {
  summaryJson?: string;
  junit?: string;
  markdown?: string;
}

export function addGateOptions(command: Command): Command {
  return command
    .option('--threshold <expression>', 'a gate to judge besides the scenario\'s, e.g. "p99<250ms", "p99[30s]<300ms", "target:kv.cpu.p95<0.8" (repeatable)', collectThreshold, [])
    .option('--baseline <summary.json>', 'compare with an earlier run\'s summary JSON (--summary-json) and fail on regressions')
    .option('--max-regression <limits>', `how far each figure may move from the baseline, e.g. "p99:+10%,rps:-5%,errors:+0.5pp" (default with --baseline: "${DEFAULT_MAX_REGRESSION}")`);
}

export function addOutputOptions(command: Command): Command {
  return command
    .option('--summary-json <file>', 'write the summary with every gate verdict as JSON (schema: loadtest schema --summary)')
    .option('--junit <file>', 'write JUnit XML: one test case per gate, for CI test reports')
    .option('--markdown <file>', 'write a Markdown summary, e.g. for a CI job summary');
}

/** Only the output flags that were given, so an absent one is absent, not undefined. */
export function pickOutputs(flags: OutputFlags): OutputFlags {
  const outputs: OutputFlags = {};
  if (flags.summaryJson !== undefined) outputs.summaryJson = flags.summaryJson;
  if (flags.junit !== undefined) outputs.junit = flags.junit;
  if (flags.markdown !== undefined) outputs.markdown = flags.markdown;
  return outputs;
}

/** Threshold flags are checked as they are read, so a typo stops the command before any load. */
function collectThreshold(value: string, previous: string[]): string[] {
  try {
    parseThreshold(value);
  } catch (error) {
    if (error instanceof ThresholdSyntaxError) throw new InvalidArgumentError(`${error.message}\n${error.pointer()}`);
    throw error;
  }
  return [...previous, value];
}

/** Reads the baseline and limits; any problem is bad input (exit 2), reported before a run starts. */
export function gateOptions(flags: GateFlags): GateOptions {
  const options: GateOptions = { thresholds: flags.threshold ?? [] };
  if (flags.scenarioThresholds === false) options.scenarioThresholds = false;
  if (flags.maxRegression !== undefined && flags.baseline === undefined) {
    throw new CliExit(EXIT.badInput, 'loadtest: --max-regression needs --baseline <summary.json> to compare with');
  }
  if (flags.baseline === undefined) return options;
  let limits;
  try {
    limits = parseRegressionLimits(flags.maxRegression ?? DEFAULT_MAX_REGRESSION);
  } catch (error) {
    if (error instanceof ThresholdSyntaxError) throw new CliExit(EXIT.badInput, `loadtest: --max-regression: ${error.reason} (column ${error.column})\n${error.pointer()}`);
    throw error;
  }
  let text: string;
  try {
    text = readFileSync(flags.baseline, 'utf8');
  } catch (error) {
    throw new CliExit(EXIT.badInput, `loadtest: cannot read the baseline ${flags.baseline}: ${(error as Error).message}`);
  }
  try {
    options.baseline = { summary: parseSummaryDocument(text, flags.baseline), limits };
  } catch (error) {
    if (error instanceof SummaryFileError) throw new CliExit(EXIT.badInput, `loadtest: baseline ${error.message}`);
    throw error;
  }
  return options;
}
