import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
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
import { shareProblem } from '../scenarios/share-problem.js';
import { parseSegment, type Segment } from '../scenarios/segment.js';
import { parseStartTime } from '../scenarios/start-time.js';
import { CliExit, EXIT } from './exit-codes.js';
import { runLocalWorkers } from './local-workers.js';
import { parsedBy } from './option-parsers.js';

interface RunFlags extends GateFlags, OutputFlags {
  out?: string;
  target?: string;
  report?: string | boolean;
  quiet?: boolean;
  segment?: Segment;
  startAt?: number;
  workers?: number;
}

export function runCommand(): Command {
  const command = new Command('run')
    .description('run a scenario file, write its results stream, judge its gates (exit 1 when one fails); with a capacity: section, also size its target')
    .argument('<scenario>', 'scenario file (.yaml, .yml, .json, .js, .mjs, .ts)')
    .option('-o, --out <dir>', 'directory for results.ndjson (default: results/<scenario>-<time>)')
    .option('-t, --target <url>', 'base URL overriding the scenario target')
    .option('--report [file]', 'write the HTML report (default file: <out>/report.html)')
    .option('--segment <i/N>', 'run only this worker\'s share of the load: worker i (0-based) of N; the N shares add up to the whole', parsedBy(parseSegment))
    .option('--workers <n>', 'run the load as n processes on this machine (segments 0/n … n−1/n), merged into one stream and judged as one run', workersOption)
    .option('--start-at <time>', 'start the load at this wall-clock time (ISO 8601, epoch ms, or +30s), after the targets are up: workers start together', parsedBy((text) => parseStartTime(text)));
  addGateOptions(command);
  addOutputOptions(command);
  return command.option('-q, --quiet', 'no progress and no summary on the terminal').action(async (file: string, flags: RunFlags) => {
    // Gate options are read first: a bad baseline must stop the command before any load is sent.
    const gates = gateOptions(flags);
    const scenario = await loadScenario(file, flags.target === undefined ? {} : { target: flags.target });
    scenario.thresholds = [...new Set([...scenario.thresholds, ...(flags.threshold ?? [])])];
    const share = { ...(flags.segment === undefined ? {} : { segment: flags.segment }), ...(flags.startAt === undefined ? {} : { startAtEpochMs: flags.startAt }) };
    const workers = flags.workers ?? 1;
    if (workers > 1 && flags.segment !== undefined) throw new CliExit(EXIT.badInput, 'loadtest run: give --workers or --segment, not both');
    const worker = flags.segment !== undefined && flags.segment.count > 1;
    const unshareable = shareProblem(scenario, workers > 1 ? workers : (flags.segment?.count ?? 1));
    if (unshareable !== undefined) throw new CliExit(EXIT.badInput, `loadtest run ${workers > 1 ? '--workers' : '--segment'}: ${unshareable}`);
    const outDir = flags.out ?? defaultOutDir(scenario.name);
    const html = flags.report === undefined || flags.report === false ? undefined : flags.report === true ? join(outDir, 'report.html') : flags.report;
    const caps = terminalCaps();
    const progress = new ProgressDisplay(caps);
    // The command line's thresholds are in the stream's header with the scenario's. A worker of a
    // segmented run judges none of them: each holds over the whole load, so on the merged stream.
    const judging = worker ? { thresholds: [], scenarioThresholds: false } : { ...gates, thresholds: [] };
    if (worker && !flags.quiet && scenario.thresholds.length > 0) progress.message(`segment ${flags.segment!.index}/${flags.segment!.count}: thresholds are judged on the merged stream (loadtest merge, then gate), not per worker`);
    if (worker) scenario.abortOnFail = [];
    const outputs = { ...pickOutputs(flags), ...(html === undefined ? {} : { html }) };
    if (workers > 1) {
      // The workers send the load; this process only watches and merges.
      await runLocalWorkers({ workers, scenarioFile: file, target: flags.target, abortOnFail: scenario.abortOnFail, outDir, progress, caps, gates: judging, outputs, quiet: flags.quiet });
      return;
    }
    // Before the clock starts: the first second of load must not pay for V8 optimising the
    // request path (see warm-up.ts).
    await warmUpHttpStack();
    if (scenario.capacity !== undefined && scenario.capacity.replicas.length > 0) {
      await runScalingExperiment(scenario, { outDir, progress, caps, gates: judging, outputs: pickOutputs(flags), html, quiet: flags.quiet });
      return;
    }
    await awaitRun(startScenario(scenario, outDir, progress, flags.quiet, share), {
      label: 'run',
      outDir,
      progress,
      caps,
      stopMessage: 'stopping: no new iterations, letting in-flight ones finish',
      gates: judging,
      outputs,
      quiet: flags.quiet,
      ...(scenario.capacity === undefined ? {} : { capacity: capacityFiles(outDir) }),
    });
  });
}

function workersOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number of workers such as 2, got ${JSON.stringify(value)}`);
  return n;
}
