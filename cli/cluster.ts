// `loadtest cluster …`: start, inspect, break and stop the bundled Raft KV cluster on this machine.
// Every subcommand takes the same --dir: the cluster's state file there outlives the CLI.
import { Command, Option } from 'commander';
import {
  clusterDown,
  clusterHeal,
  clusterIsolate,
  clusterKill,
  clusterPartition,
  clusterPause,
  clusterRestart,
  clusterResume,
  clusterStatus,
  clusterUp,
  type ClusterView,
} from '../fixtures/raft/cluster/cluster-control.js';
import { clusterAdd, clusterRemove, clusterTransfer } from '../fixtures/raft/cluster/cluster-membership.js';
import { ClusterStateMissing } from '../fixtures/raft/cluster/cluster-state.js';
import { parseDuration } from '../scenarios/language/duration.js';
import { CliExit, EXIT } from './exit-codes.js';

const DEFAULT_DIR = '.loadtest-cluster';

function dirOption(): Option {
  return new Option('--dir <dir>', 'the cluster\'s data directory (holds its state file)').default(DEFAULT_DIR);
}

export function clusterCommand(): Command {
  const cluster = new Command('cluster').description('run the bundled Raft key-value cluster locally: one process per node');

  cluster
    .command('up')
    .description('start a cluster and wait for a leader; prints the client endpoints')
    .addOption(dirOption())
    .option('--nodes <n>', 'number of nodes', '3')
    .option('--base-port <port>', 'node i listens for clients on port+2i and peers on port+2i+1 (default: free ports); with --network netns every node uses port and port+1 (default 2379)')
    .addOption(new Option('--network <kind>', 'loopback: every node on 127.0.0.1; netns: each node in its own network namespace on a private bridge, partitions by iptables (root, iproute2, iptables)').choices(['loopback', 'netns']).default('loopback'))
    .option('--heartbeat <duration>', 'leader heartbeat interval (the Raft tick)', '100ms')
    .option('--election <duration>', 'election timeout (randomised in [t, 2t))', '1000ms')
    .option('--token <token>', 'require "Authorization: Bearer <token>" on the client API')
    .option('--no-fsync', 'do not fsync the WAL (only for benchmarks that say so: acknowledged writes can be lost)')
    .option('--json', 'print the cluster as JSON')
    .action(async (flags: { dir: string; nodes: string; basePort?: string; network: 'loopback' | 'netns'; heartbeat: string; election: string; token?: string; fsync: boolean; json?: boolean }) => {
      const nodes = positiveInt(flags.nodes, '--nodes');
      const heartbeatMs = duration(flags.heartbeat, '--heartbeat');
      const electionMs = duration(flags.election, '--election');
      if (electionMs < 2 * heartbeatMs) throw new CliExit(EXIT.badInput, '--election must be at least twice --heartbeat');
      const options: Parameters<typeof clusterUp>[0] = { dir: flags.dir, nodes, heartbeatMs, electionMs, network: flags.network, node: { fsync: flags.fsync } };
      if (flags.basePort !== undefined) options.basePort = positiveInt(flags.basePort, '--base-port');
      if (flags.token !== undefined) options.token = flags.token;
      const view = await clusterUp(options).catch(runFailed);
      print(view, flags.json === true);
    });

  cluster
    .command('status')
    .description('each member\'s id, client URL, pid, role and applied index; the leader and term')
    .addOption(dirOption())
    .option('--json', 'print as JSON')
    .action(async (flags: { dir: string; json?: boolean }) => print(await clusterStatus(flags.dir).catch(usage), flags.json === true));

  const targeted = (name: string, description: string, targets: string, act: (dir: string, target: string) => Promise<string[]>, verb: string): void => {
    cluster
      .command(name)
      .description(description)
      .argument('<target>', targets)
      .addOption(dirOption())
      .action(async (target: string, flags: { dir: string }) => {
        const done = await act(flags.dir, target).catch(usage);
        process.stdout.write(done.length === 0 ? `nothing to ${name}: no matching running node\n` : `${verb} ${done.join(', ')}\n`);
      });
  };
  targeted('kill', 'SIGKILL nodes (no clean shutdown: unsynced writes are lost)', 'a node id, leader, or all', clusterKill, 'killed');
  targeted('restart', 'start nodes again (a running node is stopped first)', 'a node id, leader, or all', clusterRestart, 'restarted');
  targeted('pause', 'SIGSTOP nodes: they stay up but stop answering', 'a node id, leader, or all', clusterPause, 'paused');
  targeted('resume', 'SIGCONT paused nodes', 'a node id, leader, or all', clusterResume, 'resumed');
  targeted('isolate', 'cut one node off from the others, both directions (iptables with --network netns, else the transport\'s fault switch)', 'a node id or leader', clusterIsolate, 'isolated');

  cluster
    .command('partition')
    .description('split the nodes into groups that cannot hear each other, e.g. `partition leader n2,n3`; cuts add up until heal')
    .argument('<groups...>', 'two or more comma-separated lists of node ids (or leader)')
    .addOption(dirOption())
    .action(async (groups: string[], flags: { dir: string }) => {
      const done = await clusterPartition(flags.dir, groups.map((g) => g.split(',').filter((id) => id !== ''))).catch(usage);
      process.stdout.write(`partitioned ${done.map((g) => g.join(',')).join(' | ')}\n`);
    });

  cluster
    .command('add')
    .description('start one more node and add it to the cluster (as a learner, promoted to voter once caught up); waits until it votes')
    .addOption(dirOption())
    .action(async (flags: { dir: string }) => {
      const id = await clusterAdd(flags.dir).catch(usage);
      process.stdout.write(`added ${id}\n`);
    });

  cluster
    .command('remove')
    .description('remove a member from the cluster, then stop its process and delete its files')
    .argument('<target>', 'a node id or leader')
    .addOption(dirOption())
    .action(async (target: string, flags: { dir: string }) => {
      const id = await clusterRemove(flags.dir, target).catch(usage);
      process.stdout.write(`removed ${id}\n`);
    });

  cluster
    .command('transfer')
    .description('hand leadership to a node (leadership transfer); waits until it leads')
    .argument('<node>', 'a node id')
    .addOption(dirOption())
    .action(async (to: string, flags: { dir: string }) => {
      const id = await clusterTransfer(flags.dir, to).catch(usage);
      process.stdout.write(`${id} leads\n`);
    });

  cluster
    .command('heal')
    .description('undo every isolate and partition')
    .addOption(dirOption())
    .action(async (flags: { dir: string }) => {
      await clusterHeal(flags.dir).catch(usage);
      process.stdout.write('healed\n');
    });

  cluster
    .command('down')
    .description('stop every node and remove the cluster\'s files')
    .addOption(dirOption())
    .action(async (flags: { dir: string }) => {
      await clusterDown(flags.dir);
      process.stdout.write('cluster down\n');
    });

  return cluster;
}

