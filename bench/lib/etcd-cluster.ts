// A local three-member etcd cluster for side-by-side benches: Debian's etcd-server, one process
// per member on loopback ports, started and stopped by PID, its data in a temp dir removed after.
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../../fixtures/raft/cluster/free-ports.js';
import { BenchError } from './bench-error.js';
import { signal, start } from './processes.js';

export interface EtcdMember {
  name: string;
  clientUrl: string;
  dataDir: string;
  child: ChildProcess | null;
  args: string[];
  /** etcd's member id (decimal string), learned from the first status answer. */
  memberId?: string;
}

/** What POST /v3/maintenance/status says (uint64s are strings in etcd's JSON). */
export interface EtcdStatus {
  memberId: string;
  leader: string;
  term: number;
  raftIndex: number;
  appliedIndex: number;
}

export interface EtcdCluster {
  version: string;
  members: EtcdMember[];
  root: string;
}

export function requireEtcd(): string {
  const probe = spawnSync('etcd', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) throw new BenchError('etcd not found. On Debian: apt-get install -y etcd-server');
  return /etcd Version: (\S+)/.exec(probe.stdout)?.[1] ?? '?';
}

export async function startEtcdCluster(heartbeatMs: number, electionMs: number): Promise<EtcdCluster> {
  const version = requireEtcd();
  const root = mkdtempSync(join(tmpdir(), 'loadtest-etcd-'));
  const ports = await freePorts(6);
  const names = ['e1', 'e2', 'e3'];
  const peerUrl = (i: number): string => `http://127.0.0.1:${ports[2 * i + 1]}`;
  const initialCluster = names.map((n, i) => `${n}=${peerUrl(i)}`).join(',');
  const members: EtcdMember[] = names.map((name, i) => {
    const clientUrl = `http://127.0.0.1:${ports[2 * i]}`;
    const dataDir = join(root, name);
    const args = [
      '--name', name, '--data-dir', dataDir,
      '--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl,
      '--listen-peer-urls', peerUrl(i), '--initial-advertise-peer-urls', peerUrl(i),
      '--initial-cluster', initialCluster, '--initial-cluster-state', 'new', '--initial-cluster-token', 'loadtest-bench',
      '--heartbeat-interval', String(heartbeatMs), '--election-timeout', String(electionMs),
      '--log-level', 'error',
    ];
    return { name, clientUrl, dataDir, child: null, args };
  });
  for (const m of members) m.child = start('etcd', m.args);
  const cluster = { version, members, root };
  try {
    await waitForEtcdLeader(members, 30_000);
  } catch (error) {
    stopEtcdCluster(cluster);
    throw error;
  }
  return cluster;
}

/** The member that leads: the first that answers and names itself as leader. */
export async function etcdLeader(members: readonly EtcdMember[]): Promise<EtcdMember | null> {
  for (const m of members) {
    const s = await etcdStatus(m);
    if (s !== null && s.leader === s.memberId) return m;
  }
  return null;
}

/** One member's status, or null when it is down or does not answer within `timeoutMs`. */
export async function etcdStatus(m: EtcdMember, timeoutMs = 1000): Promise<EtcdStatus | null> {
  if (m.child === null) return null;
  try {
    const res = await fetch(`${m.clientUrl}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return null;
    const s = (await res.json()) as { header?: { member_id?: string; raft_term?: string }; leader?: string; raftIndex?: string; raftAppliedIndex?: string };
    if (s.header?.member_id === undefined || s.header.raft_term === undefined) return null;
    m.memberId = s.header.member_id;
    return {
      memberId: s.header.member_id,
      leader: s.leader ?? '0',
      term: Number(s.header.raft_term),
      raftIndex: Number(s.raftIndex ?? NaN),
      appliedIndex: Number(s.raftAppliedIndex ?? s.raftIndex ?? NaN),
    };
  } catch {
    return null;
  }
}

export async function waitForEtcdLeader(members: readonly EtcdMember[], timeoutMs: number): Promise<EtcdMember> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const leader = await etcdLeader(members);
    if (leader !== null) return leader;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new BenchError(`etcd elected no leader within ${timeoutMs} ms`);
}

/** Forgets a member's process after someone else killed it by its PID (and saw it die). */
export function forgetEtcdMember(m: EtcdMember): void {
  m.child = null;
}

export function restartEtcdMember(m: EtcdMember): void {
  // A restarted member rejoins from its data dir; the --initial-* flags are ignored then.
  m.child = start('etcd', m.args);
}

export function stopEtcdCluster(cluster: EtcdCluster): void {
  for (const m of cluster.members) if (m.child?.pid !== undefined) signal(m.child.pid, 'SIGKILL');
  rmSync(cluster.root, { recursive: true, force: true });
}
