// The HTML report of a real run, opened in a real Chromium. The real CLI starts the bundled Raft
// cluster (in cgroups when this machine allows, as plain processes otherwise), drives a write flow
// at it, kills the leader at 4 s and restarts it 3 s later. Beside it, flows call a small hostile
// server on 127.0.0.1 whose answers (a JSON body, a header sent back by the client) fail checks, so
// the target's own text reaches the results stream as error messages. The scenario, a flow and the
// steps carry hostile names too. Both the report the run wrote and one rendered afterwards from the
// stream alone must draw every chart, mark the fault, show the drill, fetch nothing and keep every
// hostile string inert and visible; and nothing the run started may outlive it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, spawnCli, type CliResult } from '../../helpers/cli.js';
import { chromiumSkipReason, openFileInChromium } from '../../helpers/browser.js';
import { checkReportInBrowser } from '../../helpers/report-check.js';
import { newSince, toolLeftovers } from '../../scenarios/environment/leftovers.js';

/** Hostile text the scenario author typed. */
const SCENARIO_NAME = '<img src=x onerror="window.__pwned=2"> drill';
const HOSTILE_FLOW = '</script><script>window.__pwned=1</script>';
const HOSTILE_STEP = '"><svg onload=window.__pwned=3>';
const CAPTURE_STEP = "{{constructor.constructor('window.__pwned=4')()}}";
/**
 * Hostile text the target answered. Failure messages quote values JSON-encoded and cut at 80
 * characters, so these stay short and free of quotes and backslashes to be shown verbatim.
 */
const BODY_TEXT = '</script><script>window.__pwned=7</script>';
const HEADER_TEXT = '<svg onload=window.__pwned=8>';
const HOSTILE = [SCENARIO_NAME, HOSTILE_FLOW, HOSTILE_STEP, CAPTURE_STEP, BODY_TEXT, HEADER_TEXT];

const WINDOWED_GATES = ['p99[2s]<150ms', 'flow:write.errors[2s]<5%'];

function scenario(hostileOrigin: string): string {
  const q = (s: string): string => JSON.stringify(s);
  return `name: ${q(SCENARIO_NAME)}
target: kv
targets:
  kv:
    fixture: raft
    nodes: 3
    heartbeat: 50ms
    election: 500ms
    resources: { cpu: 500m, memory: 256Mi }
defaults: { timeout: 2s }
flows:
  - name: write
    weight: 6
    steps:
      - name: put
        request:
          method: POST
          url: /v3/kv/put
          json: { key: '{{base64 (concat "report/" (randomInt 1 200))}}', value: "{{base64 (randomString 16)}}" }
        check: { status: 200 }
  # The target's body reaches the stream: the check quotes the value it got.
  - name: ${q(HOSTILE_FLOW)}
    weight: 1
    steps:
      - name: ${q(HOSTILE_STEP)}
        request: { url: ${q(`${hostileOrigin}/body`)} }
        check: { json: { $.status: ok } }
  # The target's header reaches the stream: captured, sent back, echoed in a body that fails a check.
  - name: echo-header
    weight: 1
    steps:
      - name: ${q(CAPTURE_STEP)}
        request: { url: ${q(`${hostileOrigin}/header`)} }
        capture: { note: { header: x-note } }
        check: { status: 200 }
      - name: echo
        request: { method: POST, url: ${q(`${hostileOrigin}/echo`)}, json: { status: "{{note}}" } }
        check: { json: { $.status: ok } }
phases:
  - { executor: constant-arrival-rate, rate: 80, duration: 11s }
faults:
  - { at: 4s, kill: leader, of: kv, for: 3s }
thresholds: ${JSON.stringify(WINDOWED_GATES)}
`;
}

