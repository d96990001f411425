// Raft core throughput with zero-cost I/O: N pure cores in one process, one thread. Persist is a
// no-op, messages go synchronously to the addressed core's step(), apply is a counter. What is
// left is the core's own CPU cost per committed proposal.
//
//   node dist/bench/raft-core.js [--seconds 5] [--batch 256] [--nodes 3]
//
// Each round proposes `batch` 16-byte commands to the leader, then drains Ready from every node
// (ready → deliver messages → count applied → advance) until the leader has applied the whole
// batch. Every node ticks once per 10 ms of wall time (heartbeats, check-quorum), so the cluster
// stays healthy. A second row with batch 1 (no batching) runs on a fresh cluster for contrast.
// Each row runs an unmeasured warm-up (a tenth of its duration, at most 1 s) first, for the JIT.
//
// Goal (issue): a 3-node group commits >= 200,000 proposals/s on one core with batching.
// Configuration as the simulator's defaults: electionTicks 10, heartbeatTicks 1, preVote,
// checkQuorum, maxEntriesPerMessage 64, maxInflightMessages 256.
//
// Needs only a built tree (`npx tsc -p tsconfig.json`).

import { performance } from 'node:perf_hooks';
import { createRaftNode, emptyPersistedState, type RaftConfig, type RaftNode } from '../fixtures/raft/core/index.js';
import { parseFlags } from './lib/args.js';
import { BenchError } from './lib/bench-error.js';
import { fmtInt, table } from './lib/format.js';
import { runBench } from './lib/run-bench.js';
import { mulberry32 } from '../test/helpers/mulberry32.js';

const USAGE = 'node dist/bench/raft-core.js [--seconds 5] [--batch 256] [--nodes 3]';
const GOAL = 200_000;
const TICK_MS = 10;
const COMMAND_BYTES = 16;

interface Args extends Record<string, number | string | undefined> {
  seconds: number;
  batch: number;
  nodes: number;
}

interface Row {
  nodes: number;
  batch: number;
  committed: number;
  seconds: number;
  messages: number;
}

/** A pool of distinct 16-byte commands, built up front so the loop allocates none. */
function commands(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `cmd-${i.toString(16).padStart(COMMAND_BYTES - 4, '0')}`);
}

class Cluster {
  readonly nodes: RaftNode[];
  private readonly byId = new Map<string, RaftNode>();
  /** Messages delivered (every message is delivered: the network is perfect). */
  messages = 0;
  /** Normal entries the current leader applied. */
  appliedOnLeader = 0;
  /** Index of the last entry the current leader applied. */
  leaderApplied = 0;
  leader: RaftNode | null = null;

  constructor(size: number, seed: number) {
    const ids = Array.from({ length: size }, (_, i) => `n${i + 1}`);
    const random = mulberry32(seed);
    this.nodes = ids.map((id) => {
      const config: RaftConfig = {
        id,
        voters: ids,
        electionTicks: 10,
        heartbeatTicks: 1,
        random,
        preVote: true,
        checkQuorum: true,
        maxEntriesPerMessage: 64,
        maxInflightMessages: 256,
      };
      return createRaftNode(config, emptyPersistedState());
    });
    for (const n of this.nodes) this.byId.set(n.id, n);
  }

  tick(): void {
    for (const n of this.nodes) n.tick();
  }

  /** Drains Ready from every node until none has any. Persist is a no-op; delivery is synchronous. */
  pump(): void {
    let busy = true;
    while (busy) {
      busy = false;
      for (const node of this.nodes) {
        while (node.hasReady()) {
          busy = true;
          const rd = node.ready();
          if (rd.softState !== undefined) {
            if (rd.softState.role === 'leader') this.leader = node;
            else if (this.leader === node) this.leader = null;
          }
          // Persist: nothing to do. Send: straight into the addressed core.
          for (const m of rd.messages) {
            const to = this.byId.get(m.to);
            if (to !== undefined) {
              this.messages++;
              to.step(m);
            }
          }
          // Apply: count what the leader applies.
          if (node === this.leader) {
            for (const e of rd.committed) {
              if (e.kind === 'normal') this.appliedOnLeader++;
              this.leaderApplied = e.index;
            }
          }
          node.advance(rd);
        }
      }
    }
  }

