// Side-by-side throughput benchmark: autocannon, `loadtest bench`, `loadtest run` (a one-step
// closed-model flow) and, when given, Artillery, each hitting the same one-worker nginx.
//
//   node dist/bench/throughput.js [--seconds 10] [--connections 50] [--rounds 3] [--artillery <bin>]
//
// nginx is pinned to core 0 and every generator to core 1, so a generator cannot steal the target's
// CPU. Legs alternate order round by round, so slow drift on a noisy machine hits every tool alike.
// For each leg: requests/s as the tool itself reports it, and CPU time of the generator process
// (utime + stime of it and the children it reaped, from /proc/self/stat's cutime/cstime around the
// leg), per request. The result is the ratios; absolute numbers are shown beside them.
//
// Installs nothing. Needs: Debian nginx (`apt-get install -y nginx`), taskset (util-linux), a built
// tree (`npx tsc -p tsconfig.json`), and for the Artillery leg an Artillery installed outside the
// project (`PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix <dir> artillery@latest`, then
// `--artillery <dir>/node_modules/.bin/artillery`).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlags } from './lib/args.js';
import { artilleryVersion, readArtilleryReport, writeArtilleryConfig } from './lib/artillery.js';
import { autocannonArgs, autocannonVersion, readAutocannon, type ToolCounts } from './lib/autocannon.js';
import { BenchError } from './lib/bench-error.js';
import { GENERATOR_CORE, pinned } from './lib/cores.js';
import { meteredRun } from './lib/cpu-meter.js';
import { fmtInt, lastLines } from './lib/format.js';
import { oneStepGetScenario } from './lib/loadtest-cli.js';
import { startNginx, type NginxTarget } from './lib/nginx-target.js';
import { CLI } from './lib/paths.js';
import { nginxVersion, requireAutocannon, requirePinnedNginxBench } from './lib/prerequisites.js';
import { clockTicksPerSecond } from './lib/proc-stat.js';
import { runBench } from './lib/run-bench.js';
import { LABEL, throughputReport, type Leg, type Tool } from './lib/throughput-report.js';

const USAGE = 'node dist/bench/throughput.js [--seconds 10] [--connections 50] [--rounds 3] [--artillery <path-to-bin>]';

interface Args extends Record<string, number | string | undefined> {
  seconds: number;
  connections: number;
  rounds: number;
  artillery: string | undefined;
}

interface LegPlan {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Reads requests/s, request count and errors from the tool's own output. */
  read(stdout: string): ToolCounts;
}

function planLeg(tool: Tool, round: number, args: Args, target: NginxTarget, dir: string): LegPlan {
  const { seconds: s, connections: c } = args;
  const onGeneratorCore = (command: string, rest: string[]) => pinned(GENERATOR_CORE, command, rest);
  const fromSummary = (file: string) => (): ToolCounts => {
    const { overall } = JSON.parse(readFileSync(file, 'utf8'));
    return { rps: overall.rps, requests: overall.requests, errors: overall.errors };
  };
  switch (tool) {
    case 'autocannon':
      return { ...onGeneratorCore(process.execPath, autocannonArgs(target.url, ['-c', String(c), '-d', String(s)])), read: readAutocannon };
    case 'bench': {
      const summary = join(dir, `bench-${round}.json`);
      const cli = [CLI, 'bench', target.url, '-c', String(c), '-d', `${s}s`, '--quiet', '--out', join(dir, `bench-${round}`), '--summary-json', summary];
      return { ...onGeneratorCore(process.execPath, cli), read: fromSummary(summary) };
    }
    case 'run': {
      const scenario = join(dir, 'run.yaml');
      writeFileSync(scenario, oneStepGetScenario('throughput', target.url, c, `{ executor: constant-vus, vus: ${c}, duration: ${s}s }`));
      const summary = join(dir, `run-${round}.json`);
      const cli = [CLI, 'run', scenario, '--quiet', '--out', join(dir, `run-${round}`), '--summary-json', summary];
      return { ...onGeneratorCore(process.execPath, cli), read: fromSummary(summary) };
    }
    case 'artillery': {
      const config = writeArtilleryConfig(dir, target.url, c, s);
      const report = join(dir, `artillery-${round}.json`);
      return {
        ...onGeneratorCore(args.artillery!, ['run', '--quiet', '--output', report, config]),
        cwd: dir,
        env: { ARTILLERY_DISABLE_TELEMETRY: 'true', ARTILLERY_NO_UPDATE_CHECK: 'true' },
        read: () => readArtilleryReport(report),
      };
    }
  }
}

