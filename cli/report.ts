import { Command } from 'commander';
import { evaluateThresholds } from '../reports/thresholds.js';
import { renderTerminalSummary } from '../reports/render-terminal.js';
import { summarise } from '../reports/summary.js';
import { readResults } from '../scenarios/results/results-reader.js';
import { writeJsonAtomically } from './finish-run.js';
import { terminalCaps } from './terminal.js';

interface ReportFlags {
  summaryJson?: string;
  json?: boolean;
}

export function reportCommand(): Command {
  return new Command('report')
    .description('summarise a results stream (the same summary `run` prints)')
    .argument('<results>', 'results.ndjson written by run or bench')
    .option('--summary-json <file>', 'write the summary as JSON')
    .option('--json', 'print the summary as JSON instead of text')
    .action((file: string, flags: ReportFlags) => {
      const results = readResults(file);
      const summary = summarise(results);
      const verdicts = evaluateThresholds(summary, results.header.scenario.thresholds);
      if (flags.json) process.stdout.write(JSON.stringify({ ...summary, thresholds: verdicts }, null, 2) + '\n');
      else process.stdout.write(renderTerminalSummary(summary, verdicts, { color: terminalCaps(process.stdout).color }));
      if (flags.summaryJson !== undefined) writeJsonAtomically(flags.summaryJson, { ...summary, thresholds: verdicts });
      if (results.tornTail) process.stderr.write(`note: the last line of ${file} was cut off (the run died mid-write) and was ignored\n`);
    });
}
