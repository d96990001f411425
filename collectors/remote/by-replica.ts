// Samples come back in one order whatever order the API listed them in or the requests finished
// in: by replica name, compared by code point (a locale would make the order depend on the machine).
import type { ResourceSample } from '../resource-sample.js';

export function byReplica(a: ResourceSample, b: ResourceSample): number {
  return a.replica < b.replica ? -1 : a.replica > b.replica ? 1 : 0;
}