function print(view: ClusterView, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    return;
  }
  const rows = view.members.map((m) => [
    m.id,
    m.clientUrl,
    m.pid === null ? '-' : String(m.pid),
    m.status?.role ?? (m.alive ? 'no answer' : 'down'),
    m.status === null ? '-' : String(m.status.applied),
  ]);
  const header = ['NODE', 'CLIENT URL', 'PID', 'ROLE', 'APPLIED'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  process.stdout.write(`cluster ${view.cluster} in ${view.dir}\nleader ${view.leader ?? 'none'}, term ${view.term ?? '-'}\n`);
  process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CliExit(EXIT.badInput, `${flag} must be a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

function duration(text: string, flag: string): number {
  try {
    const ms = parseDuration(text);
    if (ms < 1) throw new Error('must be at least 1ms');
    return ms;
  } catch (error) {
    throw new CliExit(EXIT.badInput, `${flag}: ${(error as Error).message}`);
  }
}

function usage(error: unknown): never {
  if (error instanceof ClusterStateMissing) throw new CliExit(EXIT.badInput, error.message);
  throw new CliExit(EXIT.badInput, (error as Error).message);
}

function runFailed(error: unknown): never {
  throw new CliExit(EXIT.runFailed, `cluster up failed: ${(error as Error).message} (\`loadtest cluster down\` with the same --dir removes what was started)`);
}