/** A target on 127.0.0.1 that answers with hostile text, in a body and in a header. */
async function startHostileServer(): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/header') {
        res.setHeader('x-note', HEADER_TEXT);
        res.end('{}');
      } else if (req.url === '/echo') {
        res.end(body);
      } else {
        res.end(JSON.stringify({ status: BODY_TEXT }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Runs the CLI (its PID told at once); a run that hangs is asked to stop (so it cleans up), then killed. */
async function runBounded(args: string[], env: NodeJS.ProcessEnv, limitMs: number, onStart: (pid: number) => void): Promise<CliResult> {
  const { child, result } = spawnCli(args, { env });
  if (child.pid !== undefined) onStart(child.pid);
  const stop = setTimeout(() => child.kill('SIGINT'), limitMs);
  const kill = setTimeout(() => child.kill('SIGKILL'), limitMs + 20_000);
  try {
    return await result;
  } finally {
    clearTimeout(stop);
    clearTimeout(kill);
  }
}

/**
 * Processes still running whose command line names `dir`. The CLI runs with TMPDIR inside the
 * test's folder, so the cluster's data folder, and thus every node's command line, is under it.
 */
function processesNaming(dir: string): Array<{ pid: number; cmdline: string }> {
  const found: Array<{ pid: number; cmdline: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(dir)) found.push({ pid: Number(entry), cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const CGROUP_ROOTS = ['/sys/fs/cgroup', '/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpuacct', '/sys/fs/cgroup/memory', '/sys/fs/cgroup/cpu,cpuacct'];

/** Run cgroups carry the PID of the process that ran them: here the CLI's, not this test's. */
function cgroupsOfRun(pid: number): string[] {
  return CGROUP_ROOTS.filter((root) => existsSync(root)).flatMap((root) =>
    readdirSync(root)
      .filter((name) => name.startsWith('loadtest-') && name.endsWith(`-${pid}`))
      .map((name) => join(root, name)),
  );
}

/** Only for a failed test: kill what the run left (ours by construction) and remove its empty cgroups. */
function sweep(dir: string, cliPid: number | undefined): void {
  for (const { pid } of processesNaming(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  if (cliPid === undefined) return;
  for (const group of cgroupsOfRun(cliPid)) {
    for (const child of readdirSync(group, { withFileTypes: true }).filter((e) => e.isDirectory())) rmdirQuietly(join(group, child.name));
    rmdirQuietly(group);
  }
}

function rmdirQuietly(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // still busy: left for the sandbox's stale sweep
  }
}

/** The fault drill table as the reader sees it: one row per fault, cell texts. */
async function drillRows(file: string): Promise<string[][]> {
  const opened = await openFileInChromium(file);
  try {
    return (await opened.page.evaluate(
      `Array.from(document.querySelectorAll('#fault-drill tbody tr')).map((tr) => Array.from(tr.cells).map((td) => td.innerText))`,
    )) as string[][];
  } finally {
    await opened.close();
  }
}

async function checkReport(file: string, screenshotDir: string): Promise<void> {
  const result = await checkReportInBrowser(file, { hostile: HOSTILE, expectFaultLabels: ['faults[0]'], screenshotDir });
  // 3 timeline charts and 3 for the one target: each marks the kill.
  assert.equal(result.faultMarkers, 3 + 3, 'the kill is not marked on every time chart');
  assert.ok(existsSync(result.screenshots[0]!), 'no screenshot saved');

  const rows = await drillRows(file);
  assert.equal(rows.length, 1, JSON.stringify(rows));
  const [fault, , target, what, unavailable, , , caughtBy] = rows[0]!;
  assert.match(fault ?? '', /faults\[0\]/);
  assert.match(target ?? '', /kv/);
  assert.match(what ?? '', /^kill: /);
  assert.doesNotMatch(unavailable ?? 'none', /^none$/, 'the drill shows no unavailability window');
  assert.ok(WINDOWED_GATES.some((gate) => (caughtBy ?? '').includes(gate)), `no windowed gate caught the kill: ${caughtBy}`);
}

test('the report of a real run with a leader kill and a hostile target draws, marks the fault and stays inert', { skip: chromiumSkipReason(), timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-real-report-'));
  const before = toolLeftovers();
  const { origin, server } = await startHostileServer();
  let cliPid: number | undefined;
  try {
    const file = join(dir, 'scenario.yaml');
    writeFileSync(file, scenario(origin));
    const out = join(dir, 'out');
    const runTmp = join(dir, 'tmp');
    mkdirSync(runTmp);
    const env = { TMPDIR: runTmp };

    const run = await runBounded(['run', file, '-o', out, '--report', join(dir, 'run-report.html'), '--quiet'], env, 90_000, (pid) => (cliPid = pid));
    // Exit 1: the run completed and a gate failed (the windowed ones catch the kill); 3 would be a broken run.
    assert.equal(run.code, 1, `exit ${run.code}\n${run.stderr}`);
    const results = join(out, 'results.ndjson');
    const stream = readFileSync(results, 'utf8');
    for (const text of [BODY_TEXT, HEADER_TEXT]) assert.ok(stream.includes(JSON.stringify(text).slice(1, -1)), `the target's ${text} is not in the stream`);

    assert.deepEqual(processesNaming(dir), [], 'a process the run started is still running');
    assert.deepEqual(cgroupsOfRun(cliPid!), [], 'the run left cgroups');
    assert.deepEqual(newSince(before), [], 'the run left cgroups or namespaces');
    assert.deepEqual(readdirSync(runTmp), [], 'the cluster data folder was not removed');

    const screenshots = join(dir, 'screenshots');
    await checkReport(join(dir, 'run-report.html'), screenshots);

    const other = join(dir, 'other.html');
    const report = await runCli(['report', results, '--html', other], { timeoutMs: 60_000 });
    assert.equal(report.code, 0, report.stderr);
    await checkReport(other, screenshots);
  } finally {
    sweep(dir, cliPid);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
});
