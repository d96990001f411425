// Bounded memory and disk across many writes to the bundled Raft cluster:
//
//   node dist/bench/raft-memory.js [--writes 1000000] [--keys 10000] [--concurrency 64] [--with-etcd]
//
// Starts a three-node cluster (cluster-control's clusterUp: fsync on, default snapshotEvery) and
// drives exactly --writes acknowledged puts through etcd's v3 JSON API (POST /v3/kv/put, base64 key
// and ~100-byte value) over --keys distinct keys, from an undici Pool at the leader with
// --concurrency requests in flight (a failed put is retried under the same sequence number, so
// the count is exact; failures are counted). Every node's resident memory (VmRSS from
// /proc/<pid>/status) and data dir size (WAL + snapshots, apparent bytes) are sampled every 2 s
// and at every 50,000 acknowledged writes; the snapshots each node took come from its /metrics.
//
// Verdict: RSS is bounded if, on every node, RSS at the end is within 1.25× of RSS after the first
// 20% of writes (200,000 of 1,000,000); disk is bounded if it is at the end no more than 1.25× its
// largest size in the first 40% of writes (WAL segments are 64 MiB and are only dropped whole, so
// disk moves in steps of one segment before it levels off).
//
// --with-etcd runs the same writes against a three-member etcd (its defaults: --snapshot-count
// 100000 in 3.4, and no auto-compaction, so its MVCC history, and with it its bbolt file, grows with
// every write unless compacted) and samples it the same way, for a side-by-side figure.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'undici';
import { clusterDown, clusterStatus, clusterUp, waitForLeader } from '../fixtures/raft/cluster/cluster-control.js';
import { parseFlags } from './lib/args.js';
import { BenchError } from './lib/bench-error.js';
import { startEtcdCluster, stopEtcdCluster, waitForEtcdLeader } from './lib/etcd-cluster.js';
import { fmtInt, fmtRatio, table } from './lib/format.js';
import { residentBytes } from './lib/proc-stat.js';
import { runBench } from './lib/run-bench.js';

const USAGE = 'node dist/bench/raft-memory.js [--writes 1000000] [--keys 10000] [--concurrency 64] [--with-etcd]';
const SAMPLE_EVERY_MS = 2000;
const ROW_EVERY_WRITES = 50_000;
const RSS_LIMIT = 1.25;
const DISK_LIMIT = 1.25;
const VALUE_BYTES = 100;

interface Args extends Record<string, number | string | undefined> {
  writes: number;
  keys: number;
  concurrency: number;
}

interface Node {
  id: string;
  pid: number;
  dataDir: string;
  metricsUrl: string;
}

interface Sample {
  writes: number;
  atS: number;
  rss: Array<number | undefined>;
  disk: number[];
  snapshots: Array<number | undefined>;
}

/** Apparent size of every file under `dir` (0 for a file removed while walking). */
function dirBytes(dir: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += dirBytes(p);
    else {
      try {
        total += statSync(p).size;
      } catch {
        // removed meanwhile (a compacted segment)
      }
    }
  }
  return total;
}

async function metric(url: string, name: string): Promise<number | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    const text = await res.text();
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
    return m === null ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

