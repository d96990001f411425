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
// project (`npm install --prefix /tmp/artillery artillery@latest`, then
// `--artillery /tmp/artillery/node_modules/.bin/artillery`).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const AUTOCANNON = join(ROOT, 'node_modules', 'autocannon', 'autocannon.js');
const TARGET_CORE = '0';
const GENERATOR_CORE = '1';

type Tool = 'autocannon' | 'bench' | 'run' | 'artillery';
const LABEL: Record<Tool, string> = {
  autocannon: 'autocannon',
  bench: 'loadtest bench',
  run: 'loadtest run',
  artillery: 'artillery',
};

interface Args {
  seconds: number;
  connections: number;
  rounds: number;
  artillery: string | undefined;
}

interface Leg {
  tool: Tool;
  round: number;
  ok: boolean;
  rps: number;
  requests: number;
  errors: number;
  cpuUs: number;
  /** Share of one core the nginx worker used during the leg. */
  targetCpu: number;
  /** Share of one core that other processes used on the two benchmark cores: noise. */
  otherCpu: number;
  note?: string;
}

class BenchError extends Error {}

// ---------------------------------------------------------------------------------------------
// arguments and prerequisites

function parseArgs(argv: string[]): Args {
  const args: Args = { seconds: 10, connections: 50, rounds: 3, artillery: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    const int = (name: string): number => {
      const n = Number(value);
      if (value === undefined || !Number.isInteger(n) || n < 1) throw new BenchError(`${name} expects a whole number of at least 1, got ${value ?? 'nothing'}`);
      i++;
      return n;
    };
    switch (flag) {
      case '--seconds':
        args.seconds = int(flag);
        break;
      case '--connections':
        args.connections = int(flag);
        break;
      case '--rounds':
        args.rounds = int(flag);
        break;
      case '--artillery':
        if (value === undefined) throw new BenchError('--artillery expects the path of the artillery executable');
        args.artillery = value;
        i++;
        break;
      case '-h':
      case '--help':
        process.stdout.write('usage: node dist/bench/throughput.js [--seconds 10] [--connections 50] [--rounds 3] [--artillery <path-to-bin>]\n');
        process.exit(0);
        break;
      default:
        throw new BenchError(`unknown argument ${flag}`);
    }
  }
  return args;
}

function findNginx(): string {
  for (const candidate of ['nginx', '/usr/sbin/nginx']) {
    const probe = spawnSync(candidate, ['-v'], { encoding: 'utf8' });
    if (probe.error === undefined && probe.status === 0) return candidate;
  }
  throw new BenchError('nginx not found. On Debian: apt-get update && apt-get install -y nginx');
}

function nginxVersion(nginx: string): string {
  const probe = spawnSync(nginx, ['-v'], { encoding: 'utf8' });
  return /nginx\/(\S+)/.exec(probe.stderr)?.[1] ?? '?';
}

function checkPrerequisites(args: Args): { nginx: string; clockTicks: number } {
  if (spawnSync('taskset', ['-V']).error !== undefined) {
    throw new BenchError('taskset not found. It is part of util-linux: apt-get install -y util-linux');
  }
  const nginx = findNginx();
  if (availableParallelism() < 2) throw new BenchError('needs at least 2 CPU cores: nginx on core 0, the generators on core 1');
  if (!existsSync(CLI)) throw new BenchError(`${CLI} is missing: build first (npx tsc -p tsconfig.json)`);
  if (!existsSync(AUTOCANNON)) throw new BenchError(`${AUTOCANNON} is missing: run npm install`);
  if (args.artillery !== undefined && !existsSync(args.artillery)) {
    throw new BenchError(`--artillery ${args.artillery}: no such file (install with npm install --prefix /tmp/artillery artillery@latest)`);
  }
  const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim());
  return { nginx, clockTicks: Number.isFinite(ticks) && ticks > 0 ? ticks : 100 };
}

// ---------------------------------------------------------------------------------------------
// processes: everything we start is tracked by PID and stopped by PID

const live = new Set<ChildProcess>();

