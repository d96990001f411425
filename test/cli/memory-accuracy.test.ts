import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseServiceArgs } from '../../fixtures/shop/service-args.js';
import type { RecommendationDocument } from '../../reports/capacity/recommendation-json.js';
import type { HeaderRecord, ResourceRecord } from '../../scenarios/results/results-format.js';
import { readResults } from '../../scenarios/results/results-reader.js';
import { runCli, spawnCli } from '../helpers/cli.js';

// The issue's accuracy requirement, "memory recommendations track a service with a known working
// set within 10%", through the real program. The shop's payment service is searched twice, the same
// way, once holding nothing and once holding 256 MiB (`--hold-memory`: resident Buffers kept for its
// lifetime), and each stream goes through `loadtest recommend`.
//
// What is known independently of the tool:
// - the difference: the two services differ by exactly the held 256 MiB, so the two memory requests
//   (peak working set × 1.15, rounded up to 4 MiB) must differ by 256 MiB × 1.15, within 10%;
// - the absolute level: while each run goes on, the test reads the service process itself every
//   100 ms. Its PID is found as the child of the CLI process this test spawned whose command line is
//   the payment service: the launcher starts a replica as
//   `/bin/sh -c 'echo $$ > cgroup.procs && exec "$@"' sh node payment-main.js ...`, so the shell's PID
//   becomes the service's (the results header names replicas, not PIDs). Nothing is ever killed
//   here: the CLI stops its own targets.
//   The process's figure compared is its private resident set, RssAnon + RssShmem, not VmRSS:
//   VmRSS also counts the file pages it maps (about 40 MiB of node binary and libraries), and a
//   cgroup is charged for a page-cache page only if it read it first; the node binary was read long
//   before by other processes, so those pages are charged elsewhere and are in no replica's working
//   set (VmRSS is printed for the record). The cgroup is also charged kernel memory (page tables,
//   socket buffers: about 1 MiB here) that no per-process counter shows, so the tolerance is 10% or
//   2 MiB, whichever is larger (the 2 MiB matters only for the idle run's ~12 MiB).
// - the pipeline: the test also reads the replica's own cgroup (found from /proc/<pid>/cgroup) the
//   way the collector defines a working set (usage less inactive page cache), so a peak lost or
//   mangled between the collector, the stream and `recommend` shows as a difference there.

const PAYMENT = fileURLToPath(new URL('../../fixtures/shop/payment-main.js', import.meta.url));
const MiB = 1024 * 1024;
const HELD_BYTES = 256 * MiB;
const MEMORY_MARGIN = 0.15;
const TOLERANCE = 0.1;

function search(hold: string): string {
  return `name: payment-hold-${hold}
target: payment
targets:
  payment:
    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(PAYMENT)}, --port, "{{port}}", --latency, 0ms, --failure-rate, "0", --cpu-ms, "1", --hold-memory, ${JSON.stringify(hold)}]
    replicas: 1
    ready: "http://127.0.0.1:{{port}}/health"
    resources: { requests: { cpu: 250m, memory: 64Mi }, limits: { cpu: 250m, memory: 512Mi } }
flows: [ { name: pay, steps: [ { name: pay, request: { method: POST, url: /pay, json: { orderId: "{{iteration}}", amountCents: 100 } } } ] } ]
phases:
  - { name: search, executor: capacity-search, from: 20, to: 60, step: 20, levelDuration: 3s, warmup: 1s, refine: 0, slo: { p99: 100ms, errors: 1% } }
`;
}

/** PIDs of the direct children of `parent` whose command line runs the payment service. */
function paymentChildren(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parent) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(PAYMENT)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

interface ProcessMemory {
  vmRss: number;
  /** RssAnon + RssShmem: what the process alone made resident. */
  privateRss: number;
}

function processMemory(pid: number): ProcessMemory | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kB = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    const memory = { vmRss: kB('VmRSS'), privateRss: kB('RssAnon') + kB('RssShmem') };
    return Number.isFinite(memory.vmRss) && Number.isFinite(memory.privateRss) ? memory : null;
  } catch {
    return null;
  }
}

/**
 * The working set of the process's memory cgroup (usage − inactive page cache, v1 or v2); null when
 * unreadable or not yet a launcher's replica group (`/loadtest-<runId>/<replica>`): before the
 * wrapper shell has joined, the PID is still in the CLI's group, often the root (the whole machine).
 */
