// Reading a cgroup's raw counters, v1 or v2, into one shape. v1 spreads them over controllers
// (cpu, cpuacct, memory: each its own hierarchy, so its own directory); v2 has one directory with
// different file names and units. Parsing is separate from reading so both layouts are tested
// against real file contents without a cgroup at hand.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CgroupCounters {
  /** Cumulative CPU time, ns. */
  cpuUsageNs: number;
  periods: number | null;
  throttledPeriods: number | null;
  /** Cumulative throttled time, ns. */
  throttledNs: number | null;
  memoryUsageBytes: number | null;
  inactiveFileBytes: number | null;
  rssBytes: number | null;
  pageCacheBytes: number | null;
  /** Cumulative OOM kills. */
  oomKills: number | null;
  cpuLimitCores: number | null;
  memoryLimitBytes: number | null;
}

/** Where one cgroup lives: v2 is one directory; v1 one directory per controller. */
export type CgroupLocation = { version: 2; dir: string } | { version: 1; cpu: string; cpuacct: string; memory: string };

/** "key value" lines (cpu.stat, memory.stat, memory.events) as numbers. */
export function parseKeyValues(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key !== undefined && key !== '' && value !== undefined && /^-?\d+$/.test(value)) out.set(key, Number(value));
  }
  return out;
}

/** v1 reports "no limit" as a huge number (page-rounded LONG_MAX); anything above 2^60 is no limit. */
const V1_UNLIMITED = 2 ** 60;

export function parseV1(files: {
  cpuacctUsage: string;
  cpuStat?: string;
  cfsQuotaUs?: string;
  cfsPeriodUs?: string;
  memoryUsage?: string;
  memoryStat?: string;
  memoryLimit?: string;
  oomControl?: string;
}): CgroupCounters {
  const cpu = parseKeyValues(files.cpuStat ?? '');
  const mem = parseKeyValues(files.memoryStat ?? '');
  const quota = files.cfsQuotaUs === undefined ? -1 : Number(files.cfsQuotaUs.trim());
  const period = files.cfsPeriodUs === undefined ? 0 : Number(files.cfsPeriodUs.trim());
  const limit = files.memoryLimit === undefined ? null : Number(files.memoryLimit.trim());
  return {
    cpuUsageNs: Number(files.cpuacctUsage.trim()),
    periods: cpu.get('nr_periods') ?? null,
    throttledPeriods: cpu.get('nr_throttled') ?? null,
    throttledNs: cpu.get('throttled_time') ?? null,
    memoryUsageBytes: files.memoryUsage === undefined ? null : Number(files.memoryUsage.trim()),
    // total_*: this group and its descendants, as usage_in_bytes counts them.
    inactiveFileBytes: mem.get('total_inactive_file') ?? mem.get('inactive_file') ?? null,
    rssBytes: mem.get('total_rss') ?? mem.get('rss') ?? null,
    pageCacheBytes: mem.get('total_cache') ?? mem.get('cache') ?? null,
    oomKills: files.oomControl === undefined ? null : (parseKeyValues(files.oomControl).get('oom_kill') ?? null),
    cpuLimitCores: quota > 0 && period > 0 ? quota / period : null,
    memoryLimitBytes: limit === null || limit >= V1_UNLIMITED ? null : limit,
  };
}

export function parseV2(files: { cpuStat: string; cpuMax?: string; memoryCurrent?: string; memoryStat?: string; memoryMax?: string; memoryEvents?: string }): CgroupCounters {
  const cpu = parseKeyValues(files.cpuStat);
  const mem = parseKeyValues(files.memoryStat ?? '');
  const [quota, period] = (files.cpuMax ?? 'max').trim().split(/\s+/);
  const usec = (key: string): number | null => {
    const v = cpu.get(key);
    return v === undefined ? null : v * 1000;
  };
  const memoryMax = files.memoryMax?.trim();
  return {
    cpuUsageNs: usec('usage_usec') ?? 0,
    periods: cpu.get('nr_periods') ?? null,
    throttledPeriods: cpu.get('nr_throttled') ?? null,
    throttledNs: usec('throttled_usec'),
    memoryUsageBytes: files.memoryCurrent === undefined ? null : Number(files.memoryCurrent.trim()),
    inactiveFileBytes: mem.get('inactive_file') ?? null,
    rssBytes: mem.get('anon') ?? null,
    pageCacheBytes: mem.get('file') ?? null,
    oomKills: files.memoryEvents === undefined ? null : (parseKeyValues(files.memoryEvents).get('oom_kill') ?? null),
    cpuLimitCores: quota !== undefined && quota !== 'max' && Number(period) > 0 ? Number(quota) / Number(period) : null,
    memoryLimitBytes: memoryMax === undefined || memoryMax === 'max' ? null : Number(memoryMax),
  };
}

/** Reads a cgroup's counters now. Throws (with the path) when the cgroup's CPU accounting is unreadable. */
export function readCgroupCounters(location: CgroupLocation): CgroupCounters {
  if (location.version === 2) {
    const d = location.dir;
    return parseV2({
      cpuStat: readFileSync(join(d, 'cpu.stat'), 'utf8'),
      cpuMax: optional(join(d, 'cpu.max')),
      memoryCurrent: optional(join(d, 'memory.current')),
      memoryStat: optional(join(d, 'memory.stat')),
      memoryMax: optional(join(d, 'memory.max')),
      memoryEvents: optional(join(d, 'memory.events')),
    });
  }
  return parseV1({
    cpuacctUsage: readFileSync(join(location.cpuacct, 'cpuacct.usage'), 'utf8'),
    cpuStat: optional(join(location.cpu, 'cpu.stat')),
    cfsQuotaUs: optional(join(location.cpu, 'cpu.cfs_quota_us')),
    cfsPeriodUs: optional(join(location.cpu, 'cpu.cfs_period_us')),
    memoryUsage: optional(join(location.memory, 'memory.usage_in_bytes')),
    memoryStat: optional(join(location.memory, 'memory.stat')),
    memoryLimit: optional(join(location.memory, 'memory.limit_in_bytes')),
    oomControl: optional(join(location.memory, 'memory.oom_control')),
  });
}

function optional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
