import { Command, InvalidArgumentError } from 'commander';
import { evidenceFromRuns, searchedTarget, type SearchRun } from '../reports/capacity/evidence-from-stream.js';
import { kubernetesYaml } from '../reports/capacity/kubernetes-yaml.js';
import { recommendTarget } from '../reports/capacity/recommend.js';
import { recommendationDocument } from '../reports/capacity/recommendation-json.js';
import type { CpuLimitPolicy, PlanInputs, TargetRecommendation } from '../reports/capacity/recommendation-types.js';
import { renderRecommendation } from '../reports/capacity/render-recommendation.js';
import { summarise } from '../reports/summary.js';
import { parseRate } from '../scenarios/language/rate.js';
import { readResults } from '../scenarios/results/results-reader.js';
import { CliExit, EXIT } from './exit-codes.js';
import { writeAtomically } from './judge-and-write.js';

interface RecommendFlags {
  peak: number;
  target?: string;
  headroom: number;
  nPlusOne: boolean;
  cpuLimit: CpuLimitPolicy;
  out?: string;
  kubernetes?: string;
  namespace?: string;
}

export function recommendCommand(): Command {
  return new Command('recommend')
    .description('recommend replicas, CPU and memory requests/limits and an HPA for a target, from the capacity searches in one or more results streams (several replica counts: a scaling fit)')
    .argument('<results...>', 'results.ndjson of runs with a capacity-search phase (one per replica count of the target)')
    .requiredOption('--peak <rate>', 'the peak arrival rate to serve, e.g. 800/s', rateOption)
    .option('--target <name>', 'the target to size (default: the one the searches drove)')
    .option('--headroom <percent>', 'plan for this much above peak', percentOption, 0.3)
    .option('--no-n-plus-one', 'do not keep serving peak with one replica lost')
    .option('--cpu-limit <policy>', '"none" (default: no CPU quota, no throttling) or a multiple of the request, e.g. "2x"', cpuLimitOption, { kind: 'none' })
    .option('-o, --out <file>', 'write recommendation.json (schema id loadtest-recommendation, version 1)')
    .option('--kubernetes <file>', 'write Kubernetes YAML: a resources patch per Deployment and a HorizontalPodAutoscaler')
    .option('--namespace <ns>', 'namespace for the Kubernetes YAML')
    .action((files: string[], flags: RecommendFlags) => {
      const runs: SearchRun[] = files.map((file) => {
        const results = readResults(file);
        return { results, summary: summarise(results) };
      });
      const target = flags.target ?? searchedTarget(runs[0]!.results);
      if (target === undefined) throw new CliExit(EXIT.badInput, 'loadtest recommend: cannot tell which target the searches drove; name it with --target');
      const sloText = runs.flatMap((r) => r.summary.capacitySearch ?? []).map((s) => s.slo).find((slo) => slo !== null);
      const plan: PlanInputs = {
        peakRps: flags.peak,
        headroom: flags.headroom,
        nPlusOne: flags.nPlusOne,
        slo: sloText === undefined ? 'unknown' : [...sloText.latency.map((l) => `${l.metric} < ${l.maxMs} ms`), `errors < ${(sloText.maxErrorRate * 100).toFixed(2)}%`].join(', '),
      };
      let recommendation: TargetRecommendation;
      try {
        recommendation = recommendTarget(plan, evidenceFromRuns(target, runs), { cpuLimit: flags.cpuLimit });
      } catch (error) {
        throw new CliExit(EXIT.badInput, `loadtest recommend: ${(error as Error).message}`);
      }
      process.stdout.write(renderRecommendation(plan, recommendation));
      if (flags.out !== undefined) writeAtomically(flags.out, JSON.stringify(recommendationDocument(plan, [recommendation], new Date()), null, 2) + '\n');
      if (flags.kubernetes !== undefined) writeAtomically(flags.kubernetes, kubernetesYaml([recommendation], flags.namespace === undefined ? {} : { namespace: flags.namespace }));
    });
}

function rateOption(value: string): number {
  try {
    const rate = parseRate(value);
    if (rate > 0) return rate;
  } catch {
    // reported below
  }
  throw new InvalidArgumentError(`expected a rate such as 800/s or 48000/m, got ${JSON.stringify(value)}`);
}

function percentOption(value: string): number {
  const match = /^(\d+(?:\.\d+)?)%?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`expected a percentage such as 30%, got ${JSON.stringify(value)}`);
  return Number(match[1]) / 100;
}

function cpuLimitOption(value: string): CpuLimitPolicy {
  if (value === 'none') return { kind: 'none' };
  const match = /^(\d+(?:\.\d+)?)x$/.exec(value.trim());
  if (!match || Number(match[1]) < 1) throw new InvalidArgumentError(`expected "none" or a multiple of the request such as 2x, got ${JSON.stringify(value)}`);
  return { kind: 'multiple-of-request', multiple: Number(match[1]) };
}
