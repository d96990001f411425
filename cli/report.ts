import { Command } from 'commander';
import { renderTerminalSummary } from '../reports/render-terminal.js';
import { summaryDocument } from '../reports/outputs/summary-document.js';
import { readResults } from '../scenarios/results/results-reader.js';
import { addGateOptions, addOutputOptions, gateOptions } from './gate-flags.js';
import type { GateFlags, OutputFlags } from './gate-flags.js';
import { judgeResults, writeOutputs } from './judge-and-write.js';
import { terminalCaps } from './terminal.js';

interface ReportFlags extends GateFlags, OutputFlags {
  html?: string;
  json?: boolean;
}

export function reportCommand(): Command {
  const command = new Command('report')
    .description('summarise a results stream and write the HTML report and machine outputs (exit 0 whatever the gates say: use `gate` to act on them)')
    .argument('<results>', 'results.ndjson written by run or bench')
    .option('--html <file>', 'write the HTML report: one self-contained file that opens offline')
    .option('--json', 'print the summary document as JSON instead of text');
  addGateOptions(command);
  addOutputOptions(command);
  return command.action((file: string, flags: ReportFlags) => {
    const gates = gateOptions(flags);
    const judged = judgeResults(readResults(file), gates);
    if (flags.json) process.stdout.write(JSON.stringify(summaryDocument(judged.summary, judged.gates), null, 2) + '\n');
    else process.stdout.write(renderTerminalSummary(judged.summary, judged.gates, { color: terminalCaps(process.stdout).color }));
    writeOutputs(judged, flags);
    if (flags.html !== undefined) process.stderr.write(`report: ${flags.html}\n`);
    if (judged.results.tornTail) process.stderr.write(`note: the last line of ${file} was cut off (the run died mid-write) and was ignored\n`);
  });
}