function cgroupWorkingSet(pid: number): number | null {
  try {
    const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
    const v1 = lines.map((line) => /^\d+:(?:[^:]*,)?memory(?:,[^:]*)?:(.*)$/.exec(line)?.[1]).find((path) => path !== undefined);
    const path = v1 ?? /^0::(.*)$/m.exec(lines.join('\n'))?.[1] ?? '';
    if (!/\/loadtest-[^/]+\/[^/]+$/.test(path)) return null;
    const dir = v1 !== undefined ? `/sys/fs/cgroup/memory${path}` : `/sys/fs/cgroup${path}`;
    const usage = Number(readFileSync(join(dir, v1 !== undefined ? 'memory.usage_in_bytes' : 'memory.current'), 'utf8'));
    const stat = readFileSync(join(dir, 'memory.stat'), 'utf8');
    const inactive = Number(new RegExp(`^${v1 !== undefined ? 'total_inactive_file' : 'inactive_file'} (\\d+)$`, 'm').exec(stat)?.[1] ?? NaN);
    return Number.isFinite(usage) && Number.isFinite(inactive) ? Math.max(0, usage - inactive) : null;
  } catch {
    return null;
  }
}

interface Measured {
  hold: string;
  header: HeaderRecord;
  /** Highest VmRSS of any payment process the test saw during the run. */
  peakVmRssBytes: number;
  /** Highest RssAnon + RssShmem. */
  peakPrivateRssBytes: number;
  /** Highest working set of the replica's cgroup as the test read it; 0 when never readable. */
  peakCgroupWorkingSetBytes: number;
  rssSamples: number;
  pids: number[];
  /** Highest workingSetBytes of the stream's resource records for payment. */
  peakStreamWorkingSetBytes: number;
  recommendation: RecommendationDocument;
  runMs: number;
}

/** `loadtest run` with the test reading the service's VmRSS every 100 ms, then `loadtest recommend`. */
async function measure(dir: string, hold: string): Promise<Measured> {
  const file = join(dir, `hold-${hold}.yaml`);
  writeFileSync(file, search(hold));
  const out = join(dir, `run-${hold}`);
  const began = performance.now();
  const { child, result } = spawnCli(['run', file, '--out', out, '--quiet']);
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const cli = child.pid!;
  const pids = new Set<number>();
  let peakVmRssBytes = 0;
  let peakPrivateRssBytes = 0;
  let peakCgroupWorkingSetBytes = 0;
  let rssSamples = 0;
  let tick = 0;
  const sampler = setInterval(() => {
    // Look for the replica until found, then now and then (a restarted replica has a new PID).
    if (pids.size === 0 || tick++ % 10 === 0) for (const pid of paymentChildren(cli)) pids.add(pid);
    for (const pid of pids) {
      const memory = processMemory(pid);
      if (memory === null) continue;
      rssSamples++;
      peakVmRssBytes = Math.max(peakVmRssBytes, memory.vmRss);
      peakPrivateRssBytes = Math.max(peakPrivateRssBytes, memory.privateRss);
      peakCgroupWorkingSetBytes = Math.max(peakCgroupWorkingSetBytes, cgroupWorkingSet(pid) ?? 0);
    }
  }, 100);
  let run;
  try {
    run = await result;
  } finally {
    clearInterval(sampler);
    clearTimeout(killer);
  }
  const runMs = performance.now() - began;
  assert.equal(run.code, 0, run.stderr);
  const results = join(out, 'results.ndjson');
  const stream = readResults(results);
  const resources = stream.records.filter((r): r is ResourceRecord => r.type === 'resource' && r.target === 'payment');
  const peakStreamWorkingSetBytes = Math.max(0, ...resources.map((r) => r.workingSetBytes ?? 0));
  const json = join(dir, `recommendation-${hold}.json`);
  const recommend = await runCli(['recommend', results, '--peak', '50/s', '-o', json]);
  assert.equal(recommend.code, 0, recommend.stderr);
  const recommendation = JSON.parse(readFileSync(json, 'utf8')) as RecommendationDocument;
  return { hold, header: stream.header, peakVmRssBytes, peakPrivateRssBytes, peakCgroupWorkingSetBytes, rssSamples, pids: [...pids], peakStreamWorkingSetBytes, recommendation, runMs };
}

