// Collector output into results-stream records. The collectors know nothing of the stream (they
// return the shared sample shape with times in run-clock milliseconds); here a sample becomes a
// record covering the interval that ends at its time, in the stream's seconds.
import type { HostSample } from '../../collectors/host.js';
import type { ResourceSample } from '../../collectors/resource-sample.js';
import type { HostRecord, ResourceRecord } from '../results/results-format.js';
import { roundSeconds } from '../results/run-clock.js';

export function resourceRecord(sample: ResourceSample, source: string, intervalMs: number): ResourceRecord {
  const end = sample.time / 1000;
  const dur = Math.max(0.001, intervalMs / 1000);
  return {
    type: 'resource',
    t: roundSeconds(Math.max(0, end - dur)),
    dur: roundSeconds(dur),
    target: sample.target,
    replica: sample.replica,
    source,
    cpuCores: round6(sample.cpuCores),
    cpuThrottledSeconds: round6(sample.cpuThrottledSeconds),
    cpuPeriods: sample.cpuPeriods,
    cpuThrottledPeriods: sample.cpuThrottledPeriods,
    memoryUsageBytes: sample.memoryUsageBytes,
    workingSetBytes: sample.workingSetBytes,
    rssBytes: sample.rssBytes,
    pageCacheBytes: sample.pageCacheBytes,
    oomKills: sample.oomKills,
    limits: { ...sample.limits },
  };
}

export function hostRecord(sample: HostSample, intervalMs: number, saturated: string | null): HostRecord {
  const dur = Math.max(0.001, intervalMs / 1000);
  const record: HostRecord = {
    type: 'host',
    t: roundSeconds(Math.max(0, sample.time / 1000 - dur)),
    dur: roundSeconds(dur),
    cpuBusy: round6(sample.cpuBusy),
    perCoreBusy: sample.perCoreBusy.map((b) => round6(b) ?? 0),
    load1: sample.load1,
    memoryUsedBytes: sample.memoryUsedBytes,
    memoryTotalBytes: sample.memoryTotalBytes,
    netRxBytesPerSecond: sample.netRxBytesPerSecond,
    netTxBytesPerSecond: sample.netTxBytesPerSecond,
    diskReadBytesPerSecond: sample.diskReadBytesPerSecond,
    diskWriteBytesPerSecond: sample.diskWriteBytesPerSecond,
  };
  if (saturated !== null) record.saturated = saturated;
  return record;
}

function round6(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1e6) / 1e6;
}
