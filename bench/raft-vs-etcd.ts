// The bundled Raft KV cluster side by side with etcd, in one run on this machine:
//
//   node dist/bench/raft-vs-etcd.js [--seconds 15] [--vus 32] [--kills 5] [--retries 3]
//
// Both are three local processes with the same heartbeat (100 ms) and election timeout (1,000 ms),
// fsync on, driven by `loadtest run` through etcd's v3 JSON API at the leader with the same number
// of closed-model users: writes (put of a 64-byte value to one of 1,000 keys), then linearizable
// reads of the same keys.
//
// Then leader failover, `--kills` times (bench/lib/failover.ts has the steps). The failover window
// is: from the instant the killed leader's process is confirmed dead (SIGKILL sent to its PID, then
// /proc polled until it is gone) to the acknowledgement of the first write *sent* at or after that
// instant. The writes come from an open-loop prober that starts one every 5 ms, round-robin over
// the two surviving members only (never the one killed), each with a 500 ms timeout: so what is
// measured is how long the survivors take to elect a new leader and commit, not how long requests
// to a dead process take to fail. The window includes the latency of that first acknowledged write
// and up to 5 ms of probe spacing.
//
// A kill counts only if it was a real leader failover: before it, every member agreed on leader L
// and term T and was caught up, and L still said it led T just before the SIGKILL; after recovery,
// the survivors agree on a term > T and a leader other than L. A kill that fails this is reported
// as void and retried, at most `--retries` extra times per kill. Between kills the killed member is
// restarted and the cluster must be healthy again (all up, one leader, every member's applied
// index equal) before the next kill. Each counted window and the median are printed.
//
// Installs nothing. Needs Debian's etcd-server (`apt-get install -y etcd-server`), taskset, and a
// built tree.
import { join } from 'node:path';
import { clusterDown, clusterRestart, clusterStatus, clusterUp, waitForLeader } from '../fixtures/raft/cluster/cluster-control.js';
import { parseFlags } from './lib/args.js';
import { etcdStatus, forgetEtcdMember, restartEtcdMember, startEtcdCluster, stopEtcdCluster, waitForEtcdLeader, type EtcdCluster } from './lib/etcd-cluster.js';
import { describe, measureFailover, type FailoverResult, type FailoverTarget, type MemberState } from './lib/failover.js';
import { runScenario } from './lib/loadtest-cli.js';
import { runBench } from './lib/run-bench.js';

const USAGE = 'node dist/bench/raft-vs-etcd.js [--seconds 15] [--vus 32] [--kills 5] [--retries 3]';
const HEARTBEAT_MS = 100;
const ELECTION_MS = 1000;

interface Args extends Record<string, number | string | undefined> {
  seconds: number;
  vus: number;
  kills: number;
  retries: number;
}

interface SystemFigures {
  writeRps: number;
  writeP99: number;
  writeErrors: number;
  readRps: number;
  readP99: number;
  readErrors: number;
  failover: FailoverResult;
}

/** How a bench drives one system: its leader's URL for the load legs, and the failover target. */
interface System {
  name: string;
  leaderUrl(): Promise<string>;
  failover: FailoverTarget;
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
  const failover = await measureFailover(system.failover, args.kills, args.retries, (line) => process.stderr.write(`${line}\n`));
  return {
    writeRps: writes.summary.overall.rps,
    writeP99: writes.summary.overall.latency.p99,
    writeErrors: writes.summary.overall.errors,
    readRps: reads.summary.overall.rps,
    readP99: reads.summary.overall.latency.p99,
    readErrors: reads.summary.overall.errors,
    failover,
  };
}

function ours(dir: string): System {
  return {
    name: 'raft',
    leaderUrl: async () => {
      const view = await waitForLeader(dir, 30_000);
      return view.members.find((m) => m.id === view.leader)?.clientUrl ?? '';
    },
    failover: {
      name: 'raft',
      members: async () =>
        (await clusterStatus(dir)).members.map(
          (m): MemberState => ({
            id: m.id,
            clientUrl: m.clientUrl,
            pid: m.pid,
            view: m.status === null ? null : { term: m.status.term, leader: m.status.leader, role: m.status.role === 'leader' ? 'leader' : 'other', applied: m.status.applied, commit: m.status.commit },
          }),
        ),
      restart: async (id) => {
        await clusterRestart(dir, id);
      },
      killed: () => {},
    },
  };
}