/** Drives exactly `total` acknowledged puts; `onAck` sees the running count. */
async function drive(url: string, total: number, keys: number, concurrency: number, onAck: (acked: number) => void): Promise<{ seconds: number; failures: number }> {
  const pool = new Pool(url, { connections: concurrency, pipelining: 1 });
  const pad = 'v'.repeat(VALUE_BYTES);
  let next = 0;
  let acked = 0;
  let failures = 0;
  let consecutive = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      for (;;) {
        const body = JSON.stringify({
          key: Buffer.from(`mem/${String(i % keys).padStart(6, '0')}`).toString('base64'),
          value: Buffer.from(`${i}:${pad}`.slice(0, VALUE_BYTES)).toString('base64'),
        });
        try {
          const res = await pool.request({ path: '/v3/kv/put', method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
          const text = await res.body.text();
          if (res.statusCode === 200 && text.includes('"header"')) {
            consecutive = 0;
            onAck(++acked);
            break;
          }
        } catch {
          // counted below, then retried
        }
        failures++;
        if (++consecutive > 10_000) throw new BenchError(`${url}: 10,000 puts failed in a row`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await pool.destroy();
  }
  return { seconds: (performance.now() - started) / 1000, failures };
}

async function run(label: string, url: string, nodes: Node[], snapshotMetric: string, args: Args): Promise<string> {
  const samples: Sample[] = [];
  const pending: Array<Promise<void>> = [];
  const begun = performance.now();
  const sample = (writes: number): void => {
    const s: Sample = {
      writes,
      atS: (performance.now() - begun) / 1000,
      rss: nodes.map((n) => residentBytes(n.pid)),
      disk: nodes.map((n) => dirBytes(n.dataDir)),
      snapshots: nodes.map(() => undefined),
    };
    samples.push(s);
    pending.push(
      Promise.all(nodes.map((n) => metric(n.metricsUrl, snapshotMetric))).then((v) => {
        s.snapshots = v;
      }),
    );
  };
  let acked = 0;
  sample(0);
  const timer = setInterval(() => sample(acked), SAMPLE_EVERY_MS);
  let result;
  try {
    result = await drive(url, args.writes, args.keys, args.concurrency, (n) => {
      acked = n;
      if (n % ROW_EVERY_WRITES === 0 || n === args.writes) {
        sample(n);
        process.stderr.write(`${label}: ${fmtInt(n)} writes, ${((performance.now() - begun) / 1000).toFixed(0)} s\n`);
      }
    });
  } finally {
    clearInterval(timer);
  }
  await Promise.all(pending);
  return report(label, nodes, samples, args, result.seconds, result.failures);
}

function report(label: string, nodes: Node[], samples: Sample[], args: Args, seconds: number, failures: number): string {
  const mib = (b: number | undefined): string => (b === undefined ? '-' : (b / 1048576).toFixed(1));
  const rows = [['writes', 's', ...nodes.map((n) => `RSS ${n.id}`), ...nodes.map((n) => `disk ${n.id}`), ...nodes.map((n) => `snaps ${n.id}`)]];
  // Table rows: the start, each 50,000-write milestone (the sample taken as it was reached), the end.
  const milestones = samples.filter((s, i) => i === 0 || s.writes % ROW_EVERY_WRITES === 0 || s.writes === args.writes);
  const seen = new Set<number>();
  for (const s of milestones) {
    if (seen.has(s.writes)) continue;
    seen.add(s.writes);
    rows.push([fmtInt(s.writes), s.atS.toFixed(0), ...s.rss.map(mib), ...s.disk.map(mib), ...s.snapshots.map((x) => (x === undefined ? '-' : fmtInt(x)))]);
  }
  const maxOf = (pick: (s: Sample) => Array<number | undefined>, i: number): number => Math.max(...samples.map((s) => pick(s)[i] ?? 0));
  rows.push(['max', '', ...nodes.map((_, i) => mib(maxOf((s) => s.rss, i))), ...nodes.map((_, i) => mib(maxOf((s) => s.disk, i))), ...nodes.map(() => '')]);

  const early = Math.round(args.writes * 0.2);
  const atEarly = samples.find((s) => s.writes >= early) ?? samples[0]!;
  const last = samples[samples.length - 1]!;
  const rssRatios = nodes.map((_, i) => (last.rss[i] ?? NaN) / (atEarly.rss[i] ?? NaN));
  const worstRss = Math.max(...rssRatios.map((r) => (Number.isNaN(r) ? Infinity : r)));
  const firstPart = samples.filter((s) => s.writes <= args.writes * 0.4);
  const diskRatios = nodes.map((_, i) => last.disk[i]! / Math.max(1, ...firstPart.map((s) => s.disk[i]!)));
  const worstDisk = Math.max(...diskRatios);
  return [
    '',
    `${label}: ${fmtInt(args.writes)} puts (~${VALUE_BYTES}-byte values, ${fmtInt(args.keys)} keys, ${args.concurrency} in flight) in ${seconds.toFixed(0)} s = ${fmtInt(args.writes / seconds)} writes/s; ${fmtInt(failures)} failed puts retried`,
    'RSS and disk in MiB (disk: data dir, WAL + snapshots); snaps: snapshots taken',
    table(rows),
    `verdict ${label}: RSS at ${fmtInt(atEarly.writes)} writes → end: ${nodes.map((n, i) => `${n.id} ${mib(atEarly.rss[i])} → ${mib(last.rss[i])} (${fmtRatio(rssRatios[i]!)})`).join(', ')}; ` +
      `${worstRss <= RSS_LIMIT ? 'bounded' : 'NOT bounded'} (limit ${RSS_LIMIT}×)`,
    `verdict ${label}: disk at the end ${nodes.map((n, i) => `${n.id} ${mib(last.disk[i])}`).join(', ')} MiB; vs the largest in the first 40% of writes ${fmtRatio(worstDisk)}: ` +
      `${worstDisk <= DISK_LIMIT ? 'bounded' : 'NOT bounded'} (limit ${DISK_LIMIT}×)`,
  ].join('\n');
}

runBench('raft-memory', async (session) => {
  const argv = process.argv.slice(2);
  const withEtcd = argv.includes('--with-etcd');
  const args = parseFlags<Args>(argv.filter((a) => a !== '--with-etcd'), { writes: 1_000_000, keys: 10_000, concurrency: 64 }, {}, USAGE);
  const work = session.workDir('loadtest-raft-memory-');
  const clusterDir = join(work, 'raft');
  session.onCleanup(() => clusterDown(clusterDir).catch(() => {}));
  await clusterUp({ dir: clusterDir, nodes: 3, heartbeatMs: 100, electionMs: 1000 });
  const view = await waitForLeader(clusterDir, 30_000);
  const status = await clusterStatus(clusterDir);
  const nodes: Node[] = status.members.map((m) => {
    if (m.pid === null) throw new BenchError(`raft: node ${m.id} is not running`);
    return { id: m.id, pid: m.pid, dataDir: join(clusterDir, m.id, 'data'), metricsUrl: `${m.clientUrl}/metrics` };
  });
  const leaderUrl = view.members.find((m) => m.id === view.leader)!.clientUrl;
  process.stderr.write(`raft: 3 nodes, pids ${nodes.map((n) => `${n.id}=${n.pid}`).join(' ')}, leader ${view.leader}\n`);
  const out = [await run('raft', leaderUrl, nodes, 'raft_snapshots_taken_total', args)];
  await clusterDown(clusterDir);
  if (withEtcd && !session.interrupted) {
    const etcd = await startEtcdCluster(100, 1000);
    session.onCleanup(() => stopEtcdCluster(etcd));
    const leader = await waitForEtcdLeader(etcd.members, 30_000);
    const etcdNodes: Node[] = etcd.members.map((m) => ({ id: m.name, pid: m.child!.pid!, dataDir: m.dataDir, metricsUrl: `${m.clientUrl}/metrics` }));
    out.push(await run(`etcd ${etcd.version}`, leader.clientUrl, etcdNodes, 'etcd_debugging_snap_save_total_duration_seconds_count', args));
  }
  if (!session.interrupted) process.stdout.write(`${out.join('\n')}\n`);
});
