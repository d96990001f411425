// Two readings of a cgroup's counters → one sample for the interval between them: CPU cores from
// the growth of CPU time over the wall time, throttling and OOM kills as what happened in the
// interval, memory as it is at the end (working set = usage − inactive file, the kubelet's rule).
import type { CgroupCounters } from './cgroup-counters.js';
import type { ResourceSample } from './resource-sample.js';

export function sampleBetween(
  target: string,
  replica: string,
  previous: { at: number; counters: CgroupCounters },
  current: { at: number; counters: CgroupCounters },
): ResourceSample {
  const seconds = (current.at - previous.at) / 1000;
  const a = previous.counters;
  const b = current.counters;
  const delta = (x: number | null, y: number | null): number | null => (x === null || y === null ? null : Math.max(0, y - x));
  const usage = b.memoryUsageBytes;
  const workingSet = usage === null ? null : Math.max(0, usage - (b.inactiveFileBytes ?? 0));
  const throttledNs = delta(a.throttledNs, b.throttledNs);
  return {
    time: current.at,
    target,
    replica,
    cpuCores: seconds > 0 ? Math.max(0, b.cpuUsageNs - a.cpuUsageNs) / 1e9 / seconds : null,
    cpuThrottledSeconds: throttledNs === null ? null : throttledNs / 1e9,
    cpuPeriods: delta(a.periods, b.periods),
    cpuThrottledPeriods: delta(a.throttledPeriods, b.throttledPeriods),
    memoryUsageBytes: usage,
    workingSetBytes: workingSet,
    rssBytes: b.rssBytes,
    pageCacheBytes: b.pageCacheBytes,
    oomKills: delta(a.oomKills, b.oomKills),
    limits: { cpuCores: b.cpuLimitCores, memoryBytes: b.memoryLimitBytes },
  };
}
