// The cgroup source: a target's replicas are cgroups on this machine (the launcher starts each
// replica in its own, or the user names them), read directly from the kernel's files. It keeps
// the previous reading per replica, because CPU and throttling are counters that only mean
// something as growth between two readings.
import { readCgroupCounters, type CgroupCounters, type CgroupLocation } from './cgroup-counters.js';
import { sampleBetween } from './counters-to-sample.js';
import type { ResourceSample } from './resource-sample.js';
import type { CollectResult, ResourceSource } from './resource-source.js';

export interface CgroupSourceOptions {
  target: string;
  /** Asked at every collect: the launcher may restart or add replicas during a run. */
  replicas: () => Array<{ replica: string; location: CgroupLocation }>;
}

export class CgroupSource implements ResourceSource {
  readonly name: string;
  readonly #target: string;
  readonly #replicas: CgroupSourceOptions['replicas'];
  /** Keyed by replica and location, so a replica moved to another cgroup starts afresh. */
  readonly #previous = new Map<string, { at: number; counters: CgroupCounters }>();

  constructor(options: CgroupSourceOptions) {
    this.#target = options.target;
    this.#replicas = options.replicas;
    this.name = `cgroup (${options.target})`;
  }

  async collect(nowMs: number): Promise<CollectResult> {
    const samples: ResourceSample[] = [];
    const errors: string[] = [];
    const seen = new Set<string>();
    for (const { replica, location } of this.#replicas()) {
      const key = `${replica}\u0000${describe(location)}`;
      let counters: CgroupCounters;
      try {
        counters = readCgroupCounters(location);
      } catch (error) {
        // Forget the old reading: if the cgroup comes back it is a new one, its counters restarted.
        this.#previous.delete(key);
        errors.push(`cgroup (${this.#target}/${replica}): cannot read ${describe(location)}: ${reason(error)}`);
        continue;
      }
      seen.add(key);
      const current = { at: nowMs, counters };
      const previous = this.#previous.get(key);
      if (previous !== undefined && nowMs > previous.at) samples.push(sampleBetween(this.#target, replica, previous, current));
      this.#previous.set(key, current);
    }
    // Replicas no longer listed are forgotten, so the map does not grow over a run with restarts.
    for (const key of this.#previous.keys()) if (!seen.has(key)) this.#previous.delete(key);
    return { samples, errors };
  }
}

function describe(location: CgroupLocation): string {
  if (location.version === 2) return location.dir;
  const dirs = [...new Set([location.cpu, location.cpuacct, location.memory])];
  return dirs.join(', ');
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return `${e.path ?? 'a counter file'} does not exist (cgroup removed?)`;
  if (e.code !== undefined) return `${e.code} on ${e.path ?? 'a counter file'}`;
  return e instanceof Error ? e.message : String(error);
}
