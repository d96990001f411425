import { Command } from 'commander';
import { renderGateTable } from '../reports/render-terminal.js';
import { readResults } from '../scenarios/results/results-reader.js';
import { EXIT } from './exit-codes.js';
import { exitCodeFor } from './finish-run.js';
import { addGateOptions, addOutputOptions, gateOptions } from './gate-flags.js';
import type { GateFlags, OutputFlags } from './gate-flags.js';
import { judgeResults, writeOutputs } from './judge-and-write.js';
import { terminalCaps } from './terminal.js';

interface GateCommandFlags extends GateFlags, OutputFlags {
  html?: string;
}

export function gateCommand(): Command {
  const command = new Command('gate')
    .description('judge the gates of an existing results stream without re-running it: exit 0 pass, 1 a gate failed, 3 the run did not complete')
    .argument('<results>', 'results.ndjson written by run')
    .option('--no-scenario-thresholds', 'judge only the --threshold and --baseline gates given here, not the ones the run was started with')
    .option('--html <file>', 'also write the HTML report');
  addGateOptions(command);
  addOutputOptions(command);
  return command.action((file: string, flags: GateCommandFlags) => {
    const gates = gateOptions(flags);
    const judged = judgeResults(readResults(file), gates);
    const color = terminalCaps(process.stdout).color;
    const { summary } = judged;
    process.stdout.write(`${summary.scenario}: ${summary.status}${summary.partial ? ' (partial)' : ''}, ${summary.durationS.toFixed(1)} s, ${summary.overall.requests} requests\n`);
    if (judged.gates.length === 0) process.stdout.write('no gates: the stream has no thresholds and none were given (--threshold, --baseline)\n');
    const table = renderGateTable(judged.gates, { color }, judged.verdict);
    if (table.length > 0) process.stdout.write(table.slice(1).join('\n') + '\n');
    writeOutputs(judged, flags);
    process.exitCode = judged.gates.length === 0 && judged.verdict === 'pass' ? EXIT.ok : exitCodeFor(judged);
  });
}
