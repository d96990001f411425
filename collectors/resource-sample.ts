// The one shape every collector returns: what one replica of one target used over the interval
// that ends at `time`. Counters that only grow (CPU time, throttling, OOM kills) are turned into
// per-interval amounts by the collector, so a sample means the same whatever the source.

export interface ResourceSample {
  /** End of the interval, in ms on the run's clock. */
  time: number;
  target: string;
  /** Which replica of the target (a node id, a pod name, a container name). */
  replica: string;
  /** CPU used over the interval, in cores (1.0 = one core busy the whole interval). */
  cpuCores: number | null;
  /** Time the CFS quota held the group back during the interval, in seconds (summed over cores). */
  cpuThrottledSeconds: number | null;
  /** Enforcement periods in the interval, and how many of them were throttled. */
  cpuPeriods: number | null;
  cpuThrottledPeriods: number | null;
  /** Memory charged to the group, bytes (includes page cache). */
  memoryUsageBytes: number | null;
  /** usage − inactive file cache, as the kubelet computes it: what an OOM decision looks at. */
  workingSetBytes: number | null;
  rssBytes: number | null;
  pageCacheBytes: number | null;
  /** OOM kills in the interval. */
  oomKills: number | null;
  /** Limits in force (null: unlimited or unknown). */
  limits: { cpuCores: number | null; memoryBytes: number | null };
}
