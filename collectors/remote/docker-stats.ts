// The Docker Engine's stats document (GET /containers/{id}/stats) read into the cgroup counters
// shape, so the interval arithmetic is the one every source shares (counters-to-sample.ts); only
// CPU differs: `docker stats` measures the container's CPU time against the host's CPU time
// (system_cpu_usage) rather than the wall clock, and so does this, to give the same figure.
import type { CgroupCounters } from '../cgroup-counters.js';

/** One stats reading: the counters, plus what docker's CPU formula needs. */
export interface DockerReading {
  /** Wall time the daemon read the counters (`read`), ms since the epoch. */
  readAtMs: number;
  /** Host CPU time summed over all CPUs, ns (cpu_stats.system_cpu_usage). */
  systemCpuNs: number | null;
  onlineCpus: number | null;
  counters: CgroupCounters;
}

/** Engine limits it reports for "none": page-rounded LONG_MAX on cgroup v1, anything above 2^60. */
const UNLIMITED = 2 ** 60;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Null when the document has no CPU counters (a container that stopped between list and stats). */
export function parseDockerStats(document: unknown, fallbackReadAtMs: number): DockerReading | null {
  const doc = obj(document);
  const cpu = obj(doc['cpu_stats']);
  const usage = obj(cpu['cpu_usage']);
  const total = num(usage['total_usage']);
  if (total === null) return null;
  const throttling = obj(cpu['throttling_data']);
  const memory = obj(doc['memory_stats']);
  const stats = obj(memory['stats']);
  // cgroup v1 documents carry total_* (this group and its children, as usage counts them); v2 ones
  // carry the v2 memory.stat names (inactive_file, anon, file).
  const stat = (...keys: string[]): number | null => {
    for (const key of keys) {
      const v = num(stats[key]);
      if (v !== null) return v;
    }
    return null;
  };
  const limit = num(memory['limit']);
  const percpu = Array.isArray(usage['percpu_usage']) ? (usage['percpu_usage'] as unknown[]).length : 0;
  const read = typeof doc['read'] === 'string' ? Date.parse(doc['read']) : Number.NaN;
  return {
    // A zero time ("0001-01-01T00:00:00Z") means the daemon did not say.
    readAtMs: Number.isFinite(read) && read > 0 ? read : fallbackReadAtMs,
    systemCpuNs: num(cpu['system_cpu_usage']),
    // Older daemons leave online_cpus out; the API docs say to count percpu_usage then.
    onlineCpus: num(cpu['online_cpus']) ?? (percpu > 0 ? percpu : null),
    counters: {
      cpuUsageNs: total,
      periods: num(throttling['periods']),
      throttledPeriods: num(throttling['throttled_periods']),
      throttledNs: num(throttling['throttled_time']),
      memoryUsageBytes: num(memory['usage']),
      inactiveFileBytes: stat('total_inactive_file', 'inactive_file'),
      rssBytes: stat('total_rss', 'rss', 'anon'),
      pageCacheBytes: stat('total_cache', 'cache', 'file'),
      // Neither layout's memory.stat counts OOM kills, and the Engine does not report memory.events.
      oomKills: null,
      cpuLimitCores: null,
      memoryLimitBytes: limit === null || limit <= 0 || limit >= UNLIMITED ? null : limit,
    },
  };
}

/**
 * CPU cores over the interval as `docker stats` computes its percentage, without the ×100:
 * (container CPU delta / host CPU delta) × online CPUs. Null when either delta is not positive
 * (the container restarted, or the host counter did not move).
 */
export function dockerCpuCores(previous: DockerReading, current: DockerReading): number | null {
  if (previous.systemCpuNs === null || current.systemCpuNs === null || current.onlineCpus === null) return null;
  const cpuDelta = current.counters.cpuUsageNs - previous.counters.cpuUsageNs;
  const systemDelta = current.systemCpuNs - previous.systemCpuNs;
  if (systemDelta <= 0 || cpuDelta < 0) return null;
  return (cpuDelta / systemDelta) * current.onlineCpus;
}

/** What `GET /containers/{id}/json` says the limits are: they do not change while it runs. */
export interface DockerLimits {
  cpuCores: number | null;
  /** 0 in HostConfig.Memory means none; the stats document then shows the host's memory as the limit. */
  memoryBytes: number | null;
}

export function parseDockerLimits(inspect: unknown): DockerLimits {
  const host = obj(obj(inspect)['HostConfig']);
  const nano = num(host['NanoCpus']) ?? 0;
  const quota = num(host['CpuQuota']) ?? 0;
  // A quota without a period runs against the kernel's default period, 100 ms.
  const period = num(host['CpuPeriod']) || 100_000;
  const memory = num(host['Memory']) ?? 0;
  return {
    cpuCores: nano > 0 ? nano / 1e9 : quota > 0 ? quota / period : null,
    memoryBytes: memory > 0 ? memory : null,
  };
}
