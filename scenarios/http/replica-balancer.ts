// Spreads requests over the replicas of a target the run started itself, as a client-side load
// balancer or a Kubernetes Service would: round robin, and a replica that refused, reset or timed
// out a request is left out for a while (passive health checking, as proxies eject outliers), so a
// killed replica costs a few failed requests rather than one in N for as long as it is down.
import type { Outcome } from '../outcome.js';

const EJECT_MS = 2000;
const EJECTING: ReadonlySet<Outcome> = new Set(['connect_refused', 'reset', 'timeout']);

export class ReplicaBalancer {
  /** The origin relative URLs resolve to before balancing (the first replica's). */
  readonly primary: string;
  readonly #origins: string[];
  readonly #ejectedUntil = new Map<string, number>();
  #next = 0;

  constructor(origins: readonly string[]) {
    if (origins.length === 0) throw new Error('ReplicaBalancer: no replicas');
    this.#origins = [...origins];
    this.primary = origins[0] as string;
  }

  /** The next replica in turn that is not ejected; when all are, the next in turn. */
  pick(now = performance.now()): string {
    const n = this.#origins.length;
    for (let i = 0; i < n; i++) {
      const origin = this.#origins[(this.#next + i) % n] as string;
      const until = this.#ejectedUntil.get(origin);
      if (until === undefined || until <= now) {
        this.#next = (this.#next + i + 1) % n;
        return origin;
      }
    }
    const origin = this.#origins[this.#next] as string;
    this.#next = (this.#next + 1) % n;
    return origin;
  }

  /** Called with every request's outcome; connection-level failures eject the replica. */
  observe(origin: string, outcome: Outcome, now = performance.now()): void {
    if (EJECTING.has(outcome) && this.#origins.includes(origin)) this.#ejectedUntil.set(origin, now + EJECT_MS);
  }
}