const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`;
const pct = (got: number, expected: number): string => `${(((got - expected) / expected) * 100).toFixed(1)}%`;

describe('memory recommendations track a known working set', { timeout: 300_000 }, () => {
  let dir: string;
  let idle: Measured;
  let holding: Measured;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loadtest-memory-accuracy-'));
    idle = await measure(dir, '0');
    holding = await measure(dir, '256Mi');
    for (const m of [idle, holding]) {
      const sizing = m.recommendation.targets.payment!.sizing;
      console.log(
        `# hold ${m.hold}: run ${(m.runMs / 1000).toFixed(1)} s; peakWorkingSet ${mib(sizing.peakWorkingSetBytes)}, stream max ${mib(m.peakStreamWorkingSetBytes)}, ` +
          `private RSS max ${mib(m.peakPrivateRssBytes)} (${pct(sizing.peakWorkingSetBytes, m.peakPrivateRssBytes)}), cgroup read by the test ${mib(m.peakCgroupWorkingSetBytes)} (${pct(sizing.peakWorkingSetBytes, m.peakCgroupWorkingSetBytes)}), ` +
          `VmRSS max ${mib(m.peakVmRssBytes)} (${pct(sizing.peakWorkingSetBytes, m.peakVmRssBytes)}; ${m.rssSamples} samples, pids ${m.pids.join(',')}); ` +
          `memory request ${m.recommendation.targets.payment!.memory.request.quantity}`,
      );
    }
  });
  after(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const unenforced = (): string | null => {
    const off = [idle, holding].find((m) => m.header.targets?.payment?.enforced !== true);
    return off === undefined ? null : `the run with --hold-memory ${off.hold} was not in cgroups (header.targets.payment.enforced is not true): its working set is not the cgroup's, so accuracy cannot be judged`;
  };

  it('the difference of the memory requests ÷ 1.15 is the held 256 MiB, within 10%', (t) => {
    const why = unenforced();
    if (why !== null) return t.skip(why);
    const delta = holding.recommendation.targets.payment!.memory.request.bytes - idle.recommendation.targets.payment!.memory.request.bytes;
    const tracked = delta / (1 + MEMORY_MARGIN);
    console.log(`# request delta ${mib(delta)} ÷ ${1 + MEMORY_MARGIN} = ${mib(tracked)} vs held ${mib(HELD_BYTES)}: ${pct(tracked, HELD_BYTES)}`);
    assert.ok(Math.abs(tracked - HELD_BYTES) <= TOLERANCE * HELD_BYTES, `(request delta ${mib(delta)}) ÷ 1.15 = ${mib(tracked)}, held ${mib(HELD_BYTES)}`);
    // The same on the unrounded peaks: the rounding to 4 MiB steps is not what makes it pass.
    const peaks = holding.recommendation.targets.payment!.sizing.peakWorkingSetBytes - idle.recommendation.targets.payment!.sizing.peakWorkingSetBytes;
    assert.ok(Math.abs(peaks - HELD_BYTES) <= TOLERANCE * HELD_BYTES, `peak working sets differ by ${mib(peaks)}, held ${mib(HELD_BYTES)}`);
  });

  it('the peak working set is the highest private resident set the test read from /proc, and its cgroup’s, within 10%', (t) => {
    const why = unenforced();
    if (why !== null) return t.skip(why);
    for (const m of [idle, holding]) {
      const peak = m.recommendation.targets.payment!.sizing.peakWorkingSetBytes;
      assert.ok(m.rssSamples > 0 && m.pids.length > 0, `hold ${m.hold}: the test found the payment process (${m.rssSamples} samples)`);
      const allowed = Math.max(TOLERANCE * m.peakPrivateRssBytes, 2 * MiB);
      assert.ok(Math.abs(peak - m.peakPrivateRssBytes) <= allowed, `hold ${m.hold}: peakWorkingSetBytes ${mib(peak)} vs private RSS (RssAnon + RssShmem) ${mib(m.peakPrivateRssBytes)}`);
      assert.ok(m.peakCgroupWorkingSetBytes > 0, `hold ${m.hold}: the test read the replica's cgroup`);
      assert.ok(Math.abs(peak - m.peakCgroupWorkingSetBytes) <= TOLERANCE * m.peakCgroupWorkingSetBytes, `hold ${m.hold}: peakWorkingSetBytes ${mib(peak)} vs the cgroup read by the test ${mib(m.peakCgroupWorkingSetBytes)}`);
      // And it is one of the stream's own samples.
      assert.ok(peak <= m.peakStreamWorkingSetBytes, `hold ${m.hold}: peak ${mib(peak)} ≤ stream max ${mib(m.peakStreamWorkingSetBytes)}`);
    }
    // The service with the known working set, absolutely: the idle baseline plus the held 256 MiB.
    const expected = idle.peakPrivateRssBytes + HELD_BYTES;
    const peak = holding.recommendation.targets.payment!.sizing.peakWorkingSetBytes;
    assert.ok(Math.abs(peak - expected) <= TOLERANCE * expected, `hold 256Mi: peakWorkingSetBytes ${mib(peak)} vs idle private RSS + 256 MiB = ${mib(expected)}`);
  });
});

describe("service-args: the 'size' kind", () => {
  it('reads memory quantities as bytes and refuses anything else, naming the option', () => {
    const kinds = { 'hold-memory': 'size' } as const;
    assert.equal(parseServiceArgs(['--hold-memory', '256Mi'], kinds)['hold-memory'], 256 * MiB);
    assert.equal(parseServiceArgs(['--hold-memory', '1Gi'], kinds)['hold-memory'], 1024 * MiB);
    assert.equal(parseServiceArgs(['--hold-memory', '512M'], kinds)['hold-memory'], 512e6);
    assert.equal(parseServiceArgs(['--hold-memory', '0'], kinds)['hold-memory'], 0);
    assert.equal(parseServiceArgs([], kinds)['hold-memory'], undefined);
    assert.throws(() => parseServiceArgs(['--hold-memory', 'lots'], kinds), /^Error: --hold-memory: expected a memory quantity/);
    assert.throws(() => parseServiceArgs(['--hold-memory', '256m'], kinds), /--hold-memory: "m" means thousandths of a byte/);
  });
});
