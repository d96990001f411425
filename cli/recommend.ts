import { Command, InvalidArgumentError } from 'commander';
import { capacityStudy, planFromHeader, sloText, type StudyPlan, type StudyRun } from '../reports/capacity/capacity-study.js';
import { searchedTarget } from '../reports/capacity/evidence-from-stream.js';
import { parseCpuLimitPolicy, type CpuLimitPolicy } from '../scenarios/language/cpu-limit-policy.js';
import { summarise } from '../reports/summary.js';
import { readResults } from '../scenarios/results/results-reader.js';
import { writeCapacityOutputs } from './capacity-outputs.js';
import { CliExit, EXIT } from './exit-codes.js';
import { parsedBy, rateOption } from './option-parsers.js';
import { judgeResults, writeOutputs } from './judge-and-write.js';

interface RecommendFlags {
  peak?: number;
  target?: string;
  headroom?: number;
  nPlusOne?: boolean;
  cpuLimit?: CpuLimitPolicy;
  out?: string;
  kubernetes?: string;
  namespace?: string;
  report?: string;
}

const DEFAULT_HEADROOM = 0.3;

export function recommendCommand(): Command {
  return new Command('recommend')
    .description('recommend replicas, CPU and memory requests/limits and an HPA for a target, from the capacity searches in one or more results streams (several replica counts: a scaling fit)')
    .argument('<results...>', 'results.ndjson of runs with a capacity-search phase (one per replica count of the target)')
    .option('--peak <rate>', 'the peak arrival rate to serve, e.g. 800/s (default: the scenario\'s capacity: peak)', rateOption)
    .option('--target <name>', 'the target to size (default: capacity: target, else the one the searches drove)')
    .option('--headroom <percent>', 'plan for this much above peak (default: capacity: headroom, else 30%)', percentOption)
    .option('--no-n-plus-one', 'do not keep serving peak with one replica lost')
    .option('--cpu-limit <policy>', '"none" (no CPU quota, no throttling; the default) or a multiple of the request, e.g. "2x"', parsedBy(parseCpuLimitPolicy))
    .option('-o, --out <file>', 'write recommendation.json (schema id loadtest-recommendation, version 1)')
    .option('--kubernetes <file>', 'write Kubernetes YAML: a resources patch per Deployment and a HorizontalPodAutoscaler')
    .option('--namespace <ns>', 'namespace for the Kubernetes YAML')
    .option('--report <file>', 'write the HTML report of the last results given, with the capacity section over all of them')
    .action((files: string[], flags: RecommendFlags) => {
      const runs: StudyRun[] = files.map((file) => {
        const results = readResults(file);
        return { results, summary: summarise(results), source: file };
      });
      const study = capacityStudy(studyPlan(runs, flags), runs);
      const made = writeCapacityOutputs(study, { json: flags.out, kubernetes: flags.kubernetes, namespace: flags.namespace });
      // The report is written either way: a study with no recommendation still shows the searches and why.
      if (flags.report !== undefined) {
        const last = runs[runs.length - 1]!;
        writeOutputs(judgeResults(last.results, {}, last.summary), { html: flags.report }, study);
        process.stderr.write(`report: ${flags.report}\n`);
      }
      if (!made) throw new CliExit(EXIT.badInput, `loadtest recommend: ${study.problem ?? 'no recommendation'}`);
    });
}

/** The command line's plan over the one the scenario's capacity: section wrote into the streams. */
function studyPlan(runs: readonly StudyRun[], flags: RecommendFlags): StudyPlan {
  const fromStream = runs.map((r) => planFromHeader(r.results.header)).find((p) => p !== undefined);
  const target = flags.target ?? fromStream?.target ?? searchedTarget(runs[0]!.results);
  if (target === undefined) throw new CliExit(EXIT.badInput, 'loadtest recommend: cannot tell which target the searches drove; name it with --target');
  const peakRps = flags.peak ?? fromStream?.plan.peakRps;
  if (peakRps === undefined) throw new CliExit(EXIT.badInput, 'loadtest recommend: give the peak to size for with --peak (the results have no capacity: section)');
  const slo = runs.flatMap((r) => r.summary.capacitySearch ?? []).map((s) => s.slo).find((s) => s !== null);
  return {
    target,
    plan: {
      peakRps,
      headroom: flags.headroom ?? fromStream?.plan.headroom ?? DEFAULT_HEADROOM,
      nPlusOne: flags.nPlusOne === false ? false : (fromStream?.plan.nPlusOne ?? true),
      slo: fromStream?.plan.slo ?? (slo === undefined ? 'unknown' : sloText(slo)),
    },
    options: { cpuLimit: flags.cpuLimit ?? fromStream?.options.cpuLimit ?? { kind: 'none' } },
  };
}

function percentOption(value: string): number {
  const match = /^(\d+(?:\.\d+)?)%?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`expected a percentage such as 30%, got ${JSON.stringify(value)}`);
  return Number(match[1]) / 100;
}