  /** Ticks until a leader has committed and applied its no-op (so it can take proposals). */
  elect(): RaftNode {
    for (let t = 0; t < 10_000; t++) {
      this.tick();
      this.pump();
      const l = this.leader;
      if (l !== null) {
        const s = l.status();
        if (s.role === 'leader' && s.applied >= s.lastIndex) {
          this.leaderApplied = s.applied;
          return l;
        }
      }
    }
    throw new Error('no leader after 10,000 ticks');
  }
}

/** Runs rounds for `ms` of wall time; returns what was committed and delivered in that window. */
function drive(cluster: Cluster, cmds: string[], batch: number, ms: number): { committed: number; messages: number; seconds: number } {
  let next = 0;
  const appliedBefore = cluster.appliedOnLeader;
  const messagesBefore = cluster.messages;
  const start = performance.now();
  const end = start + ms;
  let nextTick = start + TICK_MS;
  let now = start;
  while (now < end) {
    let leader = cluster.leader;
    if (leader === null || leader.status().role !== 'leader') leader = cluster.elect();
    for (let i = 0; i < batch; i++) {
      leader.propose(cmds[next]!);
      next = next + 1 === cmds.length ? 0 : next + 1;
    }
    const target = leader.status().lastIndex;
    cluster.pump();
    // Zero-cost I/O commits in one drain; if not (a leader change, a lost lease), tick and retry.
    for (let spins = 0; cluster.leaderApplied < target && cluster.leader === leader; spins++) {
      if (spins > 1000) throw new Error(`batch ending at ${target} not committed (leader applied ${cluster.leaderApplied})`);
      cluster.tick();
      cluster.pump();
    }
    now = performance.now();
    if (now >= nextTick) {
      nextTick = now + TICK_MS;
      cluster.tick();
      cluster.pump();
    }
  }
  const seconds = (performance.now() - start) / 1000;
  return { committed: cluster.appliedOnLeader - appliedBefore, messages: cluster.messages - messagesBefore, seconds };
}

function runRow(nodes: number, batch: number, seconds: number, cmds: string[]): Row {
  const cluster = new Cluster(nodes, 1);
  cluster.elect();
  drive(cluster, cmds, batch, Math.min(1000, (seconds * 1000) / 10));
  const r = drive(cluster, cmds, batch, seconds * 1000);
  // Sanity: after one more heartbeat every node holds and has applied the leader's whole log.
  cluster.tick();
  cluster.pump();
  const last = cluster.leader?.status().lastIndex ?? -1;
  for (const n of cluster.nodes) {
    const s = n.status();
    if (s.lastIndex !== last || s.commit !== last || s.applied !== last) {
      throw new Error(`node ${n.id} diverged: lastIndex ${s.lastIndex}, commit ${s.commit}, applied ${s.applied}; leader lastIndex ${last}`);
    }
  }
  return { nodes, batch, committed: r.committed, seconds: r.seconds, messages: r.messages };
}

runBench('raft-core', async () => {
  const args = parseFlags<Args>(process.argv.slice(2), { seconds: 5, batch: 256, nodes: 3 }, {}, USAGE);
  if (args.nodes > 99) throw new BenchError('--nodes expects at most 99');
  const cmds = commands(4096);

  const rows = [runRow(args.nodes, args.batch, args.seconds, cmds)];
  if (args.batch !== 1) rows.push(runRow(args.nodes, 1, args.seconds, cmds));

  const rate = (r: Row): number => r.committed / r.seconds;
  console.log(`raft-core: ${args.nodes} in-process cores, zero-cost I/O (persist no-op, synchronous delivery), one thread, node ${process.version}`);
  console.log(
    table([
      ['nodes', 'batch', 'committed', 'seconds', 'proposals/s', 'msgs/proposal'],
      ...rows.map((r) => [
        String(r.nodes),
        String(r.batch),
        fmtInt(r.committed),
        r.seconds.toFixed(2),
        fmtInt(rate(r)),
        r.committed === 0 ? '-' : (r.messages / r.committed).toFixed(3),
      ]),
    ]),
  );
  const main = rows[0]!;
  const met = rate(main) >= GOAL;
  console.log(
    `goal      ${fmtInt(GOAL)} proposals/s (${args.nodes} nodes, batch ${main.batch}): ${met ? 'met' : 'NOT met'} ` +
      `(${fmtInt(rate(main))}/s = ${((rate(main) / GOAL) * 100).toFixed(0)}% of goal)`,
  );
  if (!met) process.exitCode = 1;
});
