import { Command } from 'commander';
import { loadScenario } from '../scenarios/language/load-scenario.js';
import { warmUpHttpStack } from '../scenarios/http/warm-up.js';
import { startRun } from '../scenarios/run-scenario.js';
import { awaitRun, defaultOutDir } from './await-run.js';
import { ProgressDisplay } from './progress.js';
import { terminalCaps } from './terminal.js';

interface RunFlags {
  out?: string;
  target?: string;
  summaryJson?: string;
  quiet?: boolean;
}

export function runCommand(): Command {
  return new Command('run')
    .description('run a scenario file and write its results stream')
    .argument('<scenario>', 'scenario file (.yaml, .yml, .json, .js, .mjs, .ts)')
    .option('-o, --out <dir>', 'directory for results.ndjson (default: results/<scenario>-<time>)')
    .option('-t, --target <url>', 'base URL overriding the scenario target')
    .option('--summary-json <file>', 'write the run summary as JSON')
    .option('-q, --quiet', 'no progress and no summary on the terminal')
    .action(async (file: string, flags: RunFlags) => {
      const scenario = await loadScenario(file, flags.target === undefined ? {} : { target: flags.target });
      const outDir = flags.out ?? defaultOutDir(scenario.name);
      // Before the clock starts: the first second of load must not pay for V8 optimising the
      // request path (see warm-up.ts).
      await warmUpHttpStack();
      const caps = terminalCaps();
      const progress = new ProgressDisplay(caps);
      const handle = startRun(scenario, {
        outDir,
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
        thresholds: scenario.thresholds,
        summaryJson: flags.summaryJson,
        quiet: flags.quiet,
      });
    });
}