function start(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ChildProcess {
  const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.on('exit', () => live.delete(child));
  return child;
}

function stopAll(): void {
  for (const child of live) {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function collect(child: ChildProcess, timeoutMs: number): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** utime + stime of this process's reaped children, in clock ticks (fields 16 and 17 of stat). */
function childrenCpuTicks(): number {
  return statTicks('/proc/self/stat', 13);
}

/** Fields are counted after the ")" that ends the command name; `first` is utime's index there. */
function statTicks(path: string, first: number): number {
  const text = readFileSync(path, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(fields[first]) + Number(fields[first + 1]);
}

/** utime + stime of one process, in clock ticks (fields 14 and 15 of stat). */
function processCpuTicks(pid: number): number {
  try {
    return statTicks(`/proc/${pid}/stat`, 11);
  } catch {
    return 0;
  }
}

/** user + nice + system ticks of the two benchmark cores, from /proc/stat. */
function coresBusyTicks(): number {
  let total = 0;
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const m = /^cpu(\d+) (\d+) (\d+) (\d+)/.exec(line);
    if (m !== null && (m[1] === TARGET_CORE || m[1] === GENERATOR_CORE)) total += Number(m[2]) + Number(m[3]) + Number(m[4]);
  }
  return total;
}

function childPids(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

// ---------------------------------------------------------------------------------------------
// the target

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

interface Target {
  url: string;
  masterPid: number;
  workerPid: number;
  stop(): Promise<void>;
}

async function startNginx(nginx: string, dir: string): Promise<Target> {
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `# written by bench/throughput.ts
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  keepalive_requests 1000000000;
  keepalive_timeout 600s;
  server {
    listen 127.0.0.1:${port};
    location / { return 200 "hello world\\n"; }
  }
}
`,
  );
  const child = start('taskset', ['-c', TARGET_CORE, nginx, '-c', conf, '-e', join(dir, 'error.log'), '-g', 'daemon off;']);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout!.resume();
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    if (await canConnect(port)) {
      const workers = childPids(child.pid!);
      return {
        url: `http://127.0.0.1:${port}/`,
        masterPid: child.pid!,
        workerPid: workers[0] ?? child.pid!,
        async stop() {
          if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
          if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
        },
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '';
  throw new BenchError(`nginx did not start listening on 127.0.0.1:${port}:\n${stderr}${log}`);
}

// ---------------------------------------------------------------------------------------------
// the legs

interface LegPlan {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Reads requests/s, request count and errors from the tool's own output. */
  read(out: Finished): { rps: number; requests: number; errors: number };
}

function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function planLeg(tool: Tool, round: number, args: Args, target: Target, dir: string): LegPlan {
  const { seconds: s, connections: c } = args;
  const pinned = (command: string, rest: string[]): Pick<LegPlan, 'command' | 'args'> => ({
    command: 'taskset',
    args: ['-c', GENERATOR_CORE, command, ...rest],
  });
  switch (tool) {
    case 'autocannon':
      return {
        ...pinned(process.execPath, [AUTOCANNON, '-c', String(c), '-d', String(s), '--json', target.url]),
        read(out) {
          const j = JSON.parse(out.stdout);
          return { rps: j.requests.average, requests: j.requests.total, errors: j.errors + j.timeouts + j.non2xx };
        },
      };
    case 'bench': {
      const summary = join(dir, `bench-${round}.json`);
      return {
        ...pinned(process.execPath, [CLI, 'bench', target.url, '-c', String(c), '-d', `${s}s`, '--quiet', '--out', join(dir, `bench-${round}`), '--summary-json', summary]),
        read: () => fromSummary(readJson(summary)),
      };
    }
    case 'run': {
      const scenario = join(dir, 'run.yaml');
      writeFileSync(
        scenario,
        `name: throughput\ntarget: ${target.url.replace(/\/$/, '')}\nhttp: { connections: ${c} }\n` +
          `flows: [ { name: get, steps: [ { name: get, request: { url: / } } ] } ]\n` +
          `phases: [ { executor: constant-vus, vus: ${c}, duration: ${s}s } ]\n`,
      );
      const summary = join(dir, `run-${round}.json`);
      return {
        ...pinned(process.execPath, [CLI, 'run', scenario, '--quiet', '--out', join(dir, `run-${round}`), '--summary-json', summary]),
        read: () => fromSummary(readJson(summary)),
      };
    }
    case 'artillery': {
      // The closest Artillery gets to a saturating closed loop: all N virtual users arrive in the
      // first second, and each loops GET / back to back for `seconds` from its first request.
      writeFileSync(
        join(dir, 'artillery-processor.cjs'),
        `let deadline = 0;\nmodule.exports = {\n  keepGoing(context, next) {\n    const now = Date.now();\n` +
          `    if (deadline === 0) deadline = now + ${s * 1000};\n    return next(now < deadline);\n  },\n};\n`,
      );
      const config = join(dir, 'artillery.yml');
      writeFileSync(
        config,
        `config:\n  target: "${target.url.replace(/\/$/, '')}"\n  processor: "./artillery-processor.cjs"\n` +
          `  phases:\n    - duration: 1\n      arrivalCount: ${c}\n` +
          `scenarios:\n  - flow:\n      - loop:\n          - get:\n              url: "/"\n        whileTrue: "keepGoing"\n`,
      );
      const report = join(dir, `artillery-${round}.json`);
      return {
        ...pinned(args.artillery!, ['run', '--quiet', '--output', report, config]),
        cwd: dir,
        env: { ARTILLERY_DISABLE_TELEMETRY: 'true', ARTILLERY_NO_UPDATE_CHECK: 'true' },
        read() {
          // Artillery's own counts and timestamps: responses over the span they were measured in.
          const a = readJson(report).aggregate;
          const responses: number = a.counters['http.responses'] ?? 0;
          const spanS = (a.lastCounterAt - a.firstCounterAt) / 1000;
          let errors = a.counters['vusers.failed'] ?? 0;
          for (const [name, n] of Object.entries(a.counters as Record<string, number>)) {
            if (/^http\.codes\.[45]/.test(name)) errors += n;
          }
          return { rps: spanS > 0 ? responses / spanS : 0, requests: responses, errors };
        },
      };
    }
  }
}

function fromSummary(summary: any): { rps: number; requests: number; errors: number } {
  return { rps: summary.overall.rps, requests: summary.overall.requests, errors: summary.overall.errors };
}

async function runLeg(tool: Tool, round: number, args: Args, target: Target, dir: string, clockTicks: number): Promise<Leg> {
  const plan = planLeg(tool, round, args, target, dir);
  const cpuBefore = childrenCpuTicks();
  const targetBefore = processCpuTicks(target.workerPid);
  const coresBefore = coresBusyTicks();
  const wallBefore = performance.now();
  const child = start(plan.command, plan.args, { env: plan.env, cwd: plan.cwd });
  const out = await collect(child, (args.seconds + 120) * 1000);
  const wallS = (performance.now() - wallBefore) / 1000;
  const cpuTicks = childrenCpuTicks() - cpuBefore;
  const targetTicks = processCpuTicks(target.workerPid) - targetBefore;
  const otherTicks = Math.max(0, coresBusyTicks() - coresBefore - cpuTicks - targetTicks);
  const leg: Leg = {
    tool,
    round,
    ok: false,
    rps: 0,
    requests: 0,
    errors: 0,
    cpuUs: (cpuTicks / clockTicks) * 1e6,
    targetCpu: targetTicks / clockTicks / wallS,
    otherCpu: otherTicks / clockTicks / wallS,
  };
  if (out.code !== 0) {
    leg.note = `exit ${out.code}: ${lastLines(out.stderr || out.stdout)}`;
    return leg;
  }
  try {
    Object.assign(leg, plan.read(out), { ok: true });
  } catch (error) {
    leg.note = `could not read its output: ${(error as Error).message}`;
  }
  return leg;
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ').slice(0, 300);
}

// ---------------------------------------------------------------------------------------------
// the table

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
const fmtRatio = (n: number): string => `${n >= 0.995 ? n.toFixed(2) : n.toPrecision(2)}×`;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ')).join('\n');
}

function report(args: Args, tools: Tool[], legs: Leg[], versions: Record<string, string>, skipped: string | undefined): string {
  const lines: string[] = [];
  lines.push(
    `throughput: nginx ${versions.nginx} (1 worker, core ${TARGET_CORE}) ← each generator on core ${GENERATOR_CORE}; ` +
      `${args.connections} connections, ${args.seconds} s per leg, ${args.rounds} round(s) in alternating order; medians over rounds`,
  );
  lines.push('');
  const rows: string[][] = [['tool', 'req/s', 'CPU µs/req', 'errors', 'nginx CPU', 'other load', 'rounds ok']];
  const ok = (tool: Tool): Leg[] => legs.filter((l) => l.tool === tool && l.ok);
  for (const tool of tools) {
    const good = ok(tool);
    const name = `${LABEL[tool]}${versions[tool] ? ` ${versions[tool]}` : ''}`;
    if (good.length === 0) {
      rows.push([name, '-', '-', '-', '-', '-', `0/${args.rounds}`]);
      continue;
    }
    rows.push([
      name,
      fmtInt(median(good.map((l) => l.rps))),
      median(good.map((l) => l.cpuUs / Math.max(1, l.requests))).toFixed(1),
      fmtInt(median(good.map((l) => l.errors))),
      `${Math.round(median(good.map((l) => l.targetCpu)) * 100)}%`,
      `${Math.round(median(good.map((l) => l.otherCpu)) * 100)}%`,
      `${good.length}/${args.rounds}`,
    ]);
  }
  if (skipped !== undefined) rows.push([LABEL.artillery, '-', '-', '-', '-', '-', 'skipped']);
  lines.push(table(rows));
  lines.push('');

  // Ratios are taken round by round (the two legs of a pair ran minutes apart at most), then the
  // median over rounds.
  const ratioRows: string[][] = [['ratio', 'throughput', 'CPU per request']];
  const pairs: Array<[Tool, Tool]> = [
    ['bench', 'autocannon'],
    ['run', 'autocannon'],
    ['bench', 'artillery'],
    ['run', 'artillery'],
  ];
  for (const [a, b] of pairs) {
    const tp: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < args.rounds; r++) {
      const la = legs.find((l) => l.tool === a && l.round === r && l.ok);
      const lb = legs.find((l) => l.tool === b && l.round === r && l.ok);
      if (la === undefined || lb === undefined || lb.rps === 0 || la.requests === 0 || lb.requests === 0) continue;
      tp.push(la.rps / lb.rps);
      cpu.push(la.cpuUs / la.requests / (lb.cpuUs / lb.requests));
    }
    const name = `${a}/${b}`;
    if (tp.length === 0) ratioRows.push([name, 'n/a', b === 'artillery' && skipped !== undefined ? 'n/a (artillery skipped)' : 'n/a']);
    else ratioRows.push([name, fmtRatio(median(tp)), fmtRatio(median(cpu))]);
  }
  lines.push(table(ratioRows));
  lines.push('  throughput: higher is better; CPU per request: lower is better (utime+stime of the whole generator process, start-up included)');
  lines.push('  nginx CPU: its worker, % of its core; other load: CPU other processes took on the two cores meanwhile (noise)');
  for (const leg of legs.filter((l) => !l.ok)) lines.push(`  ! ${LABEL[leg.tool]} round ${leg.round + 1} failed: ${leg.note}`);
  if (skipped !== undefined) lines.push(`  artillery: ${skipped}`);
  const saturated = legs.filter((l) => l.ok && l.targetCpu > 0.95);
  if (saturated.length > 0) lines.push('  note: nginx was near 100% of its core in some legs: those figures are capped by the target, not the generator');
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------

function artilleryVersion(bin: string): string {
  try {
    const pkg = join(dirname(realpathSync(bin)), '..', 'package.json');
    return (readJson(pkg) as { version: string }).version;
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { nginx, clockTicks } = checkPrerequisites(args);
  const tools: Tool[] = ['autocannon', 'bench', 'run'];
  let skipped: string | undefined;
  if (args.artillery !== undefined) tools.push('artillery');
  else skipped = 'leg skipped: no --artillery <path-to-bin> given (npm install --prefix /tmp/artillery artillery@latest)';
  const versions: Record<string, string> = {
    nginx: nginxVersion(nginx),
    autocannon: (readJson(join(ROOT, 'node_modules', 'autocannon', 'package.json')) as { version: string }).version,
    ...(args.artillery !== undefined ? { artillery: artilleryVersion(args.artillery) } : {}),
  };

  const dir = mkdtempSync(join(tmpdir(), 'loadtest-throughput-'));
  let target: Target | undefined;
  const cleanup = async (): Promise<void> => {
    stopAll();
    await target?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write('\ninterrupted: stopping nginx and any running generator\n');
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    target = await startNginx(nginx, dir);
    process.stderr.write(`nginx ${versions.nginx} on ${target.url} (pid ${target.masterPid}, worker ${target.workerPid}); working in ${dir}\n`);
    const legs: Leg[] = [];
    for (let round = 0; round < args.rounds && !interrupted; round++) {
      const order = round % 2 === 0 ? tools : [...tools].reverse();
      for (const tool of order) {
        if (interrupted) break;
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
    if (!interrupted) process.stdout.write('\n' + report(args, tools, legs, versions, skipped));
  } finally {
    if (!interrupted) await cleanup();
  }
}

main().catch((error: unknown) => {
  stopAll();
  process.stderr.write(`throughput: ${error instanceof BenchError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = error instanceof BenchError ? 2 : 3;
});
