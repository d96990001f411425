import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { loadScenario } from '../scenarios/language/load-scenario.js';
import { parseCpu, parseMemory } from '../scenarios/language/quantity.js';
import { TOOL_VERSION } from '../scenarios/tool-version.js';
import { renderManifests, instructions, type JobPlan } from './k8s/manifests.js';
import { dnsLabel, isDnsLabel, runName } from './k8s/names.js';
import { scenarioFiles } from './k8s/scenario-files.js';
import { durationOption, parsedBy } from './option-parsers.js';
import { shareProblem } from '../scenarios/share-problem.js';
import { parseStartTime } from '../scenarios/start-time.js';
import { CliExit, EXIT } from './exit-codes.js';

// `loadtest k8s`: the manifests that run one scenario from N generator pods on a cluster (an
// Indexed Job whose pods each run `loadtest run --segment i/N` and start together), and gather
// their streams into one merged stream, report and gate verdict. See k8s/manifests.ts for the
// objects and why each is shaped as it is. Nothing is sent to a cluster: kubectl applies the file.

interface K8sFlags {
  parallelism: number;
  image: string;
  namespace?: string;
  out?: string;
  target?: string;
  cpu: string;
  memory: string;
  gatherMemory: string;
  startAt?: Date;
  lead?: number;
  resultsPvc?: string;
  resultsSize: string;
  storageClass?: string;
  gather: boolean;
}

/** Margin on the workers' Job deadline beyond lead + scenario length: image pulls, scheduling, the last flush. */
const DEADLINE_MARGIN_S = 600;
/** Time for N pods to be scheduled and pull the image before the common start. */
const DEFAULT_LEAD_MS = 60_000;
/** Indexed Jobs allow at most 100 000 completions. */
const MAX_PARALLELISM = 100_000;

export function k8sCommand(): Command {
  return new Command('k8s')
    .description('write Kubernetes manifests that run a scenario from N generator pods (an Indexed Job), then merge, report and gate their results')
    .argument('<scenario>', 'scenario file; it and its data: files go into a ConfigMap')
    .requiredOption('--parallelism <n>', `number of worker pods, each sending 1/N of the load (1–${MAX_PARALLELISM})`, parallelismOption)
    .option('--image <image>', 'the loadtest image (built from the Dockerfile)', `loadtest:${TOOL_VERSION}`)
    .option('--namespace <ns>', 'metadata.namespace of every object (default: kubectl\'s context decides)', labelOption('namespace'))
    .option('-o, --out <file>', 'write the manifests here (default: stdout)')
    .option('-t, --target <url>', 'base URL the workers send to, e.g. the Service under test (passed to run --target)')
    .option('--cpu <quantity>', 'CPU request of each worker pod (no CPU limit: throttling would skew latency)', quantityOption(parseCpu), '1')
    .option('--memory <quantity>', 'memory request and limit of each worker pod', quantityOption(parseMemory), '512Mi')
    .option('--gather-memory <quantity>', 'memory request and limit of the gather pod (the report reads the whole merged stream: about 300Mi for an hour of a 10-step run)', quantityOption(parseMemory), '1Gi')
    .option('--start-at <time>', 'when every worker starts its load: ISO 8601 time or epoch milliseconds (default: now + --lead)', startOption)
    .option('--lead <duration>', 'time from now to the start, for pods to be scheduled and pull the image (default: 60s)', durationOption)
    .option('--results-pvc <name>', 'an existing ReadWriteMany PersistentVolumeClaim for the results (default: create "loadtest-results")', labelOption('--results-pvc'))
    .option('--results-size <quantity>', 'size of the created results claim', quantityOption(parseMemory), '1Gi')
    .option('--storage-class <name>', 'storage class of the created results claim (must support ReadWriteMany)')
    .option('--no-gather', 'leave out the (suspended) Job that merges the streams, writes the report and judges the gates')
    .action(async (file: string, flags: K8sFlags) => {
      const scenario = await loadScenario(file, flags.target === undefined ? {} : { target: flags.target });
      const { files, scenarioPath, warnings } = scenarioFiles(scenario);
      // What every split of a run refuses (phases judged as they run), as `run --segment` in the pods would.
      const unshareable = shareProblem(scenario, flags.parallelism);
      if (unshareable !== undefined) throw new CliExit(EXIT.badInput, `loadtest k8s: ${scenario.file}: ${unshareable}`);
      const now = Date.now();
      const start = flags.startAt ?? new Date(now + (flags.lead ?? DEFAULT_LEAD_MS));
      if (start.getTime() < now) warnings.push(`--start-at ${start.toISOString()} is in the past: the workers will start as soon as each is running, not together`);
      const runSeconds = (scenario.phases.reduce((total, phase) => total + phase.durationMs, 0) + scenario.gracefulStopMs) / 1000;
      const plan: JobPlan = {
        runName: runName(scenario.name, start),
        scenarioLabel: dnsLabel(scenario.name),
        ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
        image: flags.image,
        parallelism: flags.parallelism,
        startAt: start.toISOString(),
        scenarioPath,
        files,
        ...(flags.target === undefined ? {} : { target: flags.target }),
        cpu: flags.cpu,
        memory: flags.memory,
        gatherMemory: flags.gatherMemory,
        results: {
          claim: flags.resultsPvc ?? 'loadtest-results',
          create: flags.resultsPvc === undefined,
          size: flags.resultsSize,
          ...(flags.storageClass === undefined ? {} : { storageClass: flags.storageClass }),
        },
        activeDeadlineSeconds: Math.ceil(Math.max(0, start.getTime() - now) / 1000 + runSeconds) + DEADLINE_MARGIN_S,
        gather: flags.gather,
      };
      for (const warning of warnings) process.stderr.write(`loadtest k8s: warning: ${warning}\n`);
      const shownFile = flags.out ?? 'manifests.yaml';
      const yaml = renderManifests(plan, shownFile);
      if (flags.out === undefined) {
        process.stdout.write(yaml);
        process.stderr.write(`loadtest k8s: ${plan.parallelism} worker(s) start at ${plan.startAt} (job/${plan.runName})\n`);
        return;
      }
      writeFileSync(flags.out, yaml);
      process.stdout.write(
        `wrote ${flags.out}: job/${plan.runName}, ${plan.parallelism} worker(s) starting together at ${plan.startAt}\n` +
          instructions(plan, shownFile).map((line, i) => `  ${i + 1}. ${line}\n`).join(''),
      );
    });
}

function parallelismOption(value: string): number {
  const n = Number(value);
  if (/^\d+$/.test(value.trim()) && Number.isSafeInteger(n) && n >= 1 && n <= MAX_PARALLELISM) return n;
  throw new InvalidArgumentError(`expected a whole number of workers from 1 to ${MAX_PARALLELISM}, got ${JSON.stringify(value)}`);
}

function quantityOption(parse: (text: string) => number): (value: string) => string {
  return (value) => {
    let amount: number;
    try {
      amount = parse(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
    if (amount <= 0) throw new InvalidArgumentError(`expected more than zero, got ${JSON.stringify(value)}`);
    return value.trim();
  };
}

function labelOption(what: string): (value: string) => string {
  return (value) => {
    if (isDnsLabel(value)) return value;
    throw new InvalidArgumentError(`${what} must be a DNS-1123 label (lower-case letters, digits and '-', at most 63), got ${JSON.stringify(value)}`);
  };
}

/** The common start, as `run --start-at` reads it (ISO 8601, epoch ms, +30s). */
function startOption(value: string): Date {
  return new Date(parsedBy((text) => parseStartTime(text))(value));
}
