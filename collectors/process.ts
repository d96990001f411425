// The /proc source: a replica is a process (and, with `children`, the processes below it), for
// targets that run without a cgroup of their own. CPU comes from the stat times, in cores over
// the interval. Memory is the sum of the processes' RSS; the working set is taken to be that RSS,
// because /proc does not attribute page cache to a process the way a cgroup does (so a service
// that works mostly from the page cache reads lower here than under a cgroup). No throttling and
// no limits: those exist only for cgroups.
//
// Children come and go between readings, which is what the interval arithmetic below is about:
// a process counts for its own CPU growth; one that exited and was reaped inside the tree has
// its final CPU show up in its parent's "children" times, minus what was already counted while
// it was seen alive; one that exited unseen by any ancestor in the tree is lost for its last
// interval, never counted negative.
import { clockTicksPerSecond, readProcessTree, type ProcessReading } from './proc-stat.js';
import type { ResourceSample } from './resource-sample.js';
import type { CollectResult, ResourceSource } from './resource-source.js';

export interface ProcessSourceOptions {
  target: string;
  /** Asked at every collect: the launcher may restart or add replicas during a run. */
  replicas: () => Array<{ replica: string; pid: number }>;
  /** Count the whole process tree below each pid, not just the pid. */
  children: boolean;
}

/** One process of a tree, keyed elsewhere by `pid@startTime` so a reused pid is a different process. */
export interface TreeProcess {
  /** Key of its parent when the parent is in the tree, else null. */
  parent: string | null;
  /** Own user + system CPU, ticks. */
  ownTicks: number;
  /** CPU of children it has reaped (cutime + cstime), ticks. */
  reapedTicks: number;
}

/**
 * CPU ticks used by a process tree between two readings. Never negative: a process gone without
 * its parent in the tree reaping it takes its last interval with it.
 */
export function cpuTicksBetween(previous: ReadonlyMap<string, TreeProcess>, current: ReadonlyMap<string, TreeProcess>): number {
  // What was already counted of processes that have vanished, charged to their nearest ancestor
  // still present: that ancestor's reaped times include their whole lifetime.
  const countedBefore = new Map<string, number>();
  for (const [key, gone] of previous) {
    if (current.has(key)) continue;
    let ancestor = gone.parent;
    for (let hops = 0; ancestor !== null && !current.has(ancestor) && hops < previous.size; hops++) ancestor = previous.get(ancestor)?.parent ?? null;
    if (ancestor !== null && current.has(ancestor)) countedBefore.set(ancestor, (countedBefore.get(ancestor) ?? 0) + gone.ownTicks + gone.reapedTicks);
  }
  let ticks = 0;
  for (const [key, now] of current) {
    const before = previous.get(key);
    ticks += Math.max(0, now.ownTicks - (before?.ownTicks ?? 0));
    ticks += Math.max(0, now.reapedTicks - (before?.reapedTicks ?? 0) - (countedBefore.get(key) ?? 0));
  }
  return ticks;
}

/** A tree as read from /proc → the shape the arithmetic works on. `countReaped`: false when only the pid itself is watched. */
export function toTree(readings: ReadonlyMap<number, ProcessReading>, countReaped: boolean): Map<string, TreeProcess> {
  const keyOf = (r: ProcessReading): string => `${r.stat.pid}@${r.stat.startTime}`;
  const tree = new Map<string, TreeProcess>();
  for (const reading of readings.values()) {
    const parent = readings.get(reading.stat.ppid);
    tree.set(keyOf(reading), {
      parent: parent === undefined ? null : keyOf(parent),
      ownTicks: reading.stat.utime + reading.stat.stime,
      reapedTicks: countReaped ? reading.stat.cutime + reading.stat.cstime : 0,
    });
  }
  return tree;
}

export class ProcessSource implements ResourceSource {
  readonly name: string;
  readonly #options: ProcessSourceOptions;
  readonly #previous = new Map<string, { at: number; rootKey: string; tree: Map<string, TreeProcess> }>();
  #ticksNoteReported = false;

  constructor(options: ProcessSourceOptions) {
    this.#options = options;
    this.name = `process (${options.target})`;
  }

  async collect(nowMs: number): Promise<CollectResult> {
    const { target, children } = this.#options;
    const ticks = clockTicksPerSecond();
    const samples: ResourceSample[] = [];
    const errors: string[] = [];
    if (ticks.assumed !== null && !this.#ticksNoteReported) {
      errors.push(`${this.name}: ${ticks.assumed}`);
      this.#ticksNoteReported = true;
    }
    const seen = new Set<string>();
    for (const { replica, pid } of this.#options.replicas()) {
      const key = `${replica}\u0000${pid}`;
      const label = `process (${target}/${replica})`;
      let readings: Map<number, ProcessReading> | null;
      try {
        readings = readProcessTree(pid, children);
      } catch (error) {
        this.#previous.delete(key);
        errors.push(`${label}: cannot read /proc/${pid}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const root = readings?.get(pid);
      const rootKey = root === undefined ? '' : `${pid}@${root.stat.startTime}`;
      const previous = this.#previous.get(key);
      if (readings === null || root === undefined || (previous !== undefined && previous.rootKey !== rootKey)) {
        this.#previous.delete(key);
        errors.push(`${label}: pid ${pid} has exited${readings !== null ? ' (the pid now belongs to another process)' : ''}`);
        continue;
      }
      seen.add(key);
      const tree = toTree(readings, children);
      if (previous !== undefined && nowMs > previous.at) {
        const seconds = (nowMs - previous.at) / 1000;
        let rss = 0;
        for (const r of readings.values()) rss += r.rssBytes ?? 0;
        samples.push({
          time: nowMs,
          target,
          replica,
          cpuCores: cpuTicksBetween(previous.tree, tree) / ticks.perSecond / seconds,
          cpuThrottledSeconds: null,
          cpuPeriods: null,
          cpuThrottledPeriods: null,
          memoryUsageBytes: rss,
          workingSetBytes: rss,
          rssBytes: rss,
          pageCacheBytes: null,
          oomKills: null,
          limits: { cpuCores: null, memoryBytes: null },
        });
      }
      this.#previous.set(key, { at: nowMs, rootKey, tree });
    }
    for (const key of this.#previous.keys()) if (!seen.has(key)) this.#previous.delete(key);
    return { samples, errors };
  }
}
