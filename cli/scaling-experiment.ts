import { join } from 'node:path';
import { capacityStudy, studyPlanOf, type StudyRun } from '../reports/capacity/capacity-study.js';
import type { GateOptions } from '../reports/gates/judge-run.js';
import type { Scenario } from '../scenarios/model.js';
import { scenarioAtReplicas } from '../scenarios/capacity/scenario-variants.js';
import { awaitRun, type FinishedRun } from './await-run.js';
import { capacityFiles, withPlanVerdict, writeCapacityOutputs } from './capacity-outputs.js';
import { CliExit, EXIT } from './exit-codes.js';
import type { OutputFlags } from './gate-flags.js';
import { writeOutputs } from './judge-and-write.js';
import type { ProgressDisplay } from './progress.js';
import { startScenario } from './start-scenario.js';
import type { TerminalCaps } from './terminal.js';

// A scaling experiment (`capacity: { replicas: [1, 2, 4] }`): the scenario once per replica count
// of the sized target, each run in <out>/replicas-<n>/, then one study over all of them — a USL
// fit through the knees — written beside them as recommendation.json, kubernetes.yaml and the
// report. Runs go one after another, never side by side: they share this machine's cores, and a
// knee measured while another run burns CPU would be the machine's, not the target's.

export interface ExperimentOptions {
  outDir: string;
  progress: ProgressDisplay;
  caps: TerminalCaps;
  gates: GateOptions;
  outputs: OutputFlags;
  html: string | undefined;
  quiet: boolean | undefined;
}

export async function runScalingExperiment(scenario: Scenario, options: ExperimentOptions): Promise<void> {
  const plan = scenario.capacity!;
  if (Object.keys(options.outputs).length > 0) {
    throw new CliExit(EXIT.badInput, 'loadtest run: --summary-json, --junit and --markdown judge one run; a scaling experiment makes one per replica count — run `loadtest gate <out>/replicas-<n>/results.ndjson` with them on the run you want');
  }
  const counts = plan.replicas;
  const runs: StudyRun[] = [];
  let last: FinishedRun | undefined;
  let worst: number = EXIT.ok;
  for (const replicas of counts) {
    const ladderFactor = plan.scaleLadder ? replicas / counts[0]! : 1;
    const variant = scenarioAtReplicas(scenario, plan.target, replicas, ladderFactor);
    const outDir = join(options.outDir, `replicas-${replicas}`);
    options.progress.message(`capacity: ${plan.target} at ${replicas} replica${replicas === 1 ? '' : 's'} (${counts.indexOf(replicas) + 1} of ${counts.length})${ladderFactor === 1 ? '' : `, search rates ×${+ladderFactor.toFixed(3)}`}`);
    last = await awaitRun(startScenario(variant, outDir, options.progress, options.quiet), {
      label: 'run',
      outDir,
      progress: options.progress,
      caps: options.caps,
      stopMessage: 'stopping this run and the experiment: no new iterations, letting in-flight ones finish',
      gates: options.gates,
      outputs: {},
      quiet: options.quiet,
    });
    runs.push({ results: last.results, summary: last.summary, source: join(`replicas-${replicas}`, 'results.ndjson') });
    worst = Math.max(worst, last.exitCode);
    // A run stopped by Ctrl-C (or one that failed) ends the experiment: the next would measure nothing the user asked for.
    if (last.status !== 'completed') break;
  }
  const study = capacityStudy(studyPlanOf(plan), runs);
  if (!options.quiet) process.stdout.write('\n');
  writeCapacityOutputs(study, capacityFiles(options.outDir), !options.quiet);
  if (options.html !== undefined) {
    writeOutputs(last!, { html: options.html }, study);
    if (!options.quiet) process.stderr.write(`report:  ${options.html}\n`);
  }
  process.exitCode = withPlanVerdict(study, worst);
}
