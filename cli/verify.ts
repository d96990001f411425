import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import type { CapacityStudy } from '../reports/capacity/capacity-study-types.js';
import { studyPlanOf } from '../reports/capacity/capacity-study.js';
import { parseRecommendationDocument, RecommendationFileError, targetRecommendation } from '../reports/capacity/read-recommendation.js';
import { renderVerification } from '../reports/capacity/render-verification.js';
import { verificationOutcome } from '../reports/capacity/verification.js';
import type { ResourceSpec } from '../scenarios/environment-model.js';
import { VERIFY_PHASE, verificationScenario } from '../scenarios/capacity/scenario-variants.js';
import { loadScenario } from '../scenarios/language/load-scenario.js';
import { warmUpHttpStack } from '../scenarios/http/warm-up.js';
import type { TargetRecommendation } from '../reports/capacity/recommendation-types.js';
import { awaitRun, defaultOutDir } from './await-run.js';
import { CliExit, EXIT } from './exit-codes.js';
import { addOutputOptions, pickOutputs, type OutputFlags } from './gate-flags.js';
import { durationOption, rateOption } from './option-parsers.js';
import { writeAtomically, writeOutputs } from './judge-and-write.js';
import { ProgressDisplay } from './progress.js';
import { startScenario } from './start-scenario.js';
import { terminalCaps } from './terminal.js';

interface VerifyFlags extends OutputFlags {
  recommendation: string;
  peak?: number;
  hold: number;
  ramp: number;
  out?: string;
  report?: string | boolean;
  quiet?: boolean;
}

export function verifyCommand(): Command {
  const command = new Command('verify')
    .description('re-run a recommendation: the scenario\'s capacity: target at the recommended replicas, requests and limits, held at peak; exit 0 only if the SLO held')
    .argument('<scenario>', 'the scenario with the capacity: section the recommendation was made for')
    .requiredOption('-r, --recommendation <file>', 'recommendation.json written by run (capacity:) or recommend -o')
    .option('--peak <rate>', 'the rate to hold (default: the capacity: section\'s peak)', rateOption)
    .option('--hold <duration>', 'how long to hold peak; the SLO is judged over this', durationOption, 30_000)
    .option('--ramp <duration>', 'the ramp from a tenth of peak first, not judged', durationOption, 10_000)
    .option('-o, --out <dir>', 'directory for results.ndjson and verification.json (default: results/<scenario>-verify-<time>)')
    .option('--report [file]', 'write the HTML report with the prediction beside the outcome (default file: <out>/report.html)')
    .option('-q, --quiet', 'no progress and no summary on the terminal');
  addOutputOptions(command);
  return command.action(async (file: string, flags: VerifyFlags) => {
    const scenario = await loadScenario(file);
    const plan = scenario.capacity;
    if (plan === undefined) throw new CliExit(EXIT.badInput, `loadtest verify: ${file} has no capacity: section to say which target, peak and SLO to verify`);
    const recommendation = readRecommendation(flags.recommendation, plan.target);
    const peakRps = flags.peak ?? plan.peakRps;
    const variant = verificationScenario(scenario, plan, { replicas: recommendation.replicas, resources: resourcesOf(recommendation), peakRps, rampMs: flags.ramp, holdMs: flags.hold });
    const outDir = flags.out ?? defaultOutDir(`${scenario.name}-verify`);
    const html = flags.report === undefined || flags.report === false ? undefined : flags.report === true ? join(outDir, 'report.html') : flags.report;

    await warmUpHttpStack();
    const caps = terminalCaps();
    const progress = new ProgressDisplay(caps);
    if (!flags.quiet) {
      progress.message(`verify: ${plan.target} at ${recommendation.replicas} replicas (cpu ${recommendation.cpu.request.quantity}${recommendation.cpu.limit === null ? '' : `/${recommendation.cpu.limit.quantity}`}, memory ${recommendation.memory.limit.quantity}), ${peakRps}/s for ${flags.hold / 1000} s after a ${flags.ramp / 1000} s ramp`);
    }
    const finished = await awaitRun(startScenario(variant, outDir, progress, flags.quiet), {
      label: 'run',
      outDir,
      progress,
      caps,
      stopMessage: 'stopping: no new iterations, letting in-flight ones finish',
      gates: { thresholds: [] },
      outputs: pickOutputs(flags),
      quiet: flags.quiet,
    });
    const verification = verificationOutcome({ results: finished.results, summary: finished.summary, gates: finished.gates, recommendation, peakRps, phase: VERIFY_PHASE });
    process.stdout.write(renderVerification(plan.target, verification));
    writeAtomically(join(outDir, 'verification.json'), JSON.stringify({ schema: 'loadtest-verification', schemaVersion: 1, target: plan.target, recommendationFile: flags.recommendation, ...verification }, null, 2) + '\n');
    if (html !== undefined) {
      const study: CapacityStudy = {
        target: plan.target,
        plan: { ...studyPlanOf(plan).plan, peakRps },
        searches: [],
        recommendation,
        problem: null,
        verification,
      };
      writeOutputs(finished, { html }, study);
      if (!flags.quiet) process.stderr.write(`report:  ${html}\n`);
    }
    // A run that could not be carried out stays 3; otherwise the verdict is the SLO's.
    process.exitCode = finished.exitCode === EXIT.runFailed ? EXIT.runFailed : verification.sloHeld ? EXIT.ok : EXIT.thresholdFailed;
  });
}

function readRecommendation(file: string, target: string): TargetRecommendation {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliExit(EXIT.badInput, `loadtest verify: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return targetRecommendation(parseRecommendationDocument(text, file), target, file);
  } catch (error) {
    if (error instanceof RecommendationFileError) throw new CliExit(EXIT.badInput, `loadtest verify: ${error.message}`);
    throw error;
  }
}

/** The recommendation as the target's resources: requests always, a CPU limit only when it set one. */
function resourcesOf(r: TargetRecommendation): ResourceSpec {
  return {
    requests: { cpuCores: r.cpu.request.cores, memoryBytes: r.memory.request.bytes },
    limits: { ...(r.cpu.limit === null ? {} : { cpuCores: r.cpu.limit.cores }), memoryBytes: r.memory.limit.bytes },
  };
}
