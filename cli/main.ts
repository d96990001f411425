#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { SummaryFileError } from '../reports/outputs/summary-document.js';
import { ResultsFileError } from '../scenarios/results/results-reader.js';
import { ScenarioError } from '../scenarios/language/scenario-error.js';
import { TOOL_VERSION } from '../scenarios/tool-version.js';
import { benchCommand } from './bench.js';
import { clusterCommand } from './cluster.js';
import { demoCommand } from './demo.js';
import { gateCommand } from './gate.js';
import { CliExit, EXIT } from './exit-codes.js';
import { initCommand } from './init.js';
import { mergeCommand } from './merge.js';
import { k8sCommand } from './k8s.js';
import { recommendCommand } from './recommend.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { schemaCommand } from './schema.js';
import { validateCommand } from './validate.js';
import { verifyCommand } from './verify.js';

const program = new Command('loadtest')
  .description('load testing and capacity planning: scripted flows, honest latency, results you can gate on')
  .version(TOOL_VERSION)
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

for (const command of [runCommand(), benchCommand(), reportCommand(), gateCommand(), mergeCommand(), recommendCommand(), verifyCommand(), validateCommand(), initCommand(), schemaCommand(), clusterCommand(), k8sCommand(), demoCommand()]) {
  program.addCommand(command.exitOverride());
}

// Output piped into `head` and the like: a closed pipe ends the program quietly, as for any CLI.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // help and version end "with an error" in commander's terms but are successes for the user
    return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
  if (error instanceof ScenarioError || error instanceof ResultsFileError || error instanceof SummaryFileError) {
    process.stderr.write(error.message + '\n');
    return EXIT.badInput;
  }
  if (isPathError(error)) {
    // A results folder or summary file that cannot be written is a usage problem, not a crash.
    process.stderr.write(`loadtest: cannot use ${error.path}: ${error.code} (${error.syscall})\n`);
    return EXIT.badInput;
  }
  if (error instanceof CliExit) {
    process.stderr.write(error.message + '\n');
    return error.code;
  }
  process.stderr.write(`loadtest: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.runFailed;
}

function isPathError(error: unknown): error is NodeJS.ErrnoException & { path: string; code: string } {
  const e = error as NodeJS.ErrnoException | null;
  return typeof e?.code === 'string' && typeof e.path === 'string' && /^E[A-Z]+$/.test(e.code);
}
