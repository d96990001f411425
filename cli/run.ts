import { Command } from 'commander';
import { join } from 'node:path';
import { loadScenario } from '../scenarios/language/load-scenario.js';
import { startRun } from '../scenarios/run-scenario.js';
import { EXIT } from './exit-codes.js';
import { finishRun } from './finish-run.js';
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
      const outDir = flags.out ?? join('results', `${slug(scenario.name)}-${timestamp()}`);
      const caps = terminalCaps();
      const progress = new ProgressDisplay(caps);
      const handle = startRun(scenario, {
        outDir,
        onInterval: flags.quiet ? undefined : (snapshot) => progress.update(snapshot),
      });

      let interrupts = 0;
      const onInterrupt = (): void => {
        interrupts++;
        if (interrupts === 1) {
          progress.message('stopping: no new iterations, letting in-flight ones finish (Ctrl-C again to quit now)');
          handle.stop();
        } else {
          handle.abortNow();
          progress.message(`aborted; results so far are in ${join(outDir, 'results.ndjson')}`);
          process.exit(130);
        }
      };
      process.on('SIGINT', onInterrupt);
      process.on('SIGTERM', onInterrupt);
      const result = await handle.done;
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onInterrupt);
      progress.finish();

      if (result.status === 'failed') process.stderr.write(`run failed: ${result.message ?? 'unknown error'}\n`);
      const { exitCode } = finishRun({
        resultsFile: result.resultsFile,
        thresholds: scenario.thresholds,
        summaryJson: flags.summaryJson,
        quiet: flags.quiet,
        caps,
      });
      if (!flags.quiet) process.stderr.write(`results: ${result.resultsFile}\n`);
      process.exitCode = result.status === 'failed' ? EXIT.runFailed : exitCode;
    });
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'run';
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}
