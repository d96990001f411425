// The bundled Raft KV cluster side by side with etcd, in one run on this machine:
//
//   node dist/bench/raft-vs-etcd.js [--seconds 15] [--vus 32] [--kills 5]
//
// Both are three local processes with the same heartbeat (100 ms) and election timeout (1,000 ms),
// fsync on, driven by `loadtest run` through etcd's v3 JSON API at the leader with the same number
// of closed-model users: writes (put of a 64-byte value to one of 1,000 keys), then linearizable
// reads of the same keys. Then leader failover: a prober writes without pause (round-robin over
// the other members, 500 ms timeout per write), the leader is SIGKILLed, and the window is the time
// from the kill to the first acknowledged write sent after it; the killed member is restarted and
// the cluster settles before the next kill. Medians of `--kills` kills.
//
// Installs nothing. Needs Debian's etcd-server (`apt-get install -y etcd-server`), taskset, and a
// built tree.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterDown, clusterKill, clusterRestart, clusterStatus, clusterUp, waitForLeader } from '../fixtures/raft/cluster/cluster-control.js';
import { parseFlags } from './lib/args.js';
import { BenchError } from './lib/bench-error.js';
import { etcdLeader, killEtcdMember, restartEtcdMember, startEtcdCluster, stopEtcdCluster, waitForEtcdLeader, type EtcdCluster } from './lib/etcd-cluster.js';
import { runScenario } from './lib/loadtest-cli.js';
import { stopAll } from './lib/processes.js';

const USAGE = 'node dist/bench/raft-vs-etcd.js [--seconds 15] [--vus 32] [--kills 5]';
const HEARTBEAT_MS = 100;
const ELECTION_MS = 1000;

interface Args extends Record<string, number | string | undefined> {
  seconds: number;
  vus: number;
  kills: number;
}

interface SystemFigures {
  writeRps: number;
  writeP99: number;
  writeErrors: number;
  readRps: number;
  readP99: number;
  readErrors: number;
  /** Failover windows in ms, one per kill. */
  windows: number[];
}

/** How a bench drives one system: its leader's URL, the other members, a kill and a restart. */
interface System {
  name: string;
  leaderUrl(): Promise<string>;
  memberUrls(): Promise<string[]>;
  killLeader(): Promise<string>;
  restartKilled(id: string): Promise<void>;
}

function kvScenario(name: string, target: string, vus: number, seconds: number, step: 'put' | 'range'): string {
  const key = `{{base64 (concat "bench/" (randomInt 1 1000))}}`;
  const body = step === 'put' ? `{ key: '${key}', value: "{{base64 (randomString 64)}}" }` : `{ key: '${key}' }`;
  return (
    `name: ${name}\ntarget: ${target}\nhttp: { connections: ${vus} }\ndefaults: { timeout: 5s }\n` +
    `flows: [ { name: ${step}, steps: [ { name: ${step}, request: { method: POST, url: /v3/kv/${step}, json: ${body} }, check: { status: 200 } } ] } ]\n` +
    `phases: [ { name: steady, executor: constant-vus, vus: ${vus}, duration: ${seconds}s } ]\n`
  );
}

async function measure(system: System, args: Args, dir: string): Promise<SystemFigures> {
  const leader = await system.leaderUrl();
  // A short warm-up so both start from a cluster that has written before.
  await runScenario(dir, `${system.name}-warmup`, kvScenario('warmup', leader, args.vus, 3, 'put'), 3);
  const writes = await runScenario(dir, `${system.name}-write`, kvScenario(`${system.name}-write`, leader, args.vus, args.seconds, 'put'), args.seconds);
  const reads = await runScenario(dir, `${system.name}-read`, kvScenario(`${system.name}-read`, leader, args.vus, args.seconds, 'range'), args.seconds);
  const windows: number[] = [];
  for (let k = 0; k < args.kills; k++) windows.push(await failoverWindow(system));
  return {
    writeRps: writes.summary.overall.rps,
    writeP99: writes.summary.overall.latency.p99,
    writeErrors: writes.summary.overall.errors,
    readRps: reads.summary.overall.rps,
    readP99: reads.summary.overall.latency.p99,
    readErrors: reads.summary.overall.errors,
    windows,
  };
}

