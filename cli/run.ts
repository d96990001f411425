import { join } from 'node:path';
import { Command } from 'commander';
import { AbortWatch } from '../reports/gates/abort-watch.js';
import { loadScenario } from '../scenarios/language/load-scenario.js';
import { warmUpHttpStack } from '../scenarios/http/warm-up.js';
import { startRun } from '../scenarios/run-scenario.js';
import { awaitRun, defaultOutDir } from './await-run.js';
import { addGateOptions, addOutputOptions, gateOptions } from './gate-flags.js';
import type { GateFlags, OutputFlags } from './gate-flags.js';
import { ProgressDisplay } from './progress.js';
import { terminalCaps } from './terminal.js';

interface RunFlags extends GateFlags, OutputFlags {
  out?: string;
  target?: string;
  report?: string | boolean;
  quiet?: boolean;
}

export function runCommand(): Command {
  const command = new Command('run')
    .description('run a scenario file, write its results stream, judge its gates (exit 1 when one fails)')
    .argument('<scenario>', 'scenario file (.yaml, .yml, .json, .js, .mjs, .ts)')
    .option('-o, --out <dir>', 'directory for results.ndjson (default: results/<scenario>-<time>)')
    .option('-t, --target <url>', 'base URL overriding the scenario target')
    .option('--report [file]', 'write the HTML report (default file: <out>/report.html)');
  addGateOptions(command);
  addOutputOptions(command);
  return command.option('-q, --quiet', 'no progress and no summary on the terminal').action(async (file: string, flags: RunFlags) => {
    // Gate options are read first: a bad baseline must stop the command before any load is sent.
    const gates = gateOptions(flags);
    const scenario = await loadScenario(file, flags.target === undefined ? {} : { target: flags.target });
    scenario.thresholds = [...new Set([...scenario.thresholds, ...(flags.threshold ?? [])])];
    const outDir = flags.out ?? defaultOutDir(scenario.name);
    const html = flags.report === undefined || flags.report === false ? undefined : flags.report === true ? join(outDir, 'report.html') : flags.report;
    // Before the clock starts: the first second of load must not pay for V8 optimising the
    // request path (see warm-up.ts).
    await warmUpHttpStack();
    const caps = terminalCaps();
    const progress = new ProgressDisplay(caps);
    const handle = startRun(scenario, {
      outDir,
      watchRecords: (header) => {
        const watch = new AbortWatch(scenario.abortOnFail, header.flows ?? []);
        return watch.empty ? undefined : (records) => watch.feed(records);
      },
      onInterval: flags.quiet ? undefined : (snapshot) => progress.update(snapshot),
      // Warnings (limits that cannot be enforced here) are shown even with --quiet.
      onNote: (level, message) => {
        if (level === 'warning') progress.message(`warning: ${message}`);
        else if (!flags.quiet) progress.message(message);
      },
    });

    await awaitRun(handle, {
      label: 'run',
      outDir,
      progress,
      caps,
      stopMessage: 'stopping: no new iterations, letting in-flight ones finish',
      // The command line's thresholds are in the stream's header with the scenario's.
      gates: { ...gates, thresholds: [] },
      outputs: { ...pick(flags), ...(html === undefined ? {} : { html }) },
      quiet: flags.quiet,
    });
  });
}

function pick(flags: OutputFlags): OutputFlags {
  const outputs: OutputFlags = {};
  if (flags.summaryJson !== undefined) outputs.summaryJson = flags.summaryJson;
  if (flags.junit !== undefined) outputs.junit = flags.junit;
  if (flags.markdown !== undefined) outputs.markdown = flags.markdown;
  return outputs;
}
