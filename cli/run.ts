import { join } from 'node:path';
import { Command } from 'commander';
import { loadScenario } from '../scenarios/language/load-scenario.js';
import { warmUpHttpStack } from '../scenarios/http/warm-up.js';
import { awaitRun, defaultOutDir } from './await-run.js';
import { capacityFiles } from './capacity-outputs.js';
import { addGateOptions, addOutputOptions, gateOptions, pickOutputs } from './gate-flags.js';
import type { GateFlags, OutputFlags } from './gate-flags.js';
import { ProgressDisplay } from './progress.js';
import { runScalingExperiment } from './scaling-experiment.js';
import { startScenario } from './start-scenario.js';
import { terminalCaps } from './terminal.js';

interface RunFlags extends GateFlags, OutputFlags {
  out?: string;
  target?: string;
  report?: string | boolean;
  quiet?: boolean;
}

export function runCommand(): Command {
  const command = new Command('run')
    .description('run a scenario file, write its results stream, judge its gates (exit 1 when one fails); with a capacity: section, also size its target')
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
    // The command line's thresholds are in the stream's header with the scenario's.
    const judging = { ...gates, thresholds: [] };
    if (scenario.capacity !== undefined && scenario.capacity.replicas.length > 0) {
      await runScalingExperiment(scenario, { outDir, progress, caps, gates: judging, outputs: pickOutputs(flags), html, quiet: flags.quiet });
      return;
    }
    await awaitRun(startScenario(scenario, outDir, progress, flags.quiet), {
      label: 'run',
      outDir,
      progress,
      caps,
      stopMessage: 'stopping: no new iterations, letting in-flight ones finish',
      gates: judging,
      outputs: { ...pickOutputs(flags), ...(html === undefined ? {} : { html }) },
      quiet: flags.quiet,
      ...(scenario.capacity === undefined ? {} : { capacity: capacityFiles(outDir) }),
    });
  });
}
