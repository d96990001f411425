// One sampler, alone in a fresh node process, for the collectors bench's cost figure:
//
//   node dist/bench/lib/collectors-cost-worker.js '<CostJob as JSON>'
//
// It samples the given targets every second for `seconds` through the project's Sampler with one
// source (our cgroup source, our /proc source, or systeminformation's si.processes() filtered to
// the targets' PIDs, as a tool built on it would) and prints one JSON line (CostResult). A process
// of its own, because the honest cost includes what a source makes others do: si.processes() runs
// `ps` and shells, whose CPU lands in this process's reaped-children times, not in
// process.cpuUsage(). The window runs from the first poll to the end of Sampler.stop(); module
// loading and node's own start-up stay out of it, because a run pays those once, not per second.
import { readFileSync } from 'node:fs';
import si from 'systeminformation';
import { CgroupSource } from '../../collectors/cgroup.js';
import type { CgroupLocation } from '../../collectors/cgroup-counters.js';
import { ProcessSource } from '../../collectors/process.js';
import type { ResourceSample } from '../../collectors/resource-sample.js';
import type { CollectResult, ResourceSource } from '../../collectors/resource-source.js';
import { Sampler } from '../../collectors/sampler.js';
import { clockTicksPerSecond } from './proc-stat.js';

export type CostMethod = 'cgroup' | 'process' | 'systeminformation';

export interface CostJob {
  method: CostMethod;
  seconds: number;
  intervalMs: number;
  targets: Array<{ replica: string; pid: number; location?: CgroupLocation }>;
}

export interface CostResult {
  /** This process's own CPU over the window (all its threads), µs. */
  selfCpuUs: number;
  /** CPU of the children it spawned and reaped over the window, µs (10 ms resolution). */
  childrenCpuUs: number;
  wallMs: number;
  polls: number;
  samples: number;
  errors: string[];
}

/** The peer: what a tool built on systeminformation does to watch a set of processes. */
class SystemInformationSource implements ResourceSource {
  readonly name = 'systeminformation (si.processes)';
  constructor(private readonly targets: CostJob['targets']) {}

  async collect(nowMs: number): Promise<CollectResult> {
    const { list } = await si.processes();
    const byPid = new Map(list.map((p) => [p.pid, p]));
    const samples: ResourceSample[] = [];
    const errors: string[] = [];
    for (const { replica, pid } of this.targets) {
      const p = byPid.get(pid);
      if (p === undefined) {
        errors.push(`${this.name}: pid ${pid} not listed`);
        continue;
      }
      samples.push(peerSample(nowMs, replica, p.cpu / 100, p.memRss * 1024));
    }
    return { samples, errors };
  }
}

function peerSample(time: number, replica: string, cpuCores: number, rssBytes: number): ResourceSample {
  return {
    time,
    target: 'idle',
    replica,
    cpuCores,
    cpuThrottledSeconds: null,
    cpuPeriods: null,
    cpuThrottledPeriods: null,
    memoryUsageBytes: rssBytes,
    workingSetBytes: rssBytes,
    rssBytes,
    pageCacheBytes: null,
    oomKills: null,
    limits: { cpuCores: null, memoryBytes: null },
  };
}

function sourceFor(job: CostJob): ResourceSource {
  switch (job.method) {
    case 'cgroup':
      return new CgroupSource({
        target: 'idle',
        replicas: () =>
          job.targets.map(({ replica, location }) => {
            if (location === undefined) throw new Error(`replica ${replica} has no cgroup`);
            return { replica, location };
          }),
      });
    case 'process':
      // children: true, as the launcher samples a replica without a cgroup (its whole tree).
      return new ProcessSource({ target: 'idle', children: true, replicas: () => job.targets.map(({ replica, pid }) => ({ replica, pid })) });
    case 'systeminformation':
      return new SystemInformationSource(job.targets);
  }
}

/** utime + stime of reaped children (fields 16 and 17 of /proc/self/stat), in clock ticks. */
function reapedChildrenTicks(): number {
  const text = readFileSync('/proc/self/stat', 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(fields[13]) + Number(fields[14]);
}

const cpuNowUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function measure(job: CostJob): Promise<CostResult> {
  const source = sourceFor(job);
  const errors = new Set<string>();
  let polls = 0;
  let samples = 0;
  const ticksPerSecond = clockTicksPerSecond(); // spawns getconf: done before the window opens
  const wallFrom = performance.now();
  const selfFrom = cpuNowUs();
  const childrenFrom = reapedChildrenTicks();
  const sampler = new Sampler({
    sources: [source],
    intervalMs: job.intervalMs,
    nowMs: () => performance.now() - wallFrom,
    onSamples: (_source, batch) => (samples += batch.length),
    onError: (_source, message) => errors.add(message),
    onTick: async () => {
      polls++;
    },
  });
  sampler.start();
  await new Promise((resolve) => setTimeout(resolve, job.seconds * 1000));
  await sampler.stop();
  return {
    selfCpuUs: cpuNowUs() - selfFrom,
    childrenCpuUs: ((reapedChildrenTicks() - childrenFrom) / ticksPerSecond) * 1e6,
    wallMs: performance.now() - wallFrom,
    polls,
    samples,
    errors: [...errors],
  };
}

const job = JSON.parse(process.argv[2] ?? '{}') as CostJob;
if (!['cgroup', 'process', 'systeminformation'].includes(job.method) || !(job.seconds > 0) || !Array.isArray(job.targets)) {
  process.stderr.write('usage: collectors-cost-worker.js \'{"method":"cgroup|process|systeminformation","seconds":30,"intervalMs":1000,"targets":[...]}\'\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await measure(job))}\n`);
