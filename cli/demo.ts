import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { RecommendationDocument } from '../reports/capacity/recommendation-json.js';
import type { VerificationOutcome } from '../reports/capacity/capacity-study-types.js';
import { defaultOutDir } from './await-run.js';
import { EXIT } from './exit-codes.js';

// `loadtest demo`: the whole job on this machine, in three real runs of the shipped scenarios, each
// starting its own targets in cgroups under CPU and memory limits and stopping them at its end:
//   1. a flash sale through the shop (gateway, order, inventory keeping stock in the 3-node Raft
//      cluster by compare-and-swap, payment) with the Raft leader killed mid-sale;
//   2. a capacity search of the payment tier at 1 and 2 replicas, the scaling fit, and the
//      recommendation (replicas, requests/limits, HPA) with its Kubernetes YAML;
//   3. `verify`: the recommendation run at peak, passing only if the SLO holds.
// Each run is its own process, as a user would run it, so what the demo shows is what they get.

const CLI = fileURLToPath(new URL('./main.js', import.meta.url));
const SCENARIOS = fileURLToPath(new URL('../../scenarios/flows/', import.meta.url));
const FLASH_SALE = join(SCENARIOS, 'shop-flash-sale.yaml');
const CAPACITY = join(SCENARIOS, 'shop-payment-capacity.yaml');

interface Step {
  title: string;
  args: string[];
  dir: string;
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('the whole job on the bundled shop and Raft cluster: a flash sale with a leader kill, a capacity search at 1 and 2 replicas, a recommendation and its verification; HTML reports for each (a few minutes on 2 cores)')
    .option('-o, --out <dir>', 'directory for the three runs (default: results/demo-<time>)')
    .action(async (flags: { out?: string }) => {
      const out = flags.out ?? defaultOutDir('demo');
      const started = Date.now();
      const steps: Step[] = [
        { title: 'flash sale with the Raft leader killed mid-sale', dir: join(out, 'flash-sale'), args: ['run', FLASH_SALE, '--report'] },
        { title: 'capacity search of payment at 1 and 2 replicas, and the recommendation', dir: join(out, 'capacity'), args: ['run', CAPACITY, '--report'] },
        { title: 'verify: the recommendation held at peak', dir: join(out, 'verify'), args: ['verify', CAPACITY, '--recommendation', join(out, 'capacity', 'recommendation.json'), '--hold', '20s', '--report'] },
      ];
      // Ctrl-C reaches the running step through the terminal's process group; the demo only stops starting new ones.
      let interrupted = false;
      process.on('SIGINT', () => void (interrupted = true));
      const codes: number[] = [];
      for (const [index, step] of steps.entries()) {
        if (interrupted) break;
        say(`step ${index + 1} of ${steps.length}: ${step.title}`);
        const code = await runStep([...step.args, '--out', step.dir]);
        codes.push(code);
        // A gate that failed (1) is the demo showing a gate; anything else means the step itself did not work.
        if (code !== EXIT.ok && code !== EXIT.thresholdFailed) break;
      }
      process.stdout.write(closingLines(out, codes, (Date.now() - started) / 1000));
      const broken = codes.length < steps.length || codes.some((c) => c !== EXIT.ok && c !== EXIT.thresholdFailed);
      process.exitCode = broken ? (interrupted ? 130 : EXIT.runFailed) : EXIT.ok;
    });
}

function runStep(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : EXIT.runFailed)));
    child.on('error', () => resolve(EXIT.runFailed));
  });
}

function closingLines(out: string, codes: number[], seconds: number): string {
  const verdict = (code: number | undefined): string => (code === undefined ? 'not run' : code === EXIT.ok ? 'PASS' : code === EXIT.thresholdFailed ? 'FAIL (a gate)' : `did not complete (exit ${code})`);
  const lines = ['', `demo: ${codes.length} of 3 steps ran in ${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`];
  lines.push(`  1. flash sale + leader kill  ${verdict(codes[0])}   ${join(out, 'flash-sale', 'report.html')}`);
  lines.push(`  2. capacity                  ${verdict(codes[1])}   ${join(out, 'capacity', 'report.html')}`);
  const recommendation = readJson<RecommendationDocument>(join(out, 'capacity', 'recommendation.json'));
  for (const [target, r] of Object.entries(recommendation?.targets ?? {})) {
    lines.push(
      `       ${target}: ${r.replicas} replicas at ${r.perReplicaCapacityRps}/s each for peak ${recommendation!.inputs.peakRps}/s; cpu request ${r.cpu.request.quantity}, limit ${r.cpu.limit?.quantity ?? 'none'}; memory ${r.memory.request.quantity}; HPA ${r.hpa.targetCPUUtilizationPercentage}% cpu, ${r.hpa.minReplicas}–${r.hpa.maxReplicas} replicas`,
    );
  }
  lines.push(`  3. verify                    ${verdict(codes[2])}   ${join(out, 'verify', 'report.html')}`);
  const verification = readJson<VerificationOutcome>(join(out, 'verify', 'verification.json'));
  if (verification !== undefined) lines.push(`       ${verification.checks.map((c) => `${c.name}: ${c.observed}`).slice(0, 3).join('; ')}`);
  lines.push(`  Kubernetes YAML: ${join(out, 'capacity', 'kubernetes.yaml')}`, '');
  return lines.join('\n');
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function say(line: string): void {
  process.stderr.write(`\ndemo: ${line}\n`);
}