async function runLeg(tool: Tool, round: number, args: Args, target: NginxTarget, dir: string, clockTicks: number): Promise<Leg> {
  const plan = planLeg(tool, round, args, target, dir);
  const run = await meteredRun(plan, target.workerPid, clockTicks, (args.seconds + 120) * 1000);
  const leg: Leg = { tool, round, ok: false, rps: 0, requests: 0, errors: 0, cpuUs: run.cpuUs, targetCpu: run.targetCpu, otherCpu: run.otherCpu };
  const out = run.finished;
  if (out.code !== 0) {
    leg.note = `exit ${out.code}: ${lastLines(out.stderr || out.stdout)}`;
    return leg;
  }
  try {
    Object.assign(leg, plan.read(out.stdout), { ok: true });
  } catch (error) {
    leg.note = `could not read its output: ${(error as Error).message}`;
  }
  return leg;
}

runBench('throughput', async (session) => {
  const args = parseFlags<Args>(
    process.argv.slice(2),
    { seconds: 10, connections: 50, rounds: 3, artillery: undefined },
    { artillery: { text: '--artillery expects the path of the artillery executable' } },
    USAGE,
  );
  const nginx = requirePinnedNginxBench();
  requireAutocannon();
  if (args.artillery !== undefined && !existsSync(args.artillery)) {
    throw new BenchError(`--artillery ${args.artillery}: no such file (install with PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix <dir> artillery@latest)`);
  }
  const clockTicks = clockTicksPerSecond();
  const tools: Tool[] = ['autocannon', 'bench', 'run'];
  let skipped: string | undefined;
  if (args.artillery !== undefined) tools.push('artillery');
  else skipped = 'leg skipped: no --artillery <path-to-bin> given (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix <dir> artillery@latest)';
  const versions: Record<string, string> = {
    nginx: nginxVersion(nginx),
    autocannon: autocannonVersion(),
    ...(args.artillery !== undefined ? { artillery: artilleryVersion(args.artillery) } : {}),
  };

  const dir = session.workDir('loadtest-throughput-');
  const target = await startNginx({ nginx });
  session.onCleanup(() => target.stop());
  process.stderr.write(`nginx ${versions.nginx} on ${target.url} (pid ${target.masterPid}, worker ${target.workerPid}); working in ${dir}\n`);
  const legs: Leg[] = [];
  for (let round = 0; round < args.rounds && !session.interrupted; round++) {
    const order = round % 2 === 0 ? tools : [...tools].reverse();
    for (const tool of order) {
      if (session.interrupted) break;
      process.stderr.write(`round ${round + 1}/${args.rounds}: ${LABEL[tool]} … `);
      const leg = await runLeg(tool, round, args, target, dir, clockTicks);
      legs.push(leg);
      process.stderr.write(
        leg.ok
          ? `${fmtInt(leg.rps)} req/s, ${(leg.cpuUs / Math.max(1, leg.requests)).toFixed(1)} CPU µs/req, ` +
              `nginx ${Math.round(leg.targetCpu * 100)}%, other load ${Math.round(leg.otherCpu * 100)}%\n`
          : `failed (${leg.note})\n`,
      );
    }
  }
  if (!session.interrupted) process.stdout.write('\n' + throughputReport({ ...args, tools, legs, versions, skipped }));
});
