// What every collector offers the sampler: read all the replicas it knows about, now. Rates (CPU
// cores, throttling) need two readings, so a source keeps its previous reading per replica and
// returns nothing for a replica on its first call. A replica that cannot be read this time (a pid
// that exited, an API that answered 500) is an error string, never an exception: the others are
// still sampled, and the sampler turns the error into an event in the results stream.
import type { ResourceSample } from './resource-sample.js';

export interface CollectResult {
  samples: ResourceSample[];
  errors: string[];
}

export interface ResourceSource {
  /** Shown with its errors, e.g. "docker (api)" or "cgroup (kv)". */
  readonly name: string;
  /** `nowMs`: the run clock in ms; stamped on every sample as its `time`. */
  collect(nowMs: number): Promise<CollectResult>;
  close?(): Promise<void> | void;
}