/** Kills the leader under a steady write prober; ms from the kill to the first acknowledged write sent after it. */
async function failoverWindow(system: System): Promise<number> {
  const leader = await system.leaderUrl();
  const others = (await system.memberUrls()).filter((u) => u !== leader);
  let killedAt = Number.POSITIVE_INFINITY;
  let recoveredAt = Number.NaN;
  let stop = false;
  let n = 0;
  const probe = async (): Promise<void> => {
    while (!stop) {
      const url = others[n++ % others.length] as string;
      const sentAt = performance.now();
      try {
        const res = await fetch(`${url}/v3/kv/put`, {
          method: 'POST',
          body: JSON.stringify({ key: Buffer.from('failover/probe').toString('base64'), value: Buffer.from(String(sentAt)).toString('base64') }),
          signal: AbortSignal.timeout(500),
        });
        await res.arrayBuffer();
        if (res.ok && sentAt > killedAt && Number.isNaN(recoveredAt)) recoveredAt = performance.now();
      } catch {
        // unavailable: try the next member
      }
    }
  };
  const probers = [probe(), probe(), probe(), probe()];
  await new Promise((r) => setTimeout(r, 500));
  killedAt = performance.now();
  const killed = await system.killLeader();
  const until = Date.now() + 30_000;
  while (Number.isNaN(recoveredAt) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  stop = true;
  await Promise.all(probers);
  await system.restartKilled(killed);
  await new Promise((r) => setTimeout(r, 1500));
  if (Number.isNaN(recoveredAt)) throw new BenchError(`${system.name}: no write succeeded within 30 s of killing the leader`);
  return recoveredAt - killedAt;
}

function ours(dir: string): System {
  return {
    name: 'raft',
    leaderUrl: async () => {
      const view = await waitForLeader(dir, 30_000);
      return view.members.find((m) => m.id === view.leader)?.clientUrl ?? '';
    },
    memberUrls: async () => (await clusterStatus(dir)).members.map((m) => m.clientUrl),
    killLeader: async () => {
      const [id] = await clusterKill(dir, 'leader');
      if (id === undefined) throw new BenchError('raft: no leader to kill');
      return id;
    },
    restartKilled: async (id) => {
      await clusterRestart(dir, id);
      const until = Date.now() + 30_000;
      while (Date.now() < until) {
        const view = await clusterStatus(dir);
        if (view.leader !== null && view.members.every((m) => m.status !== null)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new BenchError('raft: the cluster did not settle after a restart');
    },
  };
}

function etcd(cluster: EtcdCluster): System {
  return {
    name: 'etcd',
    leaderUrl: async () => (await waitForEtcdLeader(cluster.members, 30_000)).clientUrl,
    memberUrls: async () => cluster.members.map((m) => m.clientUrl),
    killLeader: async () => {
      const leader = await etcdLeader(cluster.members);
      if (leader === null) throw new BenchError('etcd: no leader to kill');
      killEtcdMember(leader);
      return leader.name;
    },
    restartKilled: async (name) => {
      const m = cluster.members.find((x) => x.name === name);
      if (m === undefined) return;
      restartEtcdMember(m);
      const until = Date.now() + 30_000;
      while (Date.now() < until) {
        const healthy = await Promise.all(cluster.members.map((x) => fetch(`${x.clientUrl}/health`, { signal: AbortSignal.timeout(500) }).then((r) => r.ok, () => false)));
        if (healthy.every(Boolean)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new BenchError('etcd: the cluster did not settle after a restart');
    },
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function report(r: SystemFigures, e: SystemFigures, etcdVersion: string, args: Args): string {
  const row = (label: string, a: number, b: number, unit: string, better: 'higher' | 'lower'): string =>
    `${label.padEnd(30)} ${`${a.toFixed(unit === 'ms' ? 1 : 0)} ${unit}`.padStart(14)} ${`${b.toFixed(unit === 'ms' ? 1 : 0)} ${unit}`.padStart(14)} ${`${(a / b).toFixed(2)}x`.padStart(8)}  (${better} is better)`;
  return [
    `3 nodes each, heartbeat ${HEARTBEAT_MS} ms, election ${ELECTION_MS} ms, fsync on; ${args.vus} users, ${args.seconds} s per leg; etcd ${etcdVersion}`,
    `${''.padEnd(30)} ${'raft'.padStart(14)} ${'etcd'.padStart(14)} ${'ratio'.padStart(8)}`,
    row('write throughput', r.writeRps, e.writeRps, 'req/s', 'higher'),
    row('write p99', r.writeP99, e.writeP99, 'ms', 'lower'),
    row('linearizable read throughput', r.readRps, e.readRps, 'req/s', 'higher'),
    row('linearizable read p99', r.readP99, e.readP99, 'ms', 'lower'),
    row(`failover window (median of ${args.kills})`, median(r.windows), median(e.windows), 'ms', 'lower'),
    `errors: raft ${r.writeErrors} writes / ${r.readErrors} reads; etcd ${e.writeErrors} writes / ${e.readErrors} reads`,
    `failover windows (ms): raft ${r.windows.map((w) => w.toFixed(0)).join(', ')}; etcd ${e.windows.map((w) => w.toFixed(0)).join(', ')}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const args = parseFlags<Args>(process.argv.slice(2), { seconds: 15, vus: 32, kills: 5 }, {}, USAGE);
  const work = mkdtempSync(join(tmpdir(), 'loadtest-raft-vs-etcd-'));
  const clusterDir = join(work, 'raft');
  let etcdCluster: EtcdCluster | null = null;
  try {
    await clusterUp({ dir: clusterDir, nodes: 3, heartbeatMs: HEARTBEAT_MS, electionMs: ELECTION_MS });
    const raftFigures = await measure(ours(clusterDir), args, work);
    await clusterDown(clusterDir);
    etcdCluster = await startEtcdCluster(HEARTBEAT_MS, ELECTION_MS);
    const etcdFigures = await measure(etcd(etcdCluster), args, work);
    process.stdout.write(`${report(raftFigures, etcdFigures, etcdCluster.version, args)}\n`);
  } finally {
    await clusterDown(clusterDir).catch(() => {});
    if (etcdCluster !== null) stopEtcdCluster(etcdCluster);
    stopAll();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof BenchError ? error.message : (error as Error).stack}\n`);
  process.exitCode = 1;
});