function etcd(cluster: EtcdCluster): System {
  const byName = (name: string) => cluster.members.find((m) => m.name === name);
  return {
    name: 'etcd',
    leaderUrl: async () => (await waitForEtcdLeader(cluster.members, 30_000)).clientUrl,
    failover: {
      name: 'etcd',
      members: async () => {
        const statuses = await Promise.all(cluster.members.map((m) => etcdStatus(m)));
        const nameOf = (memberId: string): string | null => cluster.members.find((m) => m.memberId === memberId)?.name ?? null;
        return cluster.members.map((m, i): MemberState => {
          const s = statuses[i] ?? null;
          const alive = m.child !== null && m.child.exitCode === null && m.child.signalCode === null;
          return {
            id: m.name,
            clientUrl: m.clientUrl,
            pid: alive ? (m.child?.pid ?? null) : null,
            view: s === null ? null : { term: s.term, leader: s.leader === '0' ? null : nameOf(s.leader), role: s.leader === s.memberId ? 'leader' : 'other', applied: s.appliedIndex, commit: s.raftIndex },
          };
        });
      },
      restart: async (name) => {
        const m = byName(name);
        if (m !== undefined) restartEtcdMember(m);
      },
      killed: (name) => {
        const m = byName(name);
        if (m !== undefined) forgetEtcdMember(m);
      },
    },
  };
}

function report(r: SystemFigures, e: SystemFigures, etcdVersion: string, args: Args): string {
  const row = (label: string, a: number, b: number, unit: string, better: 'higher' | 'lower'): string =>
    `${label.padEnd(30)} ${`${a.toFixed(unit === 'ms' ? 1 : 0)} ${unit}`.padStart(14)} ${`${b.toFixed(unit === 'ms' ? 1 : 0)} ${unit}`.padStart(14)} ${`${(a / b).toFixed(2)}x`.padStart(8)}  (${better} is better)`;
  const windows = (f: FailoverResult): string => f.windows.map((w) => w.toFixed(0)).join(', ');
  const voids = (name: string, f: FailoverResult): string[] => f.voided.map((a) => `  ${name} void kill: ${describe(a)}`);
  return [
    `3 nodes each, heartbeat ${HEARTBEAT_MS} ms, election ${ELECTION_MS} ms, fsync on; ${args.vus} users, ${args.seconds} s per leg; etcd ${etcdVersion}`,
    `${''.padEnd(30)} ${'raft'.padStart(14)} ${'etcd'.padStart(14)} ${'ratio'.padStart(8)}`,
    row('write throughput', r.writeRps, e.writeRps, 'req/s', 'higher'),
    row('write p99', r.writeP99, e.writeP99, 'ms', 'lower'),
    row('linearizable read throughput', r.readRps, e.readRps, 'req/s', 'higher'),
    row('linearizable read p99', r.readP99, e.readP99, 'ms', 'lower'),
    row(`failover window (median of ${args.kills})`, r.failover.median, e.failover.median, 'ms', 'lower'),
    `errors: raft ${r.writeErrors} writes / ${r.readErrors} reads; etcd ${e.writeErrors} writes / ${e.readErrors} reads`,
    `failover windows (ms, process confirmed dead → first write sent after it acknowledged, via survivors): raft ${windows(r.failover)}; etcd ${windows(e.failover)}`,
    `every counted kill: term advanced and a different member leads; void kills retried: raft ${r.failover.voided.length}, etcd ${e.failover.voided.length}`,
    ...voids('raft', r.failover),
    ...voids('etcd', e.failover),
    `failover goal (raft median <= etcd median): ${r.failover.median <= e.failover.median ? 'met' : 'NOT met'}`,
  ].join('\n');
}

runBench('raft-vs-etcd', async (session) => {
  const args = parseFlags<Args>(process.argv.slice(2), { seconds: 15, vus: 32, kills: 5, retries: 3 }, {}, USAGE);
  const work = session.workDir('loadtest-raft-vs-etcd-');
  const clusterDir = join(work, 'raft');
  session.onCleanup(() => clusterDown(clusterDir).catch(() => {}));
  await clusterUp({ dir: clusterDir, nodes: 3, heartbeatMs: HEARTBEAT_MS, electionMs: ELECTION_MS });
  const raftFigures = await measure(ours(clusterDir), args, work);
  await clusterDown(clusterDir);
  if (session.interrupted) return;
  const etcdCluster = await startEtcdCluster(HEARTBEAT_MS, ELECTION_MS);
  session.onCleanup(() => stopEtcdCluster(etcdCluster));
  const etcdFigures = await measure(etcd(etcdCluster), args, work);
  if (session.interrupted) return;
  process.stdout.write(`${report(raftFigures, etcdFigures, etcdCluster.version, args)}\n`);
});
